import { z } from 'zod';
import { HEALTH_STATES } from '../../domain/health-state.js';
import { OWNER_TYPES } from '../../domain/catalog.js';
import { TIERS } from '../../domain/tier.js';
import { WALL_LAYOUTS, type PatrolService } from '../../services/patrol.service.js';
import { created, defineRoute, noContent, ok, signedIn, type Route } from '../route.js';
import { pageOf } from '../schemas/camera.schemas.js';
import { idParams, pageFields, text, type PageLimits } from '../validation.js';

const weight = z.number().int().min(0).max(100);
const planBody = z.strictObject({
  name: text(100),
  layout: z.union(WALL_LAYOUTS.map((n) => z.literal(n))).describe('Tiles per page: 1, 4, 9, 16 or 25'),
  dwellSeconds: z.number().int().min(5).max(3600).describe('Seconds each page stays up'),
  weights: z
    .strictObject({ key: weight, attention: weight, general: weight })
    .refine((w) => w.key + w.attention + w.general > 0, { message: 'at least one tier needs a weight above 0' })
    .describe('Relative patrol frequency per tier; 0 leaves the tier out'),
  regionIds: z.array(z.string().min(1).max(64)).max(50).default([]).describe('Region subtrees; [] = anywhere'),
  organisationIds: z.array(z.string().min(1).max(64)).max(200).default([]).describe('[] = every organisation'),
});

const planView = planBody.extend({
  id: z.string(),
  tiers: z.array(z.enum(TIERS)),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const wallPage = z.object({
  cameras: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      tier: z.enum(TIERS),
      ownerType: z.enum(OWNER_TYPES),
      organisationName: z.string(),
      regionName: z.string(),
      health: z.object({ state: z.enum(HEALTH_STATES), reason: z.string().nullable() }),
    }),
  ),
  cursor: z.string(),
  eligible: z.number().int(),
});

const notFound = { description: 'No such plan (PATROL_PLAN_NOT_FOUND)' };

/** Patrol plans (shared between operators) and the pages of a wall playing one: /api/patrol-plans. */
export function patrolRoutes(patrol: PatrolService, limits: PageLimits): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/patrol-plans',
      tag: 'patrol',
      access: 'patrol:read',
      summary: 'List the saved patrol plans',
      query: z.strictObject(pageFields(limits)),
      responses: { 200: { description: 'One page of plans', schema: pageOf(planView) } },
      handle: async ({ query }) => ok(await patrol.list(query)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/patrol-plans',
      tag: 'patrol',
      access: 'patrol:write',
      summary: 'Save a patrol plan',
      body: planBody,
      responses: { 201: { description: 'The plan', schema: planView }, 400: { description: 'Invalid plan' }, 404: { description: 'Unknown region or organisation' }, 409: { description: 'Name taken (DUPLICATE_PATROL_PLAN)' } },
      handle: async ({ body, actor }) => created(await patrol.create(body, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/patrol-plans/:id',
      tag: 'patrol',
      access: 'patrol:read',
      summary: 'One patrol plan',
      params: idParams,
      responses: { 200: { description: 'The plan', schema: planView }, 404: notFound },
      handle: async ({ params }) => ok(await patrol.get(params.id)),
    }),
    defineRoute({
      method: 'put',
      path: '/api/patrol-plans/:id',
      tag: 'patrol',
      access: 'patrol:write',
      summary: 'Replace a patrol plan',
      params: idParams,
      body: planBody,
      responses: { 200: { description: 'The plan', schema: planView }, 400: { description: 'Invalid plan' }, 404: notFound, 409: { description: 'Name taken' } },
      handle: async ({ params, body, actor }) => ok(await patrol.update(params.id, body, signedIn(actor))),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/patrol-plans/:id',
      tag: 'patrol',
      access: 'patrol:write',
      summary: 'Delete a patrol plan',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: notFound },
      handle: async ({ params, actor }) => {
        await patrol.delete(params.id, signedIn(actor));
        return noContent();
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/patrol-plans/:id/next',
      tag: 'patrol',
      access: 'patrol:read',
      summary: "The wall's next page for the caller: key cameras more often, offline ones skipped",
      params: idParams,
      body: z.strictObject({
        cursor: z.string().max(200).optional().describe('From the previous page; none: the first page'),
        count: z.number().int().min(1).max(25).optional().describe('Default: the layout. 1 replaces a dead tile'),
        exclude: z.array(z.string().min(1).max(64)).max(25).default([]).describe('Cameras still on the wall'),
      }),
      responses: { 200: { description: 'The page and the cursor of the one after', schema: wallPage }, 400: { description: 'INVALID_PATROL_CURSOR' }, 404: notFound },
      handle: async ({ params, body, actor }) => ok(await patrol.next(params.id, body, signedIn(actor))),
    }),
  ];
}
