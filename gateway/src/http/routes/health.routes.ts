import { z } from 'zod';
import { OWNER_TYPES } from '../../domain/catalog.js';
import { HEALTH_STATES } from '../../domain/health-state.js';
import { TIERS } from '../../domain/tier.js';
import type { HealthService } from '../../services/health.service.js';
import { RATE_GROUPINGS, RATE_WINDOWS, SERIES_WINDOWS, type OnlineRateService } from '../../services/online-rate.service.js';
import { TICKET_GROUPINGS, type TicketService } from '../../services/ticket.service.js';
import { created, defineRoute, ok, signedIn, type Route } from '../route.js';
import { idParams, pageFields, text, type PageLimits } from '../validation.js';

const healthShape = z.object({
  cameraId: z.string(),
  monitored: z.boolean(),
  state: z.enum(HEALTH_STATES),
  reason: z.string().describe('ok, unreachable, timeout, refused, auth_failed, not_found, rtsp_error, no_video, frozen, black, codec_unsupported, onvif_fault, no_stream, flapping, maintenance, restart, new, not_monitored'),
  since: z.string(),
  flapping: z.boolean(),
  lastCheckedAt: z.string().nullable(),
  warnings: z.array(z.string()),
  codec: z.string().nullable(),
  clockSkewMs: z.number().nullable(),
  recent: z.array(z.unknown()).describe('Latest checks, newest first, with each probe step'),
  transitions: z.array(z.object({ at: z.string(), from: z.string(), to: z.string(), reason: z.string() })),
  openTicketId: z.string().nullable(),
});

const windowShape = z.object({ id: z.string(), camera_id: z.string(), starts_at: z.string(), ends_at: z.string(), reason: z.string(), created_by: z.string(), created_at: z.string() });

