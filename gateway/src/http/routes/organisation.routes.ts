import type { OrganisationService } from '../../services/organisation.service.js';
import { created, defineRoute, noContent, ok, signedIn, type Route } from '../route.js';
import { pageOf } from '../schemas/camera.schemas.js';
import { organisationCreateBody, organisationListQuery, organisationUpdateBody, organisationView } from '../schemas/catalog.schemas.js';
import { idParams, type PageLimits } from '../validation.js';

const notFound = { description: 'No such organisation (ORGANISATION_NOT_FOUND)' };

/** Camera owners: /api/organisations. */
export function organisationRoutes(organisations: OrganisationService, limits: PageLimits): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/organisations',
      tag: 'organisations',
      access: 'organisation:read',
      summary: 'List the organisations in your scope',
      query: organisationListQuery(limits),
      responses: { 200: { description: 'One page of organisations', schema: pageOf(organisationView) }, 400: { description: 'Invalid query' } },
      handle: async ({ query, actor }) => {
        const { limit, offset, ...filter } = query;
        return ok(await organisations.list(filter, { limit, offset }, signedIn(actor)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/organisations',
      tag: 'organisations',
      access: 'organisation:write',
      summary: 'Create an organisation',
      body: organisationCreateBody,
      responses: {
        201: { description: 'The organisation', schema: organisationView },
        400: { description: 'Invalid input' },
        404: { description: 'Unknown region' },
        409: { description: 'Name taken (DUPLICATE_ORGANISATION)' },
      },
      handle: async ({ body, actor }) => created(await organisations.create(body, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/organisations/:id',
      tag: 'organisations',
      access: 'organisation:read',
      summary: 'One organisation',
      params: idParams,
      responses: { 200: { description: 'The organisation', schema: organisationView }, 404: notFound },
      handle: async ({ params, actor }) => ok(await organisations.get(params.id, signedIn(actor))),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/organisations/:id',
      tag: 'organisations',
      access: 'organisation:write',
      summary: 'Change an organisation',
      params: idParams,
      body: organisationUpdateBody,
      responses: { 200: { description: 'The organisation', schema: organisationView }, 400: { description: 'Invalid input' }, 404: notFound, 409: { description: 'Name taken' } },
      handle: async ({ params, body, actor }) => ok(await organisations.update(params.id, body, signedIn(actor))),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/organisations/:id',
      tag: 'organisations',
      access: 'organisation:write',
      summary: 'Delete an organisation that owns no cameras',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: notFound, 409: { description: 'Still owns cameras (ORGANISATION_IN_USE)' } },
      handle: async ({ params, actor }) => {
        await organisations.delete(params.id, signedIn(actor));
        return noContent();
      },
    }),
  ];
}
