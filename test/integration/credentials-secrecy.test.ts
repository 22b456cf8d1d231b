import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cameraBody, seedCatalog, seenBodies, type Catalog } from '../helpers/catalog-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

// Canary passwords with every character that trips URL building and escaping.
const CANARIES = ['Canary% @:/#? pw-0001', 'canary"quote\\back 0002', 'Канарейка-пароль-0003'] as const;

let vigil: TestVigil;
let catalog: Catalog;
const ids: string[] = [];

beforeAll(async () => {
  vigil = await startTestVigil();
  catalog = await seedCatalog(vigil.app);
});
afterAll(async () => vigil.dispose());

describe('camera credentials', () => {
  it('are accepted, reported only as hasCredentials, and readable by Vigil itself', async () => {
    const created = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { credentials: { username: 'admin', password: CANARIES[0] } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ hasCredentials: true });
    const id = (created.body as { id: string }).id;
    ids.push(id);
    await expect(vigil.services.credentials.reveal(id)).resolves.toEqual({ username: 'admin', password: CANARIES[0] });

    const second = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog));
    const secondId = (second.body as { id: string }).id;
    ids.push(secondId);
    expect(second.body).toMatchObject({ hasCredentials: false });
    expect((await call(vigil.app, 'put', `/api/cameras/${secondId}/credentials`, { username: 'op', password: CANARIES[1] })).status).toBe(204);
    expect((await call(vigil.app, 'get', `/api/cameras/${secondId}`)).body).toMatchObject({ hasCredentials: true });
    const patched = await call(vigil.app, 'patch', `/api/cameras/${secondId}`, { credentials: { username: 'op2', password: CANARIES[2] } });
    expect(patched.body).toMatchObject({ hasCredentials: true });
    await expect(vigil.services.credentials.reveal(secondId)).resolves.toEqual({ username: 'op2', password: CANARIES[2] });
  });

  it('can be removed', async () => {
    const id = ids[1]!;
    expect((await call(vigil.app, 'delete', `/api/cameras/${id}/credentials`)).status).toBe(204);
    expect((await call(vigil.app, 'get', `/api/cameras/${id}`)).body).toMatchObject({ hasCredentials: false });
    await expect(vigil.services.credentials.reveal(id)).resolves.toBeNull();
    // Put one back so the later checks cover a stored value too.
    expect((await call(vigil.app, 'put', `/api/cameras/${id}/credentials`, { username: 'op', password: CANARIES[1] })).status).toBe(204);
  });

  it('exercise every route and error path with a canary in play', async () => {
    const id = ids[0]!;
    await call(vigil.app, 'get', '/api/cameras?limit=500');
    await call(vigil.app, 'get', `/api/cameras?q=${encodeURIComponent(CANARIES[0])}`);
    await call(vigil.app, 'patch', `/api/cameras/${id}`, { credentials: { username: 'admin', password: `${CANARIES[0]}\n` } });
    await call(vigil.app, 'patch', `/api/cameras/${id}`, { profiles: { main: { url: `rtsp://admin:${CANARIES[0]}@10.0.0.1/x` } } });
    await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { credentials: { username: 'admin', password: CANARIES[0] }, profiles: { main: { url: 'file:///etc/passwd' } } }));
    await call(vigil.app, 'put', `/api/cameras/${id}/credentials`, { username: 'admin', password: CANARIES[0], extra: CANARIES[0] });
    await call(vigil.app, 'put', `/api/cameras/nope/credentials`, { username: 'admin', password: CANARIES[0] });
    await call(vigil.app, 'get', '/api/openapi.json');
    const metrics = await request(vigil.app).get('/metrics').set('authorization', `Bearer ${vigil.adminToken}`);
    seenBodies.push(metrics.text);
    await call(vigil.app, 'post', `/api/cameras/${id}/retire`, {});
    await call(vigil.app, 'get', `/api/cameras/${id}`);
  });

  it('stay out of every GET route of the API, walked from the OpenAPI document', async () => {
    const doc = (await call(vigil.app, 'get', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const camera = ids[0]!;
    const fill: Record<string, string> = { cameras: camera, organisations: catalog.governmentOrgId, regions: catalog.gridId, users: 'none', tokens: 'none', views: 'none' };
    let walked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!('get' in ops)) continue;
      const kind = /^\/api\/(\w+)\//.exec(path)?.[1] ?? '';
      await call(vigil.app, 'get', path.replace('{id}', fill[kind] ?? 'none'));
      walked += 1;
    }
    expect(walked).toBeGreaterThan(12);
    await call(vigil.app, 'get', '/api/audit?limit=500');
  });

  it('never appear in an API response or the metrics', () => {
    expect(seenBodies.length).toBeGreaterThan(10);
    for (const body of seenBodies) {
      for (const canary of CANARIES) {
        // Error messages may echo the field name, never the value.
        expect(body.includes(canary) || body.includes(JSON.stringify(canary).slice(1, -1))).toBe(false);
      }
    }
  });

  it('never appear in a log line', async () => {
    // A password echoed inside an error message (as a device or ffmpeg might) is redacted by value.
    vigil.logger.error({ err: new Error(`auth failed for admin:${CANARIES[0]}`), url: `rtsp://admin:${encodeURIComponent(CANARIES[0])}@10.0.0.1/` }, `login ${CANARIES[2]}`);
    await new Promise((resolve) => setImmediate(resolve));
    const logs = vigil.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const canary of CANARIES) {
      expect(logs).not.toContain(canary);
      expect(logs).not.toContain(JSON.stringify(canary).slice(1, -1));
      expect(logs).not.toContain(encodeURIComponent(canary));
    }
    expect(logs).toContain('auth failed for admin:[REDACTED]');
  });

  it('are not stored in plaintext in any database file', () => {
    const files = readdirSync(vigil.dataDir).filter((f) => f.startsWith('vigil.sqlite'));
    expect(files).toContain('vigil.sqlite');
    const bytes = Buffer.concat(files.map((f) => readFileSync(path.join(vigil.dataDir, f))));
    expect(bytes.length).toBeGreaterThan(0);
    for (const canary of CANARIES) {
      expect(bytes.includes(Buffer.from(canary, 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from(JSON.stringify(canary), 'utf8'))).toBe(false);
    }
    // The encryption key lives beside the database, never in it.
    const key = readFileSync(path.join(vigil.dataDir, 'secret.key'), 'utf8').trim();
    expect(bytes.includes(Buffer.from(key))).toBe(false);
  });
});
