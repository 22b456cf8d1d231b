import type { RegionService } from '../../services/region.service.js';
import { created, defineRoute, noContent, ok, signedIn, type Route } from '../route.js';
import { regionCreateBody, regionListQuery, regionTreeNode, regionTreeQuery, regionUpdateBody, regionView } from '../schemas/catalog.schemas.js';
import { idParams } from '../validation.js';
import { z } from 'zod';

const notFound = { description: 'No such region (REGION_NOT_FOUND)' };

/** The region tree: /api/regions. */
export function regionRoutes(regions: RegionService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/regions',
      tag: 'regions',
      access: 'region:read',
      summary: 'List regions (flat), optionally the children of one parent',
      query: regionListQuery,
      responses: { 200: { description: 'Regions ordered by tree position', schema: z.object({ items: z.array(regionView) }) }, 400: { description: 'Invalid query' } },
      handle: async ({ query }) => {
        const parentId = query.parentId === 'root' ? null : query.parentId;
        return ok({ items: await regions.list({ ...(parentId !== undefined && { parentId }), ...(query.kind && { kind: query.kind }) }) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/regions/tree',
      tag: 'regions',
      access: 'region:read',
      summary: 'The region tree (city › district › station › grid), or the subtree under rootId',
      query: regionTreeQuery,
      responses: { 200: { description: 'Root nodes with nested children', schema: z.object({ items: z.array(regionTreeNode) }) }, 404: notFound },
      handle: async ({ query }) => ok({ items: await regions.tree(query.rootId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/regions',
      tag: 'regions',
      access: 'region:write',
      summary: 'Create a region',
      body: regionCreateBody,
      responses: {
        201: { description: 'The region', schema: regionView },
        400: { description: 'Invalid input or parent (INVALID_REGION_PARENT)' },
        404: { description: 'Unknown parent' },
        409: { description: 'Administrative code taken (DUPLICATE_REGION_CODE)' },
      },
      handle: async ({ body, actor }) => created(await regions.create(body, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/regions/:id',
      tag: 'regions',
      access: 'region:read',
      summary: 'One region',
      params: idParams,
      responses: { 200: { description: 'The region', schema: regionView }, 404: notFound },
      handle: async ({ params }) => ok(await regions.get(params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/regions/:id',
      tag: 'regions',
      access: 'region:write',
      summary: 'Rename a region, change its code, or move it under another parent of the right kind',
      params: idParams,
      body: regionUpdateBody,
      responses: { 200: { description: 'The region', schema: regionView }, 400: { description: 'Invalid input' }, 404: notFound, 409: { description: 'Code taken' } },
      handle: async ({ params, body, actor }) => ok(await regions.update(params.id, body, signedIn(actor))),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/regions/:id',
      tag: 'regions',
      access: 'region:write',
      summary: 'Delete a region with no children, organisations or cameras',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: notFound, 409: { description: 'In use (REGION_IN_USE)' } },
      handle: async ({ params, actor }) => {
        await regions.delete(params.id, signedIn(actor));
        return noContent();
      },
    }),
  ];
}
