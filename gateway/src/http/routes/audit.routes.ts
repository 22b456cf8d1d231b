import { z } from 'zod';
import type { AuditRepository } from '../../storage/repositories/audit.repository.js';
import type { ViewService } from '../../services/view.service.js';
import { created, defineRoute, ok, signedIn, type Route } from '../route.js';
import { idParams, pageFields, text, type PageLimits } from '../validation.js';

const viewRecord = z.object({
  id: z.string(),
  cameraId: z.string(),
  organisationId: z.string(),
  username: z.string(),
  reason: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});

/** The audit trail, live-view records and the owners' transparency view. */
export function auditRoutes(audit: AuditRepository, views: ViewService, limits: PageLimits): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/audit',
      tag: 'audit',
      access: 'audit:read',
      summary: 'The audit log, newest first, with filters',
      query: z.strictObject({
        actor: z.string().max(64).optional(),
        action: z.string().max(64).optional(),
        objectType: z.string().max(32).optional(),
        objectId: z.string().max(64).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        ...pageFields(limits),
      }),
      responses: { 200: { description: 'Audit events' } },
      handle: async ({ query }) => {
        const { limit, offset, ...filter } = query;
        const page = await audit.list(filter, { limit, offset });
        return ok({
          items: page.items.map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action, objectType: e.object_type, objectId: e.object_id, details: e.details ? (JSON.parse(e.details) as unknown) : null, hash: e.hash })),
          total: page.total,
          limit,
          offset,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/audit/verify',
      tag: 'audit',
      access: 'audit:read',
      summary: 'Checks the hash chain; reports the first altered or missing record',
      responses: { 200: { description: 'Result', schema: z.object({ intact: z.boolean(), checked: z.number(), firstBreak: z.object({ id: z.number(), problem: z.string() }).nullable() }) } },
      handle: async () => {
        const result = await audit.verify();
        return ok({ intact: result.break === null, checked: result.checked, firstBreak: result.break });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/cameras/:id/views',
      tag: 'audit',
      access: 'camera:view',
      summary: 'Start a live view of a camera (recorded; some owners need a reason)',
      params: idParams,
      body: z.strictObject({ reason: text(500).optional() }),
      responses: { 201: { description: 'The view record', schema: viewRecord }, 400: { description: 'REASON_REQUIRED' }, 404: { description: 'CAMERA_NOT_FOUND' } },
      handle: async ({ params, body, actor }) => created(await views.start(params.id, body.reason ?? null, signedIn(actor))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/views/:id/end',
      tag: 'audit',
      access: 'camera:view',
      summary: 'End one of your live views',
      params: idParams,
      responses: { 200: { description: 'The view record', schema: viewRecord }, 404: { description: 'VIEW_NOT_FOUND' } },
      handle: async ({ params, actor }) => ok(await views.end(params.id, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/organisations/:id/views',
      tag: 'audit',
      access: 'audit:views',
      summary: "Who viewed this organisation's cameras, when and why (for the organisation's own people)",
      params: idParams,
      query: z.strictObject({ ...pageFields(limits) }),
      responses: { 200: { description: 'Views, newest first', schema: z.object({ items: z.array(viewRecord.extend({ cameraName: z.string().nullable() })), total: z.number() }) }, 404: { description: 'ORGANISATION_NOT_FOUND' } },
      handle: async ({ params, query, actor }) => ok(await views.forOrganisation(params.id, query, signedIn(actor))),
    }),
  ];
}
