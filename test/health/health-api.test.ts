import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScaleFarm, type ScaleFarm } from '../../scripts/sim/scale-farm.js';
import { call, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { tokenFor } from '../helpers/tenant-fixture.js';
import { manualClock, startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

/**
 * Flapping, maintenance windows, the time-weighted online rate, scoping and the real scheduler,
 * against the scale farm's RTSP cameras on loopback (DESCRIBE only, no media).
 */
let farm: ScaleFarm;
let vigil: TestVigil;
let catalog: Catalog;
const clock = manualClock('2026-11-27T08:00:00.000Z');
const ids: string[] = [];
let integratorToken = '';
let technicianToken = '';
let operatorToken = '';

const FAST_POLICY = {
  health: {
    enabled: false,
    timeoutMs: 3000,
    failuresToOffline: 1,
    successesToOnline: 1,
    degradedToDegraded: 1,
    flapping: { changes: 3, windowMinutes: 60, settleAfter: 3 },
    mediaIntervalSeconds: { key: 604_800, attention: 604_800, general: 604_800 },
  },
};

async function sweep(): Promise<void> {
  clock.advance(1000);
  vigil.services.monitor.makeAllDue();
  await vigil.services.monitor.sweep();
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const health = async (i: number) => (await call(vigil.app, 'get', `/api/cameras/${ids[i]}/health`)).body as { state: string; reason: string; flapping: boolean };

beforeAll(async () => {
  farm = await startScaleFarm({ count: 4, network: '127.93', auth: 'digest' });
  vigil = await startTestVigil({ clock, config: FAST_POLICY });
  catalog = await seedCatalog(vigil.app);
  for (const [i, camera] of farm.cameras.entries()) {
    const res = await call(vigil.app, 'post', '/api/cameras', {
      name: `Scale ${i}`,
      organisationId: i === 3 ? catalog.businessOrgId : catalog.governmentOrgId,
      regionId: i === 2 ? catalog.otherDistrictId : catalog.gridId,
      tier: i === 0 ? 'key' : 'general',
      profiles: { main: { url: camera.rtspUrl } },
      credentials: { username: farm.username, password: farm.password },
    });
    if (res.status !== 201) throw new Error(res.text);
    ids.push((res.body as { id: string }).id);
  }
  const user = async (username: string, role: string, scope: object) => {
    const password = `pw-${role}-long-enough-secret-9`;
    const res = await call(vigil.app, 'post', '/api/users', { username, role, password, ...scope });
    if (res.status !== 201) throw new Error(res.text);
    return tokenFor(vigil.app, username, password);
  };
  integratorToken = await user('integrator-bank', 'integrator', { organisationIds: [catalog.businessOrgId] });
  technicianToken = await user('technician-city', 'technician', { regionId: catalog.cityId });
  operatorToken = await user('operator-city', 'operator', { regionId: catalog.cityId });
  await vigil.services.monitor.refresh();
}, 60_000);

afterAll(async () => {
  await vigil?.dispose();
  await farm?.stop();
});

describe('health API', () => {
  it('reports a flapping camera as flapping, once', async () => {
    await sweep();
    expect((await health(1)).state).toBe('online');
    for (const fault of ['offline', 'none', 'offline', 'none', 'offline'] as const) {
      farm.setFault(1, fault);
      await sweep();
    }
    const h = await health(1);
    expect(h).toMatchObject({ state: 'degraded', reason: 'flapping', flapping: true });
    const transitions = (await call(vigil.app, 'get', `/api/cameras/${ids[1]}/health`)).body as { transitions: Array<{ to: string; reason: string }> };
    // unknown → online, online → offline, offline → online, then flapping: no more outages counted.
    expect(transitions.transitions.map((t) => `${t.to}:${t.reason}`).reverse()).toEqual(['online:ok', 'offline:unreachable', 'online:ok', 'degraded:flapping']);
    const problems = (await call(vigil.app, 'get', '/api/health/problems')).body as { items: Array<{ cameraId: string; flapping: boolean }> };
    expect(problems.items).toEqual([expect.objectContaining({ cameraId: ids[1], flapping: true })]);
    farm.setFault(1, 'none');
    for (let i = 0; i < 3; i++) await sweep();
    expect(await health(1)).toMatchObject({ state: 'online', flapping: false });
  });

  it('computes the time-weighted online rate over a window from stored transitions', async () => {
    // From here on: camera 2 goes offline for 30 minutes of the next hour.
    clock.advance(3600_000);
    await sweep();
    farm.setFault(2, 'offline');
    await sweep();
    clock.advance(30 * 60_000);
    farm.setFault(2, 'none');
    await sweep();
    clock.advance(30 * 60_000 - 3000);
    const res = await call(vigil.app, 'get', '/api/online-rate?groupBy=region&window=1h');
    expect(res.status).toBe(200);
    const report = res.body as { groups: Array<{ key: string; rate: number; cameras: number; coverage: number }>; total: { rate: number } };
    const history = await Promise.all(ids.map(async (id) => ((await call(vigil.app, 'get', `/api/cameras/${id}/health`)).body as { transitions: unknown }).transitions));
    // Top-level grouping: everything is under the city.
    expect(report.groups.map((g) => g.key)).toEqual([catalog.cityId]);
    expect(report.total.rate, JSON.stringify(history)).toBeGreaterThan(0.86);
    expect(report.total.rate).toBeLessThan(0.89);
    const byDistrict = (await call(vigil.app, 'get', `/api/online-rate?groupBy=region&window=1h&regionId=${catalog.cityId}`)).body as typeof report;
    const other = byDistrict.groups.find((g) => g.key === catalog.otherDistrictId)!;
    expect(other.cameras).toBe(1);
    expect(other.rate).toBeGreaterThan(0.49);
    expect(other.rate).toBeLessThan(0.52);
    expect(byDistrict.groups.find((g) => g.key === catalog.districtId)).toMatchObject({ cameras: 3, rate: 1 });
    const byTier = (await call(vigil.app, 'get', '/api/online-rate?groupBy=tier&window=24h')).body as typeof report;
    expect(byTier.groups.map((g) => g.key).sort()).toEqual(['general', 'key']);
    expect(byTier.groups.find((g) => g.key === 'key')!.rate).toBe(1);
    const bad = await call(vigil.app, 'get', '/api/online-rate?groupBy=camera&window=2h');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const unknownRegion = await call(vigil.app, 'get', '/api/online-rate?groupBy=region&regionId=nope');
    expect(unknownRegion.status).toBe(404);
  });

  it('draws the online rate over time: the same hour as a series of 5-minute buckets', async () => {
    // State left by the test before: camera 2 (the other district) was offline for the first half of the last hour.
    const res = await call(vigil.app, 'get', `/api/online-rate/series?groupBy=region&window=1h&regionId=${catalog.cityId}`);
    expect(res.status).toBe(200);
    const series = res.body as { buckets: string[]; bucketMs: number; groups: Array<{ key: string; rates: Array<number | null> }>; total: { rates: Array<number | null> } };
    expect(series.buckets).toHaveLength(12);
    expect(series.bucketMs).toBe(300_000);
    const other = series.groups.find((g) => g.key === catalog.otherDistrictId)!.rates;
    for (const r of other.slice(0, 6)) expect(r).toBeLessThan(0.01);
    expect(other[6]).toBeGreaterThan(0.98);
    expect(other.slice(7)).toEqual([1, 1, 1, 1, 1]);
    // Four cameras, one down: 75 % while it was down, then 100 %.
    for (const r of series.total.rates.slice(1, 6)) expect(r).toBeCloseTo(0.75, 5);
    expect(series.total.rates.slice(7)).toEqual([1, 1, 1, 1, 1]);
    expect(series.groups.find((g) => g.key === catalog.districtId)!.rates.every((r) => r === 1)).toBe(true);

    const csv = await call(vigil.app, 'get', `/api/online-rate/series?groupBy=region&window=1h&regionId=${catalog.cityId}&format=csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('group_by,key,label,bucket_start,rate_percent');
    expect(lines).toHaveLength(1 + 12 * (series.groups.length + 1));
    expect(lines.filter((l) => l.startsWith(`region,${catalog.otherDistrictId},`)).map((l) => l.split(',')[4]).slice(7)).toEqual(['100.00', '100.00', '100.00', '100.00', '100.00']);
    // An integrator's series holds their own camera only; bad windows are refused.
    const mine = (await call(vigil.app, 'get', '/api/online-rate/series?groupBy=organisation&window=24h', undefined, integratorToken)).body as { groups: Array<{ key: string }> };
    expect(mine.groups.map((g) => g.key)).toEqual([catalog.businessOrgId]);
    expect((await call(vigil.app, 'get', '/api/online-rate/series?window=now')).status).toBe(400);
  });

  it('filters the catalog on health and shows each camera\'s health in the list', async () => {
    farm.setFault(1, 'offline');
    await sweep();
    const offline = (await call(vigil.app, 'get', '/api/cameras?health=offline')).body as { items: Array<{ id: string; health: { state: string; reason: string } | null }>; total: number };
    expect(offline.items.map((c) => c.id)).toEqual([ids[1]]);
    expect(offline.items[0]!.health).toMatchObject({ state: 'offline', reason: 'unreachable' });
    const online = (await call(vigil.app, 'get', '/api/cameras?health=online&sort=name')).body as typeof offline;
    expect(online.items.map((c) => c.id).sort()).toEqual([ids[0], ids[2], ids[3]].sort());
    // Scope still applies: the integrator's one camera is online, so none of theirs is offline.
    expect(((await call(vigil.app, 'get', '/api/cameras?health=offline', undefined, integratorToken)).body as typeof offline).total).toBe(0);
    expect((await call(vigil.app, 'get', '/api/cameras?health=sleeping')).status).toBe(400);
    farm.setFault(1, 'none');
    await sweep();
    expect(((await call(vigil.app, 'get', '/api/cameras?health=offline')).body as typeof offline).total).toBe(0);
  });

  it('maintenance windows take a camera out of the online rate, by technicians only', async () => {
    const now = clock.now().getTime();
    const body = { startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString(), reason: 'replacing the lens' };
    expect((await call(vigil.app, 'post', `/api/cameras/${ids[0]}/maintenance-windows`, body, operatorToken)).status).toBe(403);
    const backwards = await call(vigil.app, 'post', `/api/cameras/${ids[0]}/maintenance-windows`, { ...body, endsAt: body.startsAt, startsAt: body.endsAt }, technicianToken);
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const created = await call(vigil.app, 'post', `/api/cameras/${ids[0]}/maintenance-windows`, body, technicianToken);
    expect(created.status).toBe(201);
    expect(await health(0)).toMatchObject({ state: 'maintenance', reason: 'maintenance' });
    farm.setFault(0, 'offline');
    await sweep();
    expect((await health(0)).state).toBe('maintenance');
    const now1 = (await call(vigil.app, 'get', '/api/online-rate?groupBy=tier')).body as { groups: Array<{ key: string; rate: number | null; counts: { maintenance: number } }> };
    expect(now1.groups.find((g) => g.key === 'key')).toMatchObject({ rate: null, counts: { maintenance: 1 } });

    const windowId = (created.body as { id: string }).id;
    expect((await call(vigil.app, 'delete', `/api/cameras/${ids[0]}/maintenance-windows/${windowId}`, undefined, technicianToken)).status).toBe(204);
    expect(await health(0)).toMatchObject({ state: 'unknown' });
    await sweep();
    expect(await health(0)).toMatchObject({ state: 'offline', reason: 'unreachable' });
    farm.setFault(0, 'none');
    await sweep();
    const audit = (await call(vigil.app, 'get', '/api/audit?action=camera.maintenance.added')).body as { total: number };
    expect(audit.total).toBe(1);
  });

  it('scopes health, problems and the online rate to the caller', async () => {
    farm.setFault(1, 'offline');
    farm.setFault(3, 'wrong-password');
    await sweep();
    expect((await call(vigil.app, 'get', `/api/cameras/${ids[1]}/health`, undefined, integratorToken)).status).toBe(404);
    expect((await call(vigil.app, 'get', `/api/cameras/${ids[3]}/health`, undefined, integratorToken)).body).toMatchObject({ state: 'offline', reason: 'auth_failed' });
    const problems = (await call(vigil.app, 'get', '/api/health/problems', undefined, integratorToken)).body as { items: Array<{ cameraId: string }> };
    expect(problems.items.map((p) => p.cameraId)).toEqual([ids[3]]);
    const rate = (await call(vigil.app, 'get', '/api/online-rate?groupBy=organisation', undefined, integratorToken)).body as { groups: Array<{ key: string }>; total: { cameras: number } };
    expect(rate.groups.map((g) => g.key)).toEqual([catalog.businessOrgId]);
    expect(rate.total.cameras).toBe(1);
    expect((await call(vigil.app, 'post', `/api/cameras/${ids[3]}/health/check`, undefined, integratorToken)).status).toBe(403);
    const check = await call(vigil.app, 'post', `/api/cameras/${ids[3]}/health/check`, undefined, technicianToken);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ check: { verdict: 'down', reason: 'auth_failed' } });
    farm.setFault(1, 'none');
    farm.setFault(3, 'none');
  });

  it('uses new credentials at once: "check now" re-reads the camera first', async () => {
    farm.setFault(2, 'wrong-password');
    await sweep();
    expect(await health(2)).toMatchObject({ state: 'offline', reason: 'auth_failed' });
    // The scale farm's "changed password" is the old one with "-changed".
    const put = await call(vigil.app, 'put', `/api/cameras/${ids[2]}/credentials`, { username: farm.username, password: `${farm.password}-changed` });
    expect(put.status).toBe(204);
    const check = await call(vigil.app, 'post', `/api/cameras/${ids[2]}/health/check`, undefined, technicianToken);
    // DESCRIBE now passes; the media check then finds no video (the scale farm serves none).
    const steps = (check.body as { check: { steps: Array<{ step: string; ok: boolean; reason?: string }> } }).check.steps;
    expect(steps.map((st) => [st.step, st.ok, st.reason ?? null])).toEqual([
      ['tcp', true, null],
      ['rtsp', true, null],
      ['media', false, 'no_video'],
    ]);
    expect((check.body as { health: { state: string } }).health.state).not.toBe('offline');
    await call(vigil.app, 'put', `/api/cameras/${ids[2]}/credentials`, { username: farm.username, password: farm.password });
    farm.setFault(2, 'none');
  });

  it('refuses "check now" on a camera that is not approved', async () => {
    const pending = await call(
      vigil.app,
      'post',
      '/api/cameras',
      { name: 'Pending', regionId: catalog.gridId, profiles: { main: { url: 'rtsp://127.93.0.1:8554/scale/999' } } },
      integratorToken,
    );
    expect(pending.status).toBe(201);
    const res = await call(vigil.app, 'post', `/api/cameras/${(pending.body as { id: string }).id}/health/check`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CAMERA_NOT_MONITORED' } });
    expect((await call(vigil.app, 'get', `/api/cameras/${(pending.body as { id: string }).id}/health`)).body).toMatchObject({ monitored: false, state: 'unknown', reason: 'not_monitored' });
  });
});

describe('the scheduler', () => {
  it('checks cameras by itself on their tier interval (node-cron)', async () => {
    const scheduled = await startTestVigil({ config: { health: { enabled: true, intervalSeconds: { key: 1, attention: 1, general: 1 }, mediaIntervalSeconds: { key: 604_800, attention: 604_800, general: 604_800 } } } });
    try {
      const cat = await seedCatalog(scheduled.app);
      const res = await call(scheduled.app, 'post', '/api/cameras', {
        name: 'Scheduled',
        organisationId: cat.governmentOrgId,
        regionId: cat.gridId,
        profiles: { main: { url: farm.cameras[0]!.rtspUrl } },
        credentials: { username: farm.username, password: farm.password },
      });
      const id = (res.body as { id: string }).id;
      // A new approval joins the checks at the monitor's next look for changed cameras (5 s).
      await eventually(async () => ((await call(scheduled.app, 'get', `/api/cameras/${id}/health`)).body as { state: string }).state === 'online', 12_000);
      const before = ((await call(scheduled.app, 'get', `/api/cameras/${id}/health`)).body as { recent: unknown[] }).recent.length;
      await eventually(async () => ((await call(scheduled.app, 'get', `/api/cameras/${id}/health`)).body as { recent: unknown[] }).recent.length >= before + 2, 8000);
    } finally {
      await scheduled.dispose();
    }
  }, 30_000);
});
