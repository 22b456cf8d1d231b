import { z } from 'zod';
import { PASSWORD_MAX } from '../../domain/password-policy.js';
import { ROLES } from '../../domain/roles.js';
import type { UserService } from '../../services/user.service.js';
import { created, defineRoute, ok, signedIn, type Route } from '../route.js';
import { idParams, pageFields, text, type PageLimits } from '../validation.js';

const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(ROLES),
  organisationIds: z.array(z.string()),
  regionId: z.string().nullable(),
  mustChangePassword: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const scopeFields = {
  organisationIds: z.array(z.string().min(1).max(64)).max(1000).optional().describe('Organisations whose cameras the user covers'),
  regionId: z.string().min(1).max(64).nullable().optional().describe('Region whose subtree the user covers'),
};

/** Accounts, for admins: /api/users. */
export function userRoutes(users: UserService, limits: PageLimits): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/users',
      tag: 'users',
      access: 'user:manage',
      summary: 'List users, a page at a time (q: text in the username or display name)',
      query: z.strictObject({ q: z.string().max(100).optional(), role: z.enum(ROLES).optional(), ...pageFields(limits) }),
      responses: { 200: { description: 'Users', schema: z.object({ items: z.array(userView), total: z.number(), limit: z.number(), offset: z.number() }) } },
      handle: async ({ query }) => {
        const { limit, offset, ...filter } = query;
        return ok(await users.list(filter, { limit, offset }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/users',
      tag: 'users',
      access: 'user:manage',
      summary: 'Create a user; without a password Vigil makes a one-time one, shown once',
      body: z.strictObject({
        username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, ".", "_" and "-"'),
        displayName: text(200).nullable().optional(),
        role: z.enum(ROLES),
        password: z.string().max(PASSWORD_MAX).optional(),
        ...scopeFields,
      }),
      responses: {
        201: { description: 'The user and, if Vigil made it, the one-time password', schema: z.object({ user: userView, oneTimePassword: z.string().nullable() }) },
        400: { description: 'Invalid input or weak password' },
        409: { description: 'Username taken (DUPLICATE_USER)' },
      },
      handle: async ({ body, actor }) => created(await users.create(body, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/users/:id',
      tag: 'users',
      access: 'user:manage',
      summary: 'One user',
      params: idParams,
      responses: { 200: { description: 'The user', schema: userView }, 404: { description: 'USER_NOT_FOUND' } },
      handle: async ({ params }) => ok(await users.get(params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/users/:id',
      tag: 'users',
      access: 'user:manage',
      summary: "Change a user's role, scope or state, or reset their password; ends their sessions",
      params: idParams,
      body: z
        .strictObject({
          displayName: text(200).nullable().optional(),
          role: z.enum(ROLES).optional(),
          disabled: z.boolean().optional(),
          password: z.string().max(PASSWORD_MAX).optional(),
          ...scopeFields,
        })
        .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' }),
      responses: { 200: { description: 'The user', schema: userView }, 400: { description: 'Invalid input' }, 404: { description: 'USER_NOT_FOUND' } },
      handle: async ({ params, body, actor }) => ok(await users.update(params.id, body, signedIn(actor))),
    }),
  ];
}
