import type { Request, RequestHandler } from 'express';
import type { AuthService, Principal } from '../services/auth.service.js';

export const SESSION_COOKIE = 'vigil_session';

/** The value of one cookie from the Cookie header, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Works out who is calling — a Bearer API token, or else the session cookie — and leaves it in
 * res.locals.principal (null when nobody or when the token or cookie is not valid). Whether the
 * route needs anybody is decided when the route is mounted.
 */
export function authenticate(auth: AuthService): RequestHandler {
  return (req, res, next) => {
    const run = async (): Promise<Principal | null> => {
      const authorization = req.headers.authorization;
      if (authorization?.startsWith('Bearer ')) return auth.fromToken(authorization.slice(7).trim());
      const cookie = readCookie(req, SESSION_COOKIE);
      return cookie ? auth.fromSession(cookie) : null;
    };
    run().then(
      (principal) => {
        res.locals.principal = principal;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
