import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/catalog-fixture.js';
import { seedTenants, type Tenants } from '../helpers/tenant-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

/**
 * Patrol plans over the HTTP API: validation that loses nothing, shared plans, pages scoped to
 * the caller, offline cameras skipped, and who may do what.
 */
let vigil: TestVigil;
let t: Tenants;
const extra: Record<string, string> = {};

const plan = (over: Record<string, unknown> = {}) => ({ name: 'District patrol', layout: 4, dwellSeconds: 20, weights: { key: 6, attention: 3, general: 1 }, ...over });

async function camera(name: string, org: string, grid: string, tier: string, url: string): Promise<string> {
  const res = await call(vigil.app, 'post', '/api/cameras', { name, organisationId: org, regionId: grid, tier, profiles: { main: { url } } });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

beforeAll(async () => {
  vigil = await startTestVigil();
  t = await seedTenants(vigil.app);
  for (let i = 0; i < 3; i++) extra[`a-key-${i}`] = await camera(`A key ${i}`, t.orgA, t.gridA, 'key', `rtsp://10.77.1.${i}/main`);
  // Nothing listens on 127.0.0.1:9: this camera is refused, and goes offline after three checks.
  extra.dead = await camera('A dead', t.orgA, t.gridA, 'key', 'rtsp://127.0.0.1:9/main');
  extra['b-general'] = await camera('B general', t.orgB, t.gridB, 'general', 'rtsp://10.77.2.1/main');
});

afterAll(async () => {
  await vigil?.dispose();
});

describe('patrol plans API', () => {
  it('saves, lists, changes and deletes shared plans; bad input is refused with a code and stores nothing', async () => {
    const created = await call(vigil.app, 'post', '/api/patrol-plans', plan(), t.tokensA.operator);
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect(created.body).toMatchObject({ name: 'District patrol', layout: 4, tiers: ['key', 'attention', 'general'], regionIds: [], organisationIds: [] });

    const refusals: Array<[Record<string, unknown>, number, string]> = [
      [plan({ name: 'district PATROL' }), 409, 'DUPLICATE_PATROL_PLAN'],
      [plan({ name: 'x', layout: 6 }), 400, 'VALIDATION_FAILED'],
      [plan({ name: 'x', dwellSeconds: 2 }), 400, 'VALIDATION_FAILED'],
      [plan({ name: 'x', weights: { key: 0, attention: 0, general: 0 } }), 400, 'VALIDATION_FAILED'],
      [plan({ name: 'x', weights: { key: 1, attention: 1 } }), 400, 'VALIDATION_FAILED'],
      [plan({ name: 'x', regionIds: ['no-such-region'] }), 404, 'REGION_NOT_FOUND'],
      [plan({ name: 'x', organisationIds: ['no-such-org'] }), 404, 'ORGANISATION_NOT_FOUND'],
    ];
    for (const [body, status, code] of refusals) {
      const res = await call(vigil.app, 'post', '/api/patrol-plans', body, t.tokensA.operator);
      expect([res.status, (res.body as { error: { code: string } }).error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    // A failed update leaves the plan as it was.
    expect((await call(vigil.app, 'put', `/api/patrol-plans/${id}`, plan({ layout: 7 }), t.tokensA.operator)).status).toBe(400);
    const list = (await call(vigil.app, 'get', '/api/patrol-plans', undefined, t.tokensB.operator)).body as { items: Array<{ id: string; layout: number }>; total: number };
    // Shared: the other district's operator sees it too.
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id, layout: 4 });

    const updated = await call(vigil.app, 'put', `/api/patrol-plans/${id}`, plan({ layout: 9, regionIds: [t.districtA] }), t.tokensB.operator);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ layout: 9, regionIds: [t.districtA] });
    expect((await call(vigil.app, 'delete', `/api/patrol-plans/${id}`, undefined, t.tokensA.operator)).status).toBe(204);
    expect((await call(vigil.app, 'get', `/api/patrol-plans/${id}`, undefined, t.tokensA.operator)).status).toBe(404);
    const audit = (await call(vigil.app, 'get', '/api/audit?objectType=patrol-plan&limit=10')).body as { items: Array<{ action: string; actor: string }> };
    expect(audit.items.map((e) => e.action).sort()).toEqual(['patrol-plan.created', 'patrol-plan.deleted', 'patrol-plan.updated']);
  });

  it('gives each caller pages of their own cameras only, approved ones, and continues from the cursor', async () => {
    const id = ((await call(vigil.app, 'post', '/api/patrol-plans', plan({ name: 'City wall', layout: 9 }))).body as { id: string }).id;
    const pending = await call(vigil.app, 'post', '/api/cameras', { name: 'A pending', regionId: t.gridA, profiles: { main: { url: 'rtsp://10.77.3.1/main' } } }, t.tokensA.integrator);
    expect(pending.status).toBe(201);
    const next = async (token: string, body: Record<string, unknown> = {}) => {
      const res = await call(vigil.app, 'post', `/api/patrol-plans/${id}/next`, body, token);
      expect(res.status).toBe(200);
      return res.body as { cameras: Array<{ id: string; tier: string; name: string; health: { state: string } }>; cursor: string; eligible: number };
    };
    const a = await next(t.tokensA.operator);
    const inA = [t.cameraA, extra['a-key-0'], extra['a-key-1'], extra['a-key-2'], extra.dead];
    expect(a.cameras.map((c) => c.id).sort()).toEqual([...inA].sort());
    expect(a.eligible).toBe(5);
    expect(a.cameras.map((c) => c.name)).not.toContain('A pending');
    const b = await next(t.tokensB.operator);
    expect(b.cameras.map((c) => c.id).sort()).toEqual([t.cameraB, extra['b-general']].sort());
    // The cursor carries the rotation on: a 1-tile page after a 2-tile one continues the turn.
    const first = await next(t.tokensA.operator, { count: 2 });
    const second = await next(t.tokensA.operator, { count: 2, cursor: first.cursor });
    expect(second.cameras.map((c) => c.id)).not.toEqual(first.cameras.map((c) => c.id));
    const replacement = await next(t.tokensA.operator, { count: 1, cursor: first.cursor, exclude: inA.slice(0, 4) });
    expect(replacement.cameras.map((c) => c.id)).toEqual([extra.dead]);
    const bad = await call(vigil.app, 'post', `/api/patrol-plans/${id}/next`, { cursor: 'not-a-cursor' }, t.tokensA.operator);
    expect([bad.status, (bad.body as { error: { code: string } }).error.code]).toEqual([400, 'INVALID_PATROL_CURSOR']);
  });

  it('skips cameras health has found offline', async () => {
    const id = ((await call(vigil.app, 'post', '/api/patrol-plans', plan({ name: 'Key only', layout: 9, weights: { key: 1, attention: 0, general: 0 } }))).body as { id: string }).id;
    const before = (await call(vigil.app, 'post', `/api/patrol-plans/${id}/next`, {}, t.tokensA.operator)).body as { cameras: Array<{ id: string }>; eligible: number };
    expect(before.cameras.map((c) => c.id)).toContain(extra.dead);
    for (let i = 0; i < 3; i++) await vigil.services.monitor.checkNow(extra.dead!);
    expect(vigil.services.monitor.record(extra.dead!)?.state).toBe('offline');
    const after = (await call(vigil.app, 'post', `/api/patrol-plans/${id}/next`, {}, t.tokensA.operator)).body as { cameras: Array<{ id: string }>; eligible: number };
    expect(after.cameras.map((c) => c.id)).not.toContain(extra.dead);
    expect(after.eligible).toBe(before.eligible - 1);
  });

  it('lets operators and admins keep plans, reviewers watch them, and nobody else', async () => {
    const id = ((await call(vigil.app, 'get', '/api/patrol-plans')).body as { items: Array<{ id: string }> }).items[0]!.id;
    const cases: Array<[string, string, 'get' | 'post', string, unknown, number]> = [
      ['integrator lists', t.tokensA.integrator, 'get', '/api/patrol-plans', undefined, 403],
      ['integrator opens a wall', t.tokensA.integrator, 'post', `/api/patrol-plans/${id}/next`, {}, 403],
      ['technician lists', t.tokensA.technician, 'get', '/api/patrol-plans', undefined, 403],
      ['reviewer opens a wall', t.tokensA.reviewer, 'post', `/api/patrol-plans/${id}/next`, {}, 200],
      ['reviewer saves a plan', t.tokensA.reviewer, 'post', '/api/patrol-plans', plan({ name: 'Reviewer plan' }), 403],
    ];
    for (const [what, token, method, url, body, status] of cases) expect((await call(vigil.app, method, url, body, token)).status, what).toBe(status);
  });
});
