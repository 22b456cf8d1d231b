import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { tokenFor } from '../helpers/tenant-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

let vigil: TestVigil;
let catalog: Catalog;

beforeAll(async () => {
  vigil = await startTestVigil();
  catalog = await seedCatalog(vigil.app);
});
afterAll(async () => vigil?.dispose());

describe('/api/users', () => {
  it('creates a user with a one-time password shown once', async () => {
    const res = await call(vigil.app, 'post', '/api/users', { username: 'op.zhang', role: 'operator', regionId: catalog.districtId, displayName: 'Zhang Wei' });
    expect(res.status).toBe(201);
    const body = res.body as { user: { id: string; mustChangePassword: boolean }; oneTimePassword: string };
    expect(body.user).toMatchObject({ mustChangePassword: true, regionId: catalog.districtId });
    expect(body.oneTimePassword.length).toBeGreaterThanOrEqual(12);
    const again = await call(vigil.app, 'get', `/api/users/${body.user.id}`);
    expect(again.text).not.toContain(body.oneTimePassword);
    expect(again.text).not.toContain('password_hash');
    expect((await request(vigil.app).post('/api/session').send({ username: 'op.zhang', password: body.oneTimePassword })).status).toBe(200);
  });

  it('validates roles, scopes, usernames and passwords', async () => {
    const cases: Array<[object, number, string]> = [
      [{ username: 'int1', role: 'integrator' }, 400, 'VALIDATION_FAILED'],
      [{ username: 'int2', role: 'integrator', organisationIds: [catalog.governmentOrgId, catalog.businessOrgId] }, 400, 'VALIDATION_FAILED'],
      [{ username: 'int3', role: 'integrator', organisationIds: ['nope'] }, 404, 'ORGANISATION_NOT_FOUND'],
      [{ username: 'Bad Name', role: 'operator' }, 400, 'VALIDATION_FAILED'],
      [{ username: 'op2', role: 'god' }, 400, 'VALIDATION_FAILED'],
      [{ username: 'op3', role: 'operator', password: 'short' }, 400, 'WEAK_PASSWORD'],
      [{ username: 'admin', role: 'operator' }, 409, 'DUPLICATE_USER'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(vigil.app, 'post', '/api/users', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body, JSON.stringify(body)).toMatchObject({ error: { code } });
    }
  });

  it('changes take effect at once: a role change ends sessions, a disabled user cannot sign in', async () => {
    const created = await call(vigil.app, 'post', '/api/users', { username: 'tech.li', role: 'technician', regionId: catalog.cityId, password: 'tech-password-long' });
    const id = (created.body as { user: { id: string } }).user.id;
    const agent = request.agent(vigil.app);
    expect((await agent.post('/api/session').send({ username: 'tech.li', password: 'tech-password-long' })).status).toBe(200);
    expect((await agent.get('/api/cameras')).status).toBe(200);
    const changed = await call(vigil.app, 'patch', `/api/users/${id}`, { role: 'operator' });
    expect(changed.body).toMatchObject({ role: 'operator' });
    expect((await agent.get('/api/cameras')).status).toBe(401);
    const token = await tokenFor(vigil.app, 'tech.li', 'tech-password-long');
    await call(vigil.app, 'patch', `/api/users/${id}`, { disabled: true });
    expect((await call(vigil.app, 'get', '/api/session', undefined, token)).status).toBe(401);
    expect((await request(vigil.app).post('/api/session').send({ username: 'tech.li', password: 'tech-password-long' })).status).toBe(401);
    const trail = await call(vigil.app, 'get', `/api/audit?objectId=${id}`);
    expect((trail.body as { items: Array<{ action: string }> }).items.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'user.role.changed', 'user.updated']));
  });

  it('an admin cannot lock themselves out', async () => {
    const me = (await call(vigil.app, 'get', '/api/session')).body as { user: { id: string } };
    expect((await call(vigil.app, 'patch', `/api/users/${me.user.id}`, { role: 'operator' })).status).toBe(403);
    expect((await call(vigil.app, 'patch', `/api/users/${me.user.id}`, { disabled: true })).status).toBe(403);
  });

  it('pages and searches the user list on the server', async () => {
    for (let i = 0; i < 5; i++) expect((await call(vigil.app, 'post', '/api/users', { username: `pager.${i}`, role: 'operator', regionId: catalog.cityId })).status).toBe(201);
    const page = (await call(vigil.app, 'get', '/api/users?q=PAGER&limit=2&offset=2')).body as { items: Array<{ username: string }>; total: number; limit: number; offset: number };
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(page.items.map((u) => u.username)).toEqual(['pager.2', 'pager.3']);
    const operators = (await call(vigil.app, 'get', '/api/users?role=operator&limit=500')).body as { items: Array<{ role: string }> };
    expect(operators.items.length).toBeGreaterThanOrEqual(5);
    expect(operators.items.every((u) => u.role === 'operator')).toBe(true);
    expect((await call(vigil.app, 'get', '/api/users?limit=0')).status).toBe(400);
  });
});
