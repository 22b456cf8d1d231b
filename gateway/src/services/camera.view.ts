import type { CameraSource, ProfileKind } from '../domain/catalog.js';
import type { Lifecycle } from '../domain/camera-lifecycle.js';
import { buildStreamUrl } from '../domain/stream-address.js';
import { effectiveTier, type Tier, type TierOverride } from '../domain/tier.js';
import type { CameraRecord } from '../storage/repositories/camera.repository.js';
import type { StreamProfileRow } from '../storage/schema.js';

/** A stream profile as the API shows it: the address as parts and as a URL (never with credentials). */
export interface StreamProfileView {
  readonly scheme: string;
  readonly host: string;
  readonly port: number | null;
  readonly path: string;
  readonly query: string | null;
  readonly url: string;
  readonly codec: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly fps: number | null;
  readonly bitrateKbps: number | null;
}

/** A camera as the API shows it. Credentials appear only as `hasCredentials`. */
export interface CameraView {
  readonly id: string;
  readonly nationalCode: string;
  readonly name: string;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly serialNumber: string | null;
  readonly macAddress: string | null;
  readonly hardwareId: string | null;
  readonly onvifEndpointRef: string | null;
  readonly onvifAddress: string | null;
  readonly organisationId: string;
  readonly regionId: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly address: string | null;
  readonly description: string | null;
  readonly tier: Tier;
  readonly tierOverride: TierOverride | null;
  readonly effectiveTier: Tier;
  readonly lifecycle: Lifecycle;
  readonly lifecycleReason: string | null;
  readonly lifecycleChangedAt: string;
  readonly source: CameraSource;
  readonly profiles: Readonly<Record<ProfileKind, StreamProfileView | null>>;
  readonly hasCredentials: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

function profileView(row: StreamProfileRow): StreamProfileView {
  return {
    scheme: row.scheme,
    host: row.host,
    port: row.port,
    path: row.path,
    query: row.query,
    url: buildStreamUrl(row),
    codec: row.codec,
    width: row.width,
    height: row.height,
    fps: row.fps,
    bitrateKbps: row.bitrate_kbps,
  };
}

export function cameraView(record: CameraRecord, now: Date): CameraView {
  const { row } = record;
  const override =
    row.tier_override !== null && row.tier_override_expires_at !== null
      ? { tier: row.tier_override, expiresAt: row.tier_override_expires_at }
      : null;
  const main = record.profiles.find((p) => p.kind === 'main');
  const sub = record.profiles.find((p) => p.kind === 'sub');
  return {
    id: row.id,
    nationalCode: row.national_code,
    name: row.name,
    manufacturer: row.manufacturer,
    model: row.model,
    serialNumber: row.serial_number,
    macAddress: row.mac_address,
    hardwareId: row.hardware_id,
    onvifEndpointRef: row.onvif_endpoint_ref,
    onvifAddress: row.onvif_address,
    organisationId: row.organisation_id,
    regionId: row.region_id,
    latitude: row.latitude,
    longitude: row.longitude,
    address: row.address,
    description: row.description,
    tier: row.tier,
    // An expired override is history, not state: show it as gone.
    tierOverride: override && Date.parse(override.expiresAt) > now.getTime() ? override : null,
    effectiveTier: effectiveTier(row.tier, override, now),
    lifecycle: row.lifecycle,
    lifecycleReason: row.lifecycle_reason,
    lifecycleChangedAt: row.lifecycle_changed_at,
    source: row.source,
    profiles: { main: main ? profileView(main) : null, sub: sub ? profileView(sub) : null },
    hasCredentials: record.hasCredentials,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
