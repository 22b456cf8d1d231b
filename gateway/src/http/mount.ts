import type { Request, Response, Router } from 'express';
import { VigilError } from '../domain/errors.js';
import { can, type Access } from '../domain/roles.js';
import type { Principal } from '../services/auth.service.js';
import type { Route } from './route.js';
import { parseOrThrow } from './validation.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Deny by default: refuses the request unless the caller has what `access` asks for. Cookie
 * sessions must echo their CSRF token on state-changing requests (Bearer tokens are not sent by
 * browsers on their own, so they need none).
 */
export function authorise(access: Access, principal: Principal | null, req: Request): Principal | null {
  if (access === 'public' || access === 'stream-token') return principal;
  if (!principal) throw new VigilError('UNAUTHENTICATED', 'sign in, or send an API token as Authorization: Bearer …');
  if (principal.via === 'cookie' && !SAFE_METHODS.has(req.method) && req.get('x-csrf-token') !== principal.csrfToken) {
    throw new VigilError('CSRF_FAILED', 'missing or wrong X-CSRF-Token header');
  }
  if (access === 'session') return principal;
  if (principal.mustChangePassword) throw new VigilError('PASSWORD_CHANGE_REQUIRED', 'change your one-time password first (PUT /api/session/password)');
  if (!can(principal.role, access)) throw new VigilError('FORBIDDEN', `your role (${principal.role}) may not do this`);
  return principal;
}

/** Mounts each route: authorise, validate params, query and body, call the handler, write the reply. */
export function mountRoutes(router: Router, routes: readonly Route[]): void {
  for (const route of routes) {
    const handler = async (req: Request, res: Response) => {
      res.locals.route = route.path;
      const actor = authorise(route.access, (res.locals.principal as Principal | null | undefined) ?? null, req);
      if (route.body && !req.is('application/json')) {
        throw new VigilError('UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json');
      }
      const params = route.params ? parseOrThrow(route.params, req.params, 'params') : undefined;
      const query = route.query ? parseOrThrow(route.query, req.query, 'query') : undefined;
      const body = route.body ? parseOrThrow(route.body, req.body, 'body') : undefined;
      const reply = await route.handle({ params, query, body, req, actor });
      if ('cookie' in reply && reply.cookie) {
        const cookie = reply.cookie;
        const options = { httpOnly: true, sameSite: 'strict' as const, secure: req.secure, path: '/' };
        if ('clear' in cookie) res.clearCookie(cookie.name, options);
        else res.cookie(cookie.name, cookie.value, { ...options, maxAge: cookie.maxAgeMs });
      }
      if ('json' in reply) {
        if (reply.headers) res.set(reply.headers);
        res.status(reply.status).json(reply.json);
      } else if ('text' in reply) {
        res.status(reply.status).type(reply.contentType).send(reply.text);
      } else if ('body' in reply) {
        // Live media: never cached by browsers or proxies, and written as it is — Express's send()
        // would SHA-1 every segment for an ETag nobody can use (0.5 ms per 750 kB segment).
        res.status(reply.status).set({ 'Content-Type': reply.contentType, 'Cache-Control': 'no-store', 'Content-Length': String(reply.body.length) });
        res.end(reply.body);
      } else {
        res.status(reply.status).end();
      }
    };
    // Read by the deny-by-default test, which walks the router and finds every route's access.
    Object.defineProperty(handler, 'access', { value: route.access });
    router[route.method](route.path, handler);
  }
}
