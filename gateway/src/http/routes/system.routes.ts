import { z } from 'zod';
import type { FfmpegAvailability } from '../../adapters/ffmpeg/ffmpeg-availability.js';
import type { Registry } from 'prom-client';
import { buildOpenApi } from '../openapi.js';
import { defineRoute, ok, type Route } from '../route.js';

export interface SystemDeps {
  readonly pingDatabase: () => Promise<void>;
  readonly ffmpeg: FfmpegAvailability;
  readonly registry: Registry;
  readonly version: string;
}

const readiness = z.object({
  ready: z.boolean(),
  checks: z.object({ database: z.object({ ok: z.boolean(), error: z.string().optional() }), ffmpeg: z.object({ ok: z.boolean(), version: z.string().nullable() }) }),
});

/** Liveness, readiness, metrics and the API description. `allRoutes` is read when the document is asked for. */
export function systemRoutes(deps: SystemDeps, allRoutes: () => readonly Route[]): Route[] {
  let openApi: Record<string, unknown> | null = null;
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      tag: 'system',
      access: 'public',
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
      handle: () => Promise.resolve(ok({ status: 'ok' })),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      tag: 'system',
      access: 'public',
      summary: 'Readiness: the database answers and ffmpeg runs',
      responses: { 200: { description: 'Ready', schema: readiness }, 503: { description: 'Not ready', schema: readiness } },
      handle: async () => {
        let database: { ok: boolean; error?: string } = { ok: true };
        try {
          await deps.pingDatabase();
        } catch (err) {
          database = { ok: false, error: (err as Error).message };
        }
        const version = await deps.ffmpeg.version();
        const ready = database.ok && version !== null;
        return { status: ready ? 200 : 503, json: { ready, checks: { database, ffmpeg: { ok: version !== null, version } } } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      tag: 'system',
      // Counts of cameras by owner are not for everyone: Prometheus scrapes with an API token.
      access: 'metrics:read',
      summary: 'Prometheus metrics (admin or technician token: Authorization: Bearer …)',
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
      handle: async () => ({ status: 200, text: await deps.registry.metrics(), contentType: deps.registry.contentType }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      tag: 'system',
      access: 'session',
      summary: 'This API described as OpenAPI 3.1',
      responses: { 200: { description: 'The OpenAPI document', schema: z.object({ openapi: z.string() }).loose() } },
      handle: () => {
        openApi ??= buildOpenApi(allRoutes(), { title: 'Vigil API', version: deps.version });
        return Promise.resolve(ok(openApi));
      },
    }),
  ];
}
