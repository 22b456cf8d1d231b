import { ANONYMOUS } from '../../services/audit.service.js';
import type { OrganisationService } from '../../services/organisation.service.js';
import { created, defineRoute, noContent, ok, type Route } from '../route.js';
import { pageOf } from '../schemas/camera.schemas.js';
import { organisationCreateBody, organisationListQuery, organisationUpdateBody, organisationView } from '../schemas/catalog.schemas.js';
import { idParams } from '../validation.js';

const notFound = { description: 'No such organisation (ORGANISATION_NOT_FOUND)' };

/** Camera owners: /api/organisations. */
export function organisationRoutes(organisations: OrganisationService, limits: { defaultPageSize: number; maxPageSize: number }): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/organisations',
      tag: 'organisations',
      summary: 'List organisations',
      query: organisationListQuery(limits),
      responses: { 200: { description: 'One page of organisations', schema: pageOf(organisationView) }, 400: { description: 'Invalid query' } },
      handle: async ({ query }) => {
        const { limit, offset, ...filter } = query;
        return ok(await organisations.list(filter, { limit, offset }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/organisations',
      tag: 'organisations',
      summary: 'Create an organisation',
      body: organisationCreateBody,
      responses: {
        201: { description: 'The organisation', schema: organisationView },
        400: { description: 'Invalid input' },
        404: { description: 'Unknown region' },
        409: { description: 'Name taken (DUPLICATE_ORGANISATION)' },
      },
      handle: async ({ body }) => created(await organisations.create(body, ANONYMOUS)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/organisations/:id',
      tag: 'organisations',
      summary: 'One organisation',
      params: idParams,
      responses: { 200: { description: 'The organisation', schema: organisationView }, 404: notFound },
      handle: async ({ params }) => ok(await organisations.get(params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/organisations/:id',
      tag: 'organisations',
      summary: 'Change an organisation',
      params: idParams,
      body: organisationUpdateBody,
      responses: { 200: { description: 'The organisation', schema: organisationView }, 400: { description: 'Invalid input' }, 404: notFound, 409: { description: 'Name taken' } },
      handle: async ({ params, body }) => ok(await organisations.update(params.id, body, ANONYMOUS)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/organisations/:id',
      tag: 'organisations',
      summary: 'Delete an organisation that owns no cameras',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: notFound, 409: { description: 'Still owns cameras (ORGANISATION_IN_USE)' } },
      handle: async ({ params }) => {
        await organisations.delete(params.id, ANONYMOUS);
        return noContent();
      },
    }),
  ];
}
