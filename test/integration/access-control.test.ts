import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/catalog-fixture.js';
import { seedTenants, tokenFor, type Tenants } from '../helpers/tenant-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

let vigil: TestVigil;
let t: Tenants;

beforeAll(async () => {
  vigil = await startTestVigil();
  t = await seedTenants(vigil.app);
}, 60_000);
afterAll(async () => vigil?.dispose());

/** Every mounted route with the access its handler declares, read from the express router. */
function routeAccess(app: Express): Array<{ route: string; access: unknown }> {
  interface Layer {
    route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: { access?: unknown } }> };
    handle?: { stack?: Layer[] };
  }
  const out: Array<{ route: string; access: unknown }> = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
        for (const m of methods) out.push({ route: `${m} ${layer.route.path}`, access: layer.route.stack.map((s) => s.handle.access).find((a) => a !== undefined) });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

describe('deny by default', () => {
  it('every route declares its access, and only the allow-list is public', () => {
    const routes = routeAccess(vigil.app);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => r.access === undefined).map((r) => r.route)).toEqual([]);
    expect(routes.filter((r) => r.access === 'public').map((r) => r.route).sort()).toEqual(['get /healthz', 'get /readyz', 'post /api/session']);
    // HLS files are authorised by the signed token in their path, checked by the stream service.
    expect(routes.filter((r) => r.access === 'stream-token').map((r) => r.route)).toEqual(['get /streams/:token/:file']);
  });

  it('the walker would catch a route without access', () => {
    const app = vigil.app as unknown as { get: (p: string, h: () => void) => void };
    app.get('/api/sneaky', () => undefined);
    expect(routeAccess(vigil.app).find((r) => r.route === 'get /api/sneaky')?.access).toBeUndefined();
  });

  it('answers 403 FORBIDDEN out of role', async () => {
    const res = await call(vigil.app, 'post', '/api/organisations', { name: 'Nope', ownerType: 'business' }, t.tokensA.operator);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await call(vigil.app, 'get', '/metrics', undefined, t.tokensA.operator)).status).toBe(403);
    expect((await call(vigil.app, 'get', '/metrics', undefined, t.tokensA.technician)).status).toBe(200);
    expect((await call(vigil.app, 'get', '/api/audit', undefined, t.tokensA.reviewer)).status).toBe(403);
  });
});

