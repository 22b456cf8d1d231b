import { parseSort } from '../../domain/paging.js';
import { CAMERA_SORT_KEYS } from '../../storage/repositories/camera.repository.js';
import { ANONYMOUS } from '../../services/audit.service.js';
import type { CameraService } from '../../services/camera.service.js';
import type { CameraCredentialService } from '../../services/camera-credential.service.js';
import { created, defineRoute, noContent, ok, type Route } from '../route.js';
import {
  cameraCreateBody,
  cameraListQuery,
  cameraUpdateBody,
  cameraView,
  credentialsInput,
  pageOf,
  retireBody,
} from '../schemas/camera.schemas.js';
import { idParams } from '../validation.js';

const notFound = { description: 'No such camera (CAMERA_NOT_FOUND)' };
const invalid = { description: 'Invalid input (VALIDATION_FAILED, INVALID_STREAM_URL, INVALID_TIER_OVERRIDE, …)' };

/** The camera catalog: /api/cameras. */
export function cameraRoutes(cameras: CameraService, credentials: CameraCredentialService, limits: { defaultPageSize: number; maxPageSize: number }): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/cameras',
      tag: 'cameras',
      summary: 'List cameras with filters, sorting and pagination',
      query: cameraListQuery(limits),
      responses: { 200: { description: 'One page of cameras and the total', schema: pageOf(cameraView) }, 400: invalid, 404: { description: 'Unknown region filter' } },
      handle: async ({ query }) => {
        const { sort, limit, offset, ...filter } = query;
        return ok(await cameras.list(filter, parseSort(sort, CAMERA_SORT_KEYS)!, { limit, offset }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/cameras',
      tag: 'cameras',
      summary: 'Register a camera; Vigil assigns its national code',
      body: cameraCreateBody,
      responses: {
        201: { description: 'The camera', schema: cameraView },
        400: invalid,
        404: { description: 'Unknown organisation or region' },
        409: { description: 'Same stream address, serial, MAC or ONVIF endpoint as an existing camera (DUPLICATE_CAMERA)' },
      },
      handle: async ({ body }) => created(await cameras.create(body, ANONYMOUS)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/cameras/:id',
      tag: 'cameras',
      summary: 'One camera',
      params: idParams,
      responses: { 200: { description: 'The camera', schema: cameraView }, 404: notFound },
      handle: async ({ params }) => ok(await cameras.get(params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/cameras/:id',
      tag: 'cameras',
      summary: 'Change a camera; null clears an optional field. National code and lifecycle are not editable here',
      params: idParams,
      body: cameraUpdateBody,
      responses: { 200: { description: 'The camera', schema: cameraView }, 400: invalid, 404: notFound, 409: { description: 'Duplicate (DUPLICATE_CAMERA)' } },
      handle: async ({ params, body }) => ok(await cameras.update(params.id, body, ANONYMOUS)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/cameras/:id',
      tag: 'cameras',
      summary: 'Delete a camera that is not approved (retire an approved one first)',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: notFound, 409: { description: 'Approved camera (CAMERA_NOT_DELETABLE)' } },
      handle: async ({ params }) => {
        await cameras.delete(params.id, ANONYMOUS);
        return noContent();
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/cameras/:id/retire',
      tag: 'cameras',
      summary: 'Retire a camera: it leaves walls and the online rate but keeps its history',
      params: idParams,
      body: retireBody,
      responses: { 200: { description: 'The camera', schema: cameraView }, 404: notFound, 409: { description: 'Already retired (INVALID_LIFECYCLE_TRANSITION)' } },
      handle: async ({ params, body }) => ok(await cameras.retire(params.id, body.reason ?? null, ANONYMOUS)),
    }),
    defineRoute({
      method: 'put',
      path: '/api/cameras/:id/credentials',
      tag: 'cameras',
      summary: 'Set the camera login (write-only: it is stored encrypted and never returned)',
      params: idParams,
      body: credentialsInput,
      responses: { 204: { description: 'Stored' }, 400: invalid, 404: notFound },
      handle: async ({ params, body }) => {
        await credentials.set(params.id, body, ANONYMOUS);
        return noContent();
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/cameras/:id/credentials',
      tag: 'cameras',
      summary: 'Forget the camera login',
      params: idParams,
      responses: { 204: { description: 'Removed' }, 404: notFound },
      handle: async ({ params }) => {
        await credentials.clear(params.id, ANONYMOUS);
        return noContent();
      },
    }),
  ];
}
