import { z } from 'zod';
import { CAMERA_SOURCES, OWNER_TYPES, PROFILE_KINDS } from '../../domain/catalog.js';
import { LIFECYCLES } from '../../domain/camera-lifecycle.js';
import { HEALTH_STATES } from '../../domain/health-state.js';
import { TIERS } from '../../domain/tier.js';
import { CAMERA_SORT_KEYS } from '../../storage/repositories/camera.repository.js';
import { pageFields, text, type PageLimits } from '../validation.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Address fields are deliberately unbounded here: the domain validator owns every rule about
 * them (length included) so each rejection carries INVALID_STREAM_URL and a stable reason.
 */
export const streamProfileInput = z
  .strictObject({
    url: z.string().optional().describe('rtsp:// or rtsps:// URL without credentials; or give the parts'),
    scheme: z.string().optional(),
    host: z.string().optional(),
    port: z.number().int().nullable().optional(),
    path: z.string().optional(),
    query: z.string().nullable().optional(),
    codec: z.string().regex(/^[A-Za-z0-9.-]{1,16}$/, 'codec must be a short name such as h264').nullable().optional(),
    width: z.number().int().min(16).max(16384).nullable().optional(),
    height: z.number().int().min(16).max(16384).nullable().optional(),
    fps: z.number().positive().max(240).nullable().optional(),
    bitrateKbps: z.number().int().positive().max(1_000_000).nullable().optional(),
  })
  .refine((p) => !(p.url !== undefined && (p.scheme !== undefined || p.host !== undefined)), {
    message: 'give either "url" or the parts, not both',
  });

export const credentialsInput = z.strictObject({
  username: text(128),
  password: z
    .string()
    .max(256)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters'),
});

const tierOverrideInput = z.strictObject({
  tier: z.enum(TIERS),
  expiresAt: z.iso.datetime({ offset: true }).describe('When the temporary tier ends (ISO-8601)'),
});

const deviceServiceUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

const optionalText = (max: number) => text(max).nullable().optional();

const cameraFields = {
  name: text(200),
  organisationId: z.string().min(1).max(64),
  regionId: z.string().min(1).max(64),
  tier: z.enum(TIERS).optional(),
  tierOverride: tierOverrideInput.nullable().optional(),
  manufacturer: optionalText(100),
  model: optionalText(100),
  serialNumber: optionalText(100),
  macAddress: optionalText(32),
  hardwareId: optionalText(100),
  onvifEndpointRef: optionalText(256),
  onvifAddress: deviceServiceUrl.nullable().optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  address: optionalText(500),
  description: optionalText(2000),
  credentials: credentialsInput.nullable().optional().describe('Write-only: never returned'),
};

export const cameraCreateBody = z.strictObject({
  ...cameraFields,
  organisationId: cameraFields.organisationId.optional().describe('Required for staff; an integrator\'s cameras always belong to their organisation'),
  lifecycle: z.enum(['pending', 'approved']).optional(),
  source: z.enum(CAMERA_SOURCES).optional(),
  profiles: z.strictObject({ main: streamProfileInput, sub: streamProfileInput.nullable().optional() }),
});

export const cameraUpdateBody = z
  .strictObject({
    ...cameraFields,
    name: cameraFields.name.optional(),
    organisationId: cameraFields.organisationId.optional(),
    regionId: cameraFields.regionId.optional(),
    profiles: z.strictObject({ main: streamProfileInput.optional(), sub: streamProfileInput.nullable().optional() }).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' });

export const reasonBody = z.strictObject({ reason: text(500).optional() });

export function cameraListQuery(limits: PageLimits) {
  return z.strictObject({
    organisationId: z.string().max(64).optional(),
    ownerType: z.enum(OWNER_TYPES).optional(),
    regionId: z.string().max(64).optional().describe('The region and everything below it'),
    tier: z.enum(TIERS).optional().describe('Tier in force now, temporary overrides included'),
    lifecycle: z.enum(LIFECYCLES).optional(),
    health: z.enum(HEALTH_STATES).optional().describe('Health now (approved cameras are monitored)'),
    submittedBy: z.literal('me').optional().describe('"me": only the cameras you registered (an integrator\'s submissions)'),
    q: z.string().max(200).optional().describe('Text in the name or address'),
    sort: z
      .string()
      .regex(new RegExp(`^-?(${CAMERA_SORT_KEYS.join('|')})$`), `one of ${CAMERA_SORT_KEYS.join(', ')}, "-" for descending`)
      .default('name'),
    ...pageFields(limits),
  });
}

const streamProfileView = z.object({
  scheme: z.string(),
  host: z.string(),
  port: z.number().nullable(),
  path: z.string(),
  query: z.string().nullable(),
  url: z.string(),
  codec: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
  bitrateKbps: z.number().nullable(),
});

export const cameraView = z.object({
  id: z.string(),
  nationalCode: z.string().describe('20-digit GB/T 28181 code assigned by Vigil'),
  name: z.string(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  serialNumber: z.string().nullable(),
  macAddress: z.string().nullable(),
  hardwareId: z.string().nullable(),
  onvifEndpointRef: z.string().nullable(),
  onvifAddress: z.string().nullable(),
  organisationId: z.string(),
  regionId: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  address: z.string().nullable(),
  description: z.string().nullable(),
  tier: z.enum(TIERS),
  tierOverride: tierOverrideInput.nullable(),
  effectiveTier: z.enum(TIERS),
  lifecycle: z.enum(LIFECYCLES),
  lifecycleReason: z.string().nullable(),
  lifecycleChangedAt: z.string(),
  source: z.enum(CAMERA_SOURCES),
  profiles: z.object(Object.fromEntries(PROFILE_KINDS.map((k) => [k, streamProfileView.nullable()]))),
  hasCredentials: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  health: z
    .object({ state: z.enum(HEALTH_STATES), reason: z.string(), since: z.string() })
    .nullable()
    .optional()
    .describe('Health now from the monitor; null while the camera is not monitored (not approved)'),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), limit: z.number(), offset: z.number() });
