import { z } from 'zod';
import { VigilError } from '../../domain/errors.js';
import { parseSort } from '../../domain/paging.js';
import { STAFF_ONLY_CAMERA_FIELDS } from '../../domain/roles.js';
import { CAMERA_SORT_KEYS } from '../../storage/repositories/camera.repository.js';
import type { Principal } from '../../services/auth.service.js';
import type { CameraService } from '../../services/camera.service.js';
import type { CameraCredentialService } from '../../services/camera-credential.service.js';
import { created, defineRoute, noContent, ok, signedIn, type Route } from '../route.js';
import { cameraCreateBody, cameraListQuery, cameraUpdateBody, cameraView, credentialsInput, pageOf, reasonBody } from '../schemas/camera.schemas.js';
import { idParams, text, type PageLimits } from '../validation.js';

const notFound = { description: 'No such camera, or not yours to see (CAMERA_NOT_FOUND)' };
const invalid = { description: 'Invalid input (VALIDATION_FAILED, INVALID_STREAM_URL, INVALID_TIER_OVERRIDE, FIELD_NOT_ALLOWED, …)' };
const denied = { 401: { description: 'Not signed in (UNAUTHENTICATED)' }, 403: { description: 'Role may not do this (FORBIDDEN)' } };

/** Integrators may not set what the police decide: owner, lifecycle, national code, tier, source. */
function refuseStaffFields(actor: Principal, body: object): void {
  if (actor.role !== 'integrator') return;
  const present = STAFF_ONLY_CAMERA_FIELDS.filter((f) => f in body);
  if (present.length > 0) throw new VigilError('FIELD_NOT_ALLOWED', `an integrator may not set: ${present.join(', ')}`, { fields: present });
}

/** The camera catalog: /api/cameras. */
export function cameraRoutes(cameras: CameraService, credentials: CameraCredentialService, limits: PageLimits): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/cameras',
      tag: 'cameras',
      access: 'camera:read',
      summary: 'List the cameras in your scope, with filters, sorting and pagination',
      query: cameraListQuery(limits),
      responses: { 200: { description: 'One page of cameras and the total', schema: pageOf(cameraView) }, 400: invalid, 404: { description: 'Unknown region filter' }, ...denied },
      handle: async ({ query, actor }) => {
        const { sort, limit, offset, ...filter } = query;
        return ok(await cameras.list(filter, parseSort(sort, CAMERA_SORT_KEYS)!, { limit, offset }, signedIn(actor)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/cameras',
      tag: 'cameras',
      access: 'camera:create',
      summary: "Register a camera; Vigil assigns its national code. An integrator's camera is for their organisation and waits for review",
      body: cameraCreateBody,
      responses: {
        201: { description: 'The camera', schema: cameraView },
        400: invalid,
        404: { description: 'Unknown organisation or region' },
        409: { description: 'Same stream address, serial, MAC or ONVIF endpoint as an existing camera (DUPLICATE_CAMERA)' },
        ...denied,
      },
      handle: async ({ body, actor }) => {
        const who = signedIn(actor);
        refuseStaffFields(who, body);
        const organisationId = who.role === 'integrator' && !who.scope.all ? who.scope.organisationIds[0] : body.organisationId;
        if (!organisationId) throw new VigilError('VALIDATION_FAILED', 'invalid body: organisationId: required', { field: 'organisationId' });
        if (body.lifecycle && who.role !== 'admin') throw new VigilError('FIELD_NOT_ALLOWED', 'only an admin may set lifecycle', { fields: ['lifecycle'] });
        return created(await cameras.create({ ...body, organisationId }, who));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/cameras/:id',
      tag: 'cameras',
      access: 'camera:read',
      summary: 'One camera',
      params: idParams,
      responses: { 200: { description: 'The camera', schema: cameraView }, 404: notFound, ...denied },
      handle: async ({ params, actor }) => ok(await cameras.get(params.id, signedIn(actor))),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/cameras/:id',
      tag: 'cameras',
      access: 'camera:update',
      summary: 'Change a camera; null clears an optional field. National code and lifecycle are not editable here',
      params: idParams,
      body: cameraUpdateBody,
      responses: { 200: { description: 'The camera', schema: cameraView }, 400: invalid, 404: notFound, 409: { description: 'Duplicate (DUPLICATE_CAMERA)' }, ...denied },
      handle: async ({ params, body, actor }) => {
        const who = signedIn(actor);
        refuseStaffFields(who, body);
        return ok(await cameras.update(params.id, body, who));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/cameras/:id',
      tag: 'cameras',
      access: 'camera:delete',
      summary: 'Delete a camera that is not approved (retire an approved one first)',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: notFound, 409: { description: 'Approved camera (CAMERA_NOT_DELETABLE)' }, ...denied },
      handle: async ({ params, actor }) => {
        await cameras.delete(params.id, signedIn(actor));
        return noContent();
      },
    }),
    ...(['approve', 'reject', 'retire'] as const).map((action) =>
      defineRoute({
        method: 'post',
        path: `/api/cameras/:id/${action}`,
        tag: 'cameras',
        access: action === 'retire' ? 'camera:retire' : 'camera:review',
        summary: {
          approve: 'Approve a pending camera: it joins health checks and walls',
          reject: 'Reject a pending camera, with a reason its integrator sees',
          retire: 'Retire a camera: it leaves walls and the online rate but keeps its history',
        }[action],
        params: idParams,
        body: action === 'reject' ? z.strictObject({ reason: text(500) }) : reasonBody,
        responses: { 200: { description: 'The camera', schema: cameraView }, 400: invalid, 404: notFound, 409: { description: 'Not in a state for this (INVALID_LIFECYCLE_TRANSITION)' }, ...denied },
        handle: async ({ params, body, actor }) => ok(await cameras.changeLifecycle(params.id, action, body.reason ?? null, signedIn(actor))),
      }),
    ),
    defineRoute({
      method: 'put',
      path: '/api/cameras/:id/credentials',
      tag: 'cameras',
      access: 'camera:credentials',
      summary: 'Set the camera login (write-only: it is stored encrypted and never returned)',
      params: idParams,
      body: credentialsInput,
      responses: { 204: { description: 'Stored' }, 400: invalid, 404: notFound, ...denied },
      handle: async ({ params, body, actor }) => {
        await credentials.set(params.id, body, signedIn(actor));
        return noContent();
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/cameras/:id/credentials',
      tag: 'cameras',
      access: 'camera:credentials',
      summary: 'Forget the camera login',
      params: idParams,
      responses: { 204: { description: 'Removed' }, 404: notFound, ...denied },
      handle: async ({ params, actor }) => {
        await credentials.clear(params.id, signedIn(actor));
        return noContent();
      },
    }),
  ];
}
