import { z } from 'zod';
import type { AuthService } from '../../services/auth.service.js';
import { created, defineRoute, noContent, ok, signedIn, type Route } from '../route.js';
import { idParams, text } from '../validation.js';

const tokenInfo = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() });

/** API tokens for scripts (Authorization: Bearer …): /api/tokens. */
export function tokenRoutes(auth: AuthService): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/tokens',
      tag: 'tokens',
      access: 'token:manage',
      summary: 'Create an API token for yourself; the token is shown this once',
      body: z.strictObject({ name: text(100) }),
      responses: { 201: { description: 'The token, shown once', schema: z.object({ id: z.string(), name: z.string(), token: z.string(), createdAt: z.string() }) } },
      handle: async ({ body, actor }) => created(await auth.createToken(signedIn(actor), body.name)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/tokens',
      tag: 'tokens',
      access: 'token:manage',
      summary: 'Your API tokens (never the secret)',
      responses: { 200: { description: 'Tokens', schema: z.object({ items: z.array(tokenInfo) }) } },
      handle: async ({ actor }) => ok({ items: await auth.listTokens(signedIn(actor)) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/tokens/:id',
      tag: 'tokens',
      access: 'token:manage',
      summary: 'Revoke one of your API tokens',
      params: idParams,
      responses: { 204: { description: 'Revoked' }, 404: { description: 'No such token of yours (TOKEN_NOT_FOUND)' } },
      handle: async ({ params, actor }) => {
        await auth.revokeToken(signedIn(actor), params.id);
        return noContent();
      },
    }),
  ];
}
