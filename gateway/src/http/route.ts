import type { Request } from 'express';
import type { z } from 'zod';
import type { Access } from '../domain/roles.js';
import { VigilError } from '../domain/errors.js';
import type { Principal } from '../services/auth.service.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type CookieChange = { readonly name: string; readonly value: string; readonly maxAgeMs: number } | { readonly name: string; readonly clear: true };

/** What a handler returns; the mounting code writes it. */
export type Reply =
  | { readonly status: number; readonly json: unknown; readonly cookie?: CookieChange; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: number; readonly text: string; readonly contentType: string }
  | { readonly status: number; readonly body: Buffer; readonly contentType: string }
  | { readonly status: 204; readonly cookie?: CookieChange };

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Defaults to application/json. */
  readonly contentType?: string;
}

export interface HandlerInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly req: Request;
  /** The signed-in caller; null only on public routes. */
  readonly actor: Principal | null;
}

/**
 * One HTTP route as data: the express router and the OpenAPI document are both built from the
 * same list, so the document cannot drift from what is served. `access` is required: there is
 * no route without a declared permission (deny by default).
 */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  readonly method: HttpMethod;
  /** Express path syntax: /api/cameras/:id */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** Error responses (400, 404, 409, …) are listed by code; success responses with their schema. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handle(input: HandlerInput<P, Q, B>): Promise<Reply>;
}

/** Declares a route with its handler's inputs typed from the schemas. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(route: Route<P, Q, B>): Route {
  return route;
}

export const ok = (json: unknown): Reply => ({ status: 200, json });
export const created = (json: unknown): Reply => ({ status: 201, json });
export const noContent = (): Reply => ({ status: 204 });

/** The caller of a protected route (mountRoutes has already refused anonymous ones). */
export function signedIn(actor: Principal | null): Principal {
  if (!actor) throw new VigilError('UNAUTHENTICATED', 'sign in first');
  return actor;
}