describe('sessions', () => {
  it('sets an HttpOnly SameSite=Strict cookie and demands the CSRF token on changes', async () => {
    const agent = request.agent(vigil.app);
    const login = await agent.post('/api/session').send({ username: 'reviewer-a', password: 'pw-a-8-long-enough-secret' });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/vigil_session=[^;]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure'); // plain HTTP here
    expect((await agent.get('/api/session')).body).toMatchObject({ user: { username: 'reviewer-a', role: 'reviewer' } });
    const noCsrf = await agent.post(`/api/cameras/${t.cameraA}/views`).send({ reason: 'x' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body).toMatchObject({ error: { code: 'CSRF_FAILED' } });
    const wrongCsrf = await agent.post(`/api/cameras/${t.cameraA}/views`).set('x-csrf-token', 'guess').send({ reason: 'x' });
    expect(wrongCsrf.status).toBe(403);
    const withCsrf = await agent.post(`/api/cameras/${t.cameraA}/views`).set('x-csrf-token', (login.body as { csrfToken: string }).csrfToken).send({ reason: 'x' });
    expect(withCsrf.status).toBe(201);
    const logout = await agent.delete('/api/session').set('x-csrf-token', (login.body as { csrfToken: string }).csrfToken);
    expect(logout.status).toBe(204);
    expect((await agent.get('/api/session')).status).toBe(401);
  });

  it('refuses wrong passwords with one code, whether the user exists or not', async () => {
    const known = await request(vigil.app).post('/api/session').send({ username: 'operator-b', password: 'wrong-password-here' });
    const unknown = await request(vigil.app).post('/api/session').send({ username: 'ghost', password: 'wrong-password-here' });
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(known.body).toEqual(unknown.body);
  });
});

describe('API tokens', () => {
  it('are shown once, listed without the secret, and stop working when revoked', async () => {
    const token = await tokenFor(vigil.app, 'technician-b', 'pw-b-10-long-enough-secret');
    expect(token).toMatch(/^vgl_/);
    const list = await call(vigil.app, 'get', '/api/tokens', undefined, token);
    expect(list.text).not.toContain(token);
    const mine = (list.body as { items: Array<{ id: string; revokedAt: string | null }> }).items;
    const newest = mine[mine.length - 1]!;
    expect((await call(vigil.app, 'delete', `/api/tokens/${newest.id}`, undefined, token)).status).toBe(204);
    expect((await call(vigil.app, 'get', '/api/session', undefined, token)).status).toBe(401);
  });

  it('are stored hashed', async () => {
    const token = await tokenFor(vigil.app, 'operator-b', 'pw-b-8-long-enough-secret');
    const { readFileSync, readdirSync } = await import('node:fs');
    const bytes = Buffer.concat(readdirSync(vigil.dataDir).filter((f) => f.startsWith('vigil.sqlite')).map((f) => readFileSync(`${vigil.dataDir}/${f}`)));
    expect(bytes.includes(Buffer.from(token))).toBe(false);
  });
});

describe('the first admin', () => {
  it('gets a printed one-time password that must be changed before anything else', async () => {
    const printed: string[] = [];
    const { createVigil } = await import('../../gateway/src/composition.js');
    const { loadConfig } = await import('../../gateway/src/config/config.loader.js');
    const { createLogger } = await import('../../gateway/src/logging/logger.js');
    const { SecretRedactor } = await import('../../gateway/src/logging/secret-redactor.js');
    const { mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/vigil-first-');
    const redactor = new SecretRedactor();
    const lines: string[] = [];
    const { Writable } = await import('node:stream');
    const logger = createLogger({ level: 'info', redactor, destination: new Writable({ write: (c: Buffer, _e, done) => { lines.push(c.toString()); done(); } }) });
    const fresh = await createVigil({ config: loadConfig({ env: { VIGIL_DATA_DIR: dir }, cwd: dir }), logger, redactor, print: (l) => printed.push(l) });
    try {
      expect(printed).toHaveLength(1);
      const password = /one-time password (\S+)/.exec(printed[0]!)![1]!;
      expect(lines.join('')).not.toContain(password);
      const agent = request.agent(fresh.app);
      const login = await agent.post('/api/session').send({ username: 'admin', password });
      expect(login.body).toMatchObject({ user: { mustChangePassword: true } });
      const csrf = (login.body as { csrfToken: string }).csrfToken;
      const blocked = await agent.get('/api/cameras');
      expect(blocked.status).toBe(403);
      expect(blocked.body).toMatchObject({ error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
      const weak = await agent.put('/api/session/password').set('x-csrf-token', csrf).send({ currentPassword: password, newPassword: 'short' });
      expect(weak.body).toMatchObject({ error: { code: 'WEAK_PASSWORD' } });
      expect((await agent.put('/api/session/password').set('x-csrf-token', csrf).send({ currentPassword: password, newPassword: 'a-brand-new-password' })).status).toBe(204);
      expect((await agent.get('/api/cameras')).status).toBe(200);
      // A restart does not make another admin or print another password.
      const again = await createVigil({ config: loadConfig({ env: { VIGIL_DATA_DIR: dir }, cwd: dir }), logger, redactor, print: (l) => printed.push(l) });
      await again.close();
      expect(printed).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('integrators and reviewers', () => {
  it('refuses fields an integrator may not set', async () => {
    const base = { name: 'Integrator cam', regionId: t.gridA, profiles: { main: { url: 'rtsp://10.78.0.1/main' } } };
    for (const extra of [{ organisationId: t.orgA }, { lifecycle: 'approved' }, { nationalCode: '44010300021328000001' }, { tier: 'key' }, { source: 'csv' }]) {
      const res = await call(vigil.app, 'post', '/api/cameras', { ...base, ...extra }, t.tokensA.integrator);
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect((res.body as { error: { code: string } }).error.code, JSON.stringify(extra)).toMatch(/FIELD_NOT_ALLOWED|VALIDATION_FAILED/);
    }
    const patch = await call(vigil.app, 'patch', `/api/cameras/${t.cameraA}`, { organisationId: t.orgB }, t.tokensA.integrator);
    expect(patch.status).toBe(400);
    expect(patch.body).toMatchObject({ error: { code: 'FIELD_NOT_ALLOWED' } });
  });

  it('integrator registers (pending) → reviewer rejects with a reason → integrator fixes → reviewer approves', async () => {
    const created = await call(vigil.app, 'post', '/api/cameras', { name: 'Shop door', regionId: t.gridA, profiles: { main: { url: 'rtsp://10.78.0.2/main' } } }, t.tokensA.integrator);
    expect(created.status).toBe(201);
    const camera = created.body as { id: string; lifecycle: string; organisationId: string };
    expect(camera).toMatchObject({ lifecycle: 'pending', organisationId: t.orgA });
    // Integrators do not review, and reviewers of the other tenant do not see it.
    expect((await call(vigil.app, 'post', `/api/cameras/${camera.id}/approve`, {}, t.tokensA.integrator)).status).toBe(403);
    expect((await call(vigil.app, 'post', `/api/cameras/${camera.id}/approve`, {}, t.tokensB.reviewer)).status).toBe(404);
    const noReason = await call(vigil.app, 'post', `/api/cameras/${camera.id}/reject`, {}, t.tokensA.reviewer);
    expect(noReason.status).toBe(400);
    const rejected = await call(vigil.app, 'post', `/api/cameras/${camera.id}/reject`, { reason: 'picture points at a private garden' }, t.tokensA.reviewer);
    expect(rejected.body).toMatchObject({ lifecycle: 'rejected', lifecycleReason: 'picture points at a private garden' });
    const seen = await call(vigil.app, 'get', `/api/cameras/${camera.id}`, undefined, t.tokensA.integrator);
    expect(seen.body).toMatchObject({ lifecycle: 'rejected', lifecycleReason: 'picture points at a private garden' });
    const fixed = await call(vigil.app, 'patch', `/api/cameras/${camera.id}`, { description: 'turned towards the street' }, t.tokensA.integrator);
    expect(fixed.body).toMatchObject({ lifecycle: 'pending' });
    const approved = await call(vigil.app, 'post', `/api/cameras/${camera.id}/approve`, {}, t.tokensA.reviewer);
    expect(approved.body).toMatchObject({ lifecycle: 'approved' });
    const twice = await call(vigil.app, 'post', `/api/cameras/${camera.id}/approve`, {}, t.tokensA.reviewer);
    expect(twice.status).toBe(409);
    // Once approved, the integrator no longer edits it.
    expect((await call(vigil.app, 'patch', `/api/cameras/${camera.id}`, { name: 'x' }, t.tokensA.integrator)).status).toBe(409);
    const trail = await call(vigil.app, 'get', `/api/audit?objectId=${camera.id}`);
    expect((trail.body as { items: Array<{ action: string; actor: string }> }).items.map((e) => `${e.actor}:${e.action}`).reverse()).toEqual([
      'integrator-a:camera.created',
      'reviewer-a:camera.rejected',
      'integrator-a:camera.updated',
      'reviewer-a:camera.approved',
    ]);
  });

  it('admins create cameras approved at once', async () => {
    const res = await call(vigil.app, 'post', '/api/cameras', { name: 'Police cam', organisationId: t.orgA, regionId: t.gridA, profiles: { main: { url: 'rtsp://10.78.0.3/main' } } });
    expect(res.body).toMatchObject({ lifecycle: 'approved' });
  });
});

describe('viewing audit and owner transparency', () => {
  it('requires a reason for business and residential cameras and records start and end', async () => {
    const missing = await call(vigil.app, 'post', `/api/cameras/${t.cameraA}/views`, {}, t.tokensA.operator);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: 'REASON_REQUIRED' } });
    const started = await call(vigil.app, 'post', `/api/cameras/${t.cameraA}/views`, { reason: 'robbery reported nearby' }, t.tokensA.operator);
    expect(started.status).toBe(201);
    const viewId = (started.body as { id: string }).id;
    expect((await call(vigil.app, 'post', `/api/views/${viewId}/end`, undefined, t.tokensA.reviewer)).status).toBe(404);
    const ended = await call(vigil.app, 'post', `/api/views/${viewId}/end`, undefined, t.tokensA.operator);
    expect(ended.body).toMatchObject({ username: 'operator-a', reason: 'robbery reported nearby', endedAt: expect.any(String) });
    // Integrators never watch video.
    expect((await call(vigil.app, 'post', `/api/cameras/${t.cameraA}/views`, { reason: 'x' }, t.tokensA.integrator)).status).toBe(403);
  });

  it("lets an organisation's own integrator see who viewed its cameras, and nobody else's", async () => {
    const own = await call(vigil.app, 'get', `/api/organisations/${t.orgA}/views`, undefined, t.tokensA.integrator);
    expect(own.status).toBe(200);
    expect((own.body as { items: Array<{ username: string; reason: string }> }).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ username: 'operator-a', reason: 'robbery reported nearby' })]),
    );
    expect((await call(vigil.app, 'get', `/api/organisations/${t.orgB}/views`, undefined, t.tokensA.integrator)).status).toBe(404);
    // A reviewer covering the district is not the owner: region scope does not open transparency views.
    expect((await call(vigil.app, 'get', `/api/organisations/${t.orgB}/views`, undefined, t.tokensB.integrator)).status).toBe(200);
  });
});
