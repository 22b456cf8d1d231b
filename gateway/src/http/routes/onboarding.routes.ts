import { z } from 'zod';
import { VigilError } from '../../domain/errors.js';
import { TIERS } from '../../domain/tier.js';
import type { CameraImportService } from '../../services/camera-import.service.js';
import type { DiscoveryService } from '../../services/discovery.service.js';
import type { StreamProbeService } from '../../services/stream-probe.service.js';
import { created, defineRoute, ok, signedIn, type Route } from '../route.js';
import { credentialsInput } from '../schemas/camera.schemas.js';
import { idParams, text } from '../validation.js';

/** "2-5,9" → {2,3,4,5,9}; bounded so a hostile range cannot allocate millions. */
function parseRowSelection(raw: string | undefined): Set<number> | null {
  if (raw === undefined || raw === '') return null;
  const rows = new Set<number>();
  for (const part of raw.split(',')) {
    const m = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(part.trim());
    if (!m) throw new VigilError('VALIDATION_FAILED', `rows: "${part}" is not a row number or range`, { field: 'rows' });
    const from = Number(m[1]);
    const to = Number(m[2] ?? m[1]);
    if (to < from || to - from > 200_000) throw new VigilError('VALIDATION_FAILED', `rows: bad range "${part}"`, { field: 'rows' });
    for (let r = from; r <= to; r++) rows.add(r);
  }
  return rows;
}

/** Camera onboarding: ONVIF discovery runs and adoption, RTSP probes, CSV imports. */
export function onboardingRoutes(discovery: DiscoveryService, imports: CameraImportService, probes: StreamProbeService): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/discovery/runs',
      tag: 'onboarding',
      access: 'discovery:run',
      summary: 'Start an ONVIF discovery run: unicast Probes to host:port or cidr:port targets, multicast on named interfaces',
      body: z.strictObject({
        targets: z.array(z.string().min(3).max(64)).max(256).default([]).describe('"host:port" or "a.b.c.d/prefix:port" (3702 for WS-Discovery)'),
        interfaces: z.array(z.string().min(1).max(32)).max(16).default([]).describe('network interfaces to send the multicast Probe on'),
        timeoutMs: z.number().int().min(100).max(30_000).default(3000),
        credentials: credentialsInput.nullable().default(null).describe('the login to interrogate devices with (kept with the run, stored encrypted on adoption)'),
      }),
      responses: { 201: { description: 'The run started', schema: z.object({ id: z.string() }) }, 400: { description: 'VALIDATION_FAILED' }, 503: { description: 'DISCOVERY_BUSY' } },
      handle: async ({ body, actor }) => Promise.resolve(created(discovery.start(body, signedIn(actor)))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/discovery/runs/:id',
      tag: 'onboarding',
      access: 'discovery:run',
      summary: 'A run: state, progress (probed/total, found, interrogated) and candidates, with the camera each known one matches',
      params: idParams,
      responses: { 200: { description: 'The run' }, 404: { description: 'DISCOVERY_RUN_NOT_FOUND' } },
      handle: async ({ params, actor }) => Promise.resolve(ok(discovery.get(params.id, signedIn(actor)))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/discovery/runs/:id/cancel',
      tag: 'onboarding',
      access: 'discovery:run',
      summary: 'Cancel a running discovery run',
      params: idParams,
      responses: { 204: { description: 'Cancelled' }, 404: { description: 'DISCOVERY_RUN_NOT_FOUND' } },
      handle: async ({ params, actor }) => {
        discovery.cancel(params.id, signedIn(actor));
        return Promise.resolve({ status: 204 as const });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/discovery/runs/:id/adopt',
      tag: 'onboarding',
      access: 'discovery:run',
      summary: 'Adopt candidates as pending cameras (organisation, region, tier, location); known ones are reported, not duplicated',
      params: idParams,
      body: z.strictObject({
        candidates: z
          .array(
            z.strictObject({
              candidateId: z.string().min(1).max(64),
              name: text(128).optional(),
              organisationId: z.string().min(1).max(64),
              regionId: z.string().min(1).max(64),
              tier: z.enum(TIERS).optional(),
              latitude: z.number().min(-90).max(90).nullable().optional(),
              longitude: z.number().min(-180).max(180).nullable().optional(),
              address: text(256).nullable().optional(),
            }),
          )
          .min(1)
          .max(1000),
      }),
      responses: { 200: { description: 'One result per candidate: adopted (cameraId), known (cameraId) or failed (code)' }, 404: { description: 'DISCOVERY_RUN_NOT_FOUND' } },
      handle: async ({ params, body, actor }) => ok({ results: await discovery.adopt(params.id, body.candidates, signedIn(actor)) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/cameras/probe',
      tag: 'onboarding',
      access: 'camera:create',
      summary: 'Probe an RTSP address before registering it: reachable, login accepted, codec and size (nothing is stored)',
      body: z.strictObject({ url: z.string().max(2048).optional(), scheme: z.string().max(8).optional(), host: z.string().max(253).optional(), port: z.number().int().min(1).max(65535).nullable().optional(), path: z.string().max(1024).optional(), query: z.string().max(1024).nullable().optional(), credentials: credentialsInput.nullable().optional() }),
      responses: { 200: { description: 'The probe result' }, 400: { description: 'INVALID_STREAM_URL / VALIDATION_FAILED' } },
      handle: async ({ body }) => {
        const { credentials, ...address } = body;
        return ok(await probes.probe(address, credentials ?? null));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/imports/template',
      tag: 'onboarding',
      access: 'camera:create',
      summary: 'The CSV import template: the header and one example row',
      responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
      handle: async () => Promise.resolve({ status: 200, text: imports.template(), contentType: 'text/csv; charset=utf-8' }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/imports',
      tag: 'onboarding',
      access: 'camera:create',
      summary: 'Import cameras from CSV (text/csv body): dryRun=true reports every row; a commit stores the chosen rows atomically',
      query: z.strictObject({
        dryRun: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
        rows: z.string().max(2000).optional().describe('rows to import, by line number: "2-40,45"; default all'),
      }),
      responses: {
        200: { description: 'The per-row report: row, status, problems (column, code, message)' },
        400: { description: 'INVALID_CSV' },
        415: { description: 'UNSUPPORTED_MEDIA_TYPE (send text/csv)' },
        422: { description: 'IMPORT_HAS_ERRORS: nothing was stored; details.report has the rows' },
      },
      handle: async ({ query, req, actor }) => {
        if (!req.is('text/csv') || typeof req.body !== 'string') throw new VigilError('UNSUPPORTED_MEDIA_TYPE', 'the body must be text/csv');
        const report = await imports.run(req.body, { dryRun: query.dryRun, rows: parseRowSelection(query.rows) }, signedIn(actor));
        if (!query.dryRun && !report.committed) throw new VigilError('IMPORT_HAS_ERRORS', `${report.totals.error} row(s) have problems: nothing was imported`, { report });
        return ok(report);
      },
    }),
  ];
}
