import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { tokenFor } from '../helpers/tenant-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

/**
 * Integrator self-service registration and police review, by role: integrators register for their
 * own organisation only, their cameras wait as pending, a reviewer approves (the camera joins the
 * health checks and may be watched) or rejects with a reason the integrator reads.
 */
let vigil: TestVigil;
let catalog: Catalog;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  vigil = await startTestVigil();
  catalog = await seedCatalog(vigil.app);
  const user = async (name: string, body: object) => {
    const password = `pw-${name.length}-long-enough-secret-x`;
    const res = await call(vigil.app, 'post', '/api/users', { username: name, password, ...body });
    if (res.status !== 201) throw new Error(res.text);
    tokens[name] = await tokenFor(vigil.app, name, password);
  };
  await user('bank-integrator', { role: 'integrator', organisationIds: [catalog.businessOrgId] });
  await user('city-integrator', { role: 'integrator', organisationIds: [catalog.governmentOrgId] });
  await user('xihu-reviewer', { role: 'reviewer', regionId: catalog.districtId });
  await user('other-reviewer', { role: 'reviewer', regionId: catalog.otherDistrictId });
  await user('xihu-operator', { role: 'operator', regionId: catalog.districtId });
});

afterAll(async () => {
  await vigil?.dispose();
});

const register = (name: string, n: number, extra: object = {}) =>
  call(vigil.app, 'post', '/api/cameras', { name, regionId: catalog.gridId, profiles: { main: { url: `rtsp://10.30.0.${n}/main` } }, credentials: { username: 'u', password: `pw-${n}-secret` }, ...extra }, tokens['bank-integrator']);

describe('integrator registration and review', () => {
  it('lands an integrator camera as pending, for their organisation only', async () => {
    const res = await register('Bank lobby', 1);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ lifecycle: 'pending', organisationId: catalog.businessOrgId });
    const foreign = await register('Not ours', 2, { organisationId: catalog.governmentOrgId });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toMatchObject({ error: { code: 'FIELD_NOT_ALLOWED' } });
  });

  it('lets reviewers in scope approve, and nobody else', async () => {
    const id = ((await register('Bank door', 3)).body as { id: string }).id;
    for (const who of ['bank-integrator', 'xihu-operator']) {
      expect((await call(vigil.app, 'post', `/api/cameras/${id}/approve`, {}, tokens[who])).status, who).toBe(403);
    }
    expect((await call(vigil.app, 'post', `/api/cameras/${id}/approve`, {}, tokens['other-reviewer'])).status).toBe(404);
    expect((await call(vigil.app, 'get', `/api/cameras/${id}`, undefined, tokens['city-integrator'])).status).toBe(404);
    await vigil.services.monitor.refresh();
    expect(vigil.services.monitor.record(id)).toBeUndefined();

    const approved = await call(vigil.app, 'post', `/api/cameras/${id}/approve`, {}, tokens['xihu-reviewer']);
    expect(approved.status, approved.text).toBe(200);
    expect((await call(vigil.app, 'get', `/api/cameras/${id}`, undefined, tokens['bank-integrator'])).body).toMatchObject({ lifecycle: 'approved' });
    // Approved: it joins the health checks and may be put on a wall.
    await vigil.services.monitor.refresh();
    expect(vigil.services.monitor.record(id)).toMatchObject({ state: 'unknown' });
    const stream = await call(vigil.app, 'get', `/api/cameras/${id}/stream?reason=patrol`, undefined, tokens['xihu-operator']);
    expect(stream.status, stream.text).toBe(200);
  });

  it('shows the integrator a rejection and its reason', async () => {
    const id = ((await register('Bank vault', 4)).body as { id: string }).id;
    const rejected = await call(vigil.app, 'post', `/api/cameras/${id}/reject`, { reason: 'points into a neighbour’s window' }, tokens['xihu-reviewer']);
    expect(rejected.status).toBe(200);
    const seen = await call(vigil.app, 'get', `/api/cameras?lifecycle=rejected`, undefined, tokens['bank-integrator']);
    expect((seen.body as { items: Array<{ id: string; lifecycle: string; lifecycleReason: string }> }).items).toEqual([
      expect.objectContaining({ id, lifecycle: 'rejected', lifecycleReason: 'points into a neighbour’s window' }),
    ]);
    expect((await call(vigil.app, 'get', `/api/cameras/${id}/stream`, undefined, tokens['xihu-operator'])).status).toBe(503);
  });

  it("lists an integrator's own submissions apart from the rest of their organisation's cameras", async () => {
    const staffCamera = await call(vigil.app, 'post', '/api/cameras', { name: 'Bank atrium (registered by the police)', organisationId: catalog.businessOrgId, regionId: catalog.gridId, profiles: { main: { url: 'rtsp://10.30.0.9/main' } } });
    expect(staffCamera.status).toBe(201);
    const list = async (query: string, who: string) => ((await call(vigil.app, 'get', `/api/cameras?${query}`, undefined, tokens[who])).body as { items: Array<{ name: string }> }).items.map((c) => c.name).sort();
    expect(await list('sort=name', 'bank-integrator')).toContain('Bank atrium (registered by the police)');
    expect(await list('submittedBy=me', 'bank-integrator')).toEqual(['Bank door', 'Bank lobby', 'Bank vault']);
    expect(await list('submittedBy=me', 'city-integrator')).toEqual([]);
    expect((await call(vigil.app, 'get', '/api/cameras?submittedBy=someone-else', undefined, tokens['bank-integrator'])).status).toBe(400);
  });
});
