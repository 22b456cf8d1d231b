import { z } from 'zod';
import { VigilError } from '../../domain/errors.js';
import { PASSWORD_MAX } from '../../domain/password-policy.js';
import { can, PERMISSIONS } from '../../domain/roles.js';
import type { AuthService, Principal } from '../../services/auth.service.js';
import type { UserService } from '../../services/user.service.js';
import { SESSION_COOKIE } from '../authenticate.js';
import { defineRoute, noContent, signedIn, type Route } from '../route.js';
import { text } from '../validation.js';

const sessionView = z.object({
  user: z.object({ id: z.string(), username: z.string(), role: z.string(), mustChangePassword: z.boolean() }),
  permissions: z.array(z.string()).describe('What this user may do (route permissions)'),
  csrfToken: z.string().nullable().describe('Send as X-CSRF-Token on state-changing requests made with the session cookie'),
  expiresAt: z.string().optional(),
});

function describeSession(p: Principal, expiresAt?: string) {
  return {
    user: { id: p.id, username: p.username, role: p.role, mustChangePassword: p.mustChangePassword, scope: p.scope },
    // What the web app may offer this user (it hides what the API would refuse anyway).
    permissions: PERMISSIONS.filter((permission) => can(p.role, permission)),
    csrfToken: p.csrfToken,
    ...(expiresAt && { expiresAt }),
  };
}

/** Signing in and out, and changing one's own password: /api/session. */
export function sessionRoutes(auth: AuthService, users: UserService, sessionTtlMs: number): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/session',
      tag: 'session',
      access: 'public',
      summary: 'Sign in: sets an HttpOnly session cookie and returns the CSRF token',
      body: z.strictObject({ username: text(64), password: z.string().min(1).max(PASSWORD_MAX) }),
      responses: {
        200: { description: 'Signed in', schema: sessionView },
        401: { description: 'Wrong username or password (INVALID_CREDENTIALS)' },
        429: { description: 'Too many failed attempts from this address or for this user (LOGIN_THROTTLED)' },
      },
      handle: async ({ body, req }) => {
        try {
          const result = await auth.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
          return { status: 200, json: describeSession(result.principal, result.expiresAt), cookie: { name: SESSION_COOKIE, value: result.sessionToken, maxAgeMs: sessionTtlMs } };
        } catch (err) {
          if (err instanceof VigilError && err.code === 'LOGIN_THROTTLED') {
            const seconds = Number(err.details?.retryAfterSeconds ?? 1);
            return { status: 429, json: { error: { code: err.code, message: err.message, details: err.details } }, headers: { 'Retry-After': String(seconds) } };
          }
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/session',
      tag: 'session',
      access: 'session',
      summary: 'Who is signed in (and the CSRF token of a cookie session)',
      responses: { 200: { description: 'The session', schema: sessionView }, 401: { description: 'Not signed in' } },
      handle: ({ actor }) => Promise.resolve({ status: 200, json: describeSession(signedIn(actor)) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/session',
      tag: 'session',
      access: 'session',
      summary: 'Sign out',
      responses: { 204: { description: 'Signed out' }, 401: { description: 'Not signed in' } },
      handle: async ({ actor }) => {
        await auth.logout(signedIn(actor));
        return { status: 204, cookie: { name: SESSION_COOKIE, clear: true } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/session/password',
      tag: 'session',
      access: 'session',
      summary: 'Change your own password (required after a one-time password)',
      body: z.strictObject({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: z.string().min(1).max(PASSWORD_MAX) }),
      responses: { 204: { description: 'Changed' }, 400: { description: 'Too weak (WEAK_PASSWORD)' }, 401: { description: 'Current password wrong' } },
      handle: async ({ body, actor }) => {
        await users.changeOwnPassword(signedIn(actor), body.currentPassword, body.newPassword);
        return noContent();
      },
    }),
  ];
}