/** Health, online rate, repair tickets and maintenance windows. */
export function healthRoutes(health: HealthService, rates: OnlineRateService, tickets: TicketService, limits: PageLimits): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/cameras/:id/health',
      tag: 'health',
      access: 'health:read',
      summary: "A camera's health: state, reason, since, recent checks and transitions",
      params: idParams,
      responses: { 200: { description: 'Health', schema: healthShape }, 404: { description: 'CAMERA_NOT_FOUND' } },
      handle: async ({ params, actor }) => ok(await health.cameraHealth(params.id, signedIn(actor))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/cameras/:id/health/check',
      tag: 'health',
      access: 'health:check',
      summary: 'Check a camera now (the whole ladder, media check included); counts as one check for the state machine',
      params: idParams,
      responses: {
        200: { description: 'The check and the health after it', schema: z.object({ check: z.unknown(), health: healthShape }) },
        404: { description: 'CAMERA_NOT_FOUND' },
        409: { description: 'CAMERA_NOT_MONITORED (not approved)' },
      },
      handle: async ({ params, actor }) => ok(await health.checkNow(params.id, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/health/problems',
      tag: 'health',
      access: 'health:read',
      summary: 'Offline and degraded cameras with reasons and ages, longest-standing first',
      query: z.strictObject({
        state: z.enum(['offline', 'degraded']).optional(),
        ownerType: z.enum(OWNER_TYPES).optional(),
        organisationId: z.string().max(64).optional(),
        tier: z.enum(TIERS).optional(),
        ...pageFields(limits),
      }),
      responses: { 200: { description: 'Problems' } },
      handle: async ({ query, actor }) => {
        const { limit, offset, ...filter } = query;
        return Promise.resolve(ok(health.problems(filter, { limit, offset }, signedIn(actor))));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/online-rate',
      tag: 'health',
      access: 'health:read',
      summary: 'Online rate now or time-weighted over a window, by owner type, organisation, region subtree or tier (format=csv for a file)',
      query: z.strictObject({
        groupBy: z.enum(RATE_GROUPINGS).default('ownerType'),
        window: z.enum(RATE_WINDOWS).default('now'),
        regionId: z.string().max(64).optional().describe('groupBy=region: report the subtrees below this region (default: the top-level regions)'),
        format: z.enum(['json', 'csv']).default('json'),
      }),
      responses: {
        200: { description: 'The report (JSON, or text/csv with format=csv)' },
        404: { description: 'REGION_NOT_FOUND' },
      },
      handle: async ({ query, actor }) => {
        const report = await rates.report(query.groupBy, query.window, query.regionId ?? null, signedIn(actor));
        if (query.format === 'csv') return { status: 200, text: rates.toCsv(report), contentType: 'text/csv; charset=utf-8' };
        return ok(report);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/online-rate/series',
      tag: 'health',
      access: 'health:read',
      summary: 'Online rate over time: time-weighted rate per bucket (12 × 5 min, 24 × 1 h, 28 × 6 h or 30 × 1 day), per group and in total',
      query: z.strictObject({
        groupBy: z.enum(RATE_GROUPINGS).default('ownerType'),
        window: z.enum(SERIES_WINDOWS).default('24h'),
        regionId: z.string().max(64).optional(),
        format: z.enum(['json', 'csv']).default('json'),
      }),
      responses: { 200: { description: 'The series (JSON, or text/csv with format=csv)' }, 404: { description: 'REGION_NOT_FOUND' } },
      handle: async ({ query, actor }) => {
        const series = await rates.series(query.groupBy, query.window, query.regionId ?? null, signedIn(actor));
        if (query.format === 'csv') return { status: 200, text: rates.seriesToCsv(series), contentType: 'text/csv; charset=utf-8' };
        return ok(series);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tickets',
      tag: 'health',
      access: 'health:read',
      summary: 'Repair tickets, newest first',
      query: z.strictObject({ state: z.enum(['open', 'closed']).optional(), cameraId: z.string().max(64).optional(), ...pageFields(limits) }),
      responses: { 200: { description: 'Tickets' } },
      handle: async ({ query, actor }) => {
        const { limit, offset, ...filter } = query;
        return ok(await tickets.list(filter, { limit, offset }, signedIn(actor)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tickets/stats',
      tag: 'health',
      access: 'health:read',
      summary: 'Time to repair per organisation or owner type (tickets opened in the last `days`, and all open ones)',
      query: z.strictObject({ groupBy: z.enum(TICKET_GROUPINGS).default('organisation'), days: z.coerce.number().int().min(1).max(366).default(30) }),
      responses: { 200: { description: 'Figures per group' } },
      handle: async ({ query, actor }) => ok(await tickets.stats(query.groupBy, query.days, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/cameras/:id/maintenance-windows',
      tag: 'health',
      access: 'health:read',
      summary: "A camera's maintenance windows (time inside them is left out of the online rate)",
      params: idParams,
      responses: { 200: { description: 'Windows', schema: z.array(windowShape) }, 404: { description: 'CAMERA_NOT_FOUND' } },
      handle: async ({ params, actor }) => ok(await health.maintenanceWindows(params.id, signedIn(actor))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/cameras/:id/maintenance-windows',
      tag: 'health',
      access: 'health:maintain',
      summary: 'Schedule a maintenance window (at most 31 days)',
      params: idParams,
      body: z.strictObject({ startsAt: z.iso.datetime({ offset: true }), endsAt: z.iso.datetime({ offset: true }), reason: text(500) }),
      responses: { 201: { description: 'The window', schema: windowShape }, 400: { description: 'VALIDATION_FAILED' }, 404: { description: 'CAMERA_NOT_FOUND' } },
      handle: async ({ params, body, actor }) => created(await health.addMaintenance(params.id, body, signedIn(actor))),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/cameras/:id/maintenance-windows/:windowId',
      tag: 'health',
      access: 'health:maintain',
      summary: 'Remove a maintenance window',
      params: z.strictObject({ id: z.string().min(1).max(64), windowId: z.string().min(1).max(64) }),
      responses: { 204: { description: 'Removed' }, 404: { description: 'CAMERA_NOT_FOUND / MAINTENANCE_WINDOW_NOT_FOUND' } },
      handle: async ({ params, actor }) => {
        await health.removeMaintenance(params.id, params.windowId, signedIn(actor));
        return { status: 204 };
      },
    }),
  ];
}
