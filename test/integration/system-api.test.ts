import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../gateway/src/http/openapi.js';
import { call, cameraBody, seedCatalog } from '../helpers/catalog-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

let vigil: TestVigil;

beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => vigil.dispose());

/** Every (method, path) the express app actually serves, read from its router stack. */
function servedRoutes(app: Express): string[] {
  const out: string[] = [];
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push(`${method} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

describe('GET /healthz and /readyz', () => {
  it('reports alive and ready with the database open and ffmpeg present', async () => {
    expect((await request(vigil.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(vigil.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, checks: { database: { ok: true }, ffmpeg: { ok: true, version: expect.stringContaining('ffmpeg') } } });
  });

  it('reports not ready when ffmpeg is missing', async () => {
    const noFfmpeg = await startTestVigil({ env: { VIGIL_FFMPEG_PATH: '/nonexistent/ffmpeg' } });
    try {
      const res = await request(noFfmpeg.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ ready: false, checks: { ffmpeg: { ok: false } } });
    } finally {
      await noFfmpeg.dispose();
    }
  });

  it('reports not ready when the database is closed', async () => {
    const closing = await startTestVigil();
    await closing.close();
    const res = await request(closing.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ ready: false, checks: { database: { ok: false } } });
  });
});

describe('GET /metrics', () => {
  it('exposes process metrics and camera counts by lifecycle, tier and owner type', async () => {
    const catalog = await seedCatalog(vigil.app);
    await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { tier: 'key' }));
    await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { tier: 'key' }));
    await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { organisationId: catalog.businessOrgId, lifecycle: 'pending' }));
    const res = await request(vigil.app).get('/metrics').set('authorization', `Bearer ${vigil.adminToken}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('vigil_process_cpu_seconds_total');
    expect(res.text).toContain('vigil_cameras{lifecycle="approved",tier="key",owner_type="government"} 2');
    expect(res.text).toContain('vigil_cameras{lifecycle="pending",tier="general",owner_type="business"} 1');
    expect(res.text).toMatch(/vigil_http_request_duration_seconds_count\{method="POST",route="\/api\/cameras",status="201"\} \d+/);
  });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3 document that lists every route the app serves', async () => {
    const res = await request(vigil.app).get('/api/openapi.json').set('authorization', `Bearer ${vigil.adminToken}`);
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)));
    const served = servedRoutes(vigil.app).map((r) => {
      const [method, p] = r.split(' ');
      return `${method} ${openApiPath(p!)}`;
    });
    expect(served.length).toBeGreaterThan(20);
    const missing = served.filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    const extra = [...documented].filter((r) => !served.includes(r));
    expect(extra).toEqual([]);
    for (const required of ['/api/organisations', '/api/regions', '/api/cameras', '/api/cameras/{id}', '/api/openapi.json', '/healthz', '/readyz', '/metrics']) {
      expect(doc.paths[required], required).toBeDefined();
    }
  });

  it('describes request bodies and path parameters', async () => {
    const doc = (await request(vigil.app).get('/api/openapi.json').set('authorization', `Bearer ${vigil.adminToken}`)).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> }; parameters: Array<{ name: string; in: string }> }>>;
    };
    const create = doc.paths['/api/cameras']!.post!;
    expect(Object.keys(create.requestBody!.content['application/json']!.schema.properties!)).toEqual(expect.arrayContaining(['name', 'organisationId', 'regionId', 'profiles', 'credentials']));
    expect(doc.paths['/api/cameras/{id}']!.get!.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
  });

  it('detects a route mounted outside the route list', () => {
    const app = vigil.app;
    const before = servedRoutes(app).length;
    // The walker must see a route added by hand, or the coverage test above could never fail.
    (app as unknown as { get: (p: string, h: () => void) => void }).get('/api/undocumented', () => undefined);
    expect(servedRoutes(app)).toContain('get /api/undocumented');
    expect(servedRoutes(app).length).toBe(before + 1);
  });
});
