import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';
import type { Fault } from '../../scripts/sim/farm.types.js';
import { call, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { manualClock, startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

/**
 * The health engine against real simulated cameras: each fault switch gives the right state and
 * reason within the expected number of sweeps (policy: 3 failures → offline, 2 degraded → degraded,
 * 2 successes → online), and recovery brings the camera back. Sweeps are driven by hand; the
 * scheduler itself is tested apart.
 */
const FAULTY = ['offline', 'hang', 'wrong-password', 'frozen', 'black', 'no-video'] as const;
const EXPECTED: Record<(typeof FAULTY)[number], { state: string; reason: string; sweeps: number }> = {
  offline: { state: 'offline', reason: 'refused', sweeps: 3 },
  hang: { state: 'offline', reason: 'timeout', sweeps: 3 },
  'wrong-password': { state: 'offline', reason: 'auth_failed', sweeps: 3 },
  frozen: { state: 'degraded', reason: 'frozen', sweeps: 2 },
  black: { state: 'degraded', reason: 'black', sweeps: 2 },
  'no-video': { state: 'degraded', reason: 'no_video', sweeps: 2 },
};

let farm: Farm;
let vigil: TestVigil;
let catalog: Catalog;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-health-'));
const clock = manualClock('2026-11-27T08:00:00.000Z');
const ids: Record<string, string> = {};
const HEALTH_CONFIG = {
  health: {
    enabled: false,
    timeoutMs: 1500,
    mediaIntervalSeconds: { key: 0, attention: 0, general: 0 },
    mediaConcurrency: 8,
    ticketAfterMinutes: { key: 10, attention: 60, general: 240 },
  },
};

async function start(): Promise<TestVigil> {
  return startTestVigil({ clock, env: { VIGIL_DATA_DIR: dataDir }, config: HEALTH_CONFIG });
}

async function sweep(times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    clock.advance(1000);
    vigil.services.monitor.makeAllDue(true);
    await vigil.services.monitor.sweep();
  }
}

async function healthOf(name: string) {
  const res = await call(vigil.app, 'get', `/api/cameras/${ids[name]}/health`);
  expect(res.status).toBe(200);
  return res.body as { state: string; reason: string; since: string; flapping: boolean; recent: unknown[]; transitions: Array<{ to: string; reason: string }>; clockSkewMs: number | null; codec: string | null };
}

async function setFaults(faults: Partial<Record<string, Fault>>): Promise<void> {
  for (const [name, fault] of Object.entries(faults)) await farm.setFault(name, fault!);
}

beforeAll(async () => {
  farm = await startFarm({
    network: '127.92',
    cameras: [...FAULTY.map((name) => ({ name, auth: 'digest' as const, onvif: true })), { name: 'steady', auth: 'digest' as const, onvif: true }, { name: 'blip', auth: 'basic' as const }],
    main: { width: 640, height: 360, fps: 10, gop: 10, bitrateKbps: 400 },
    sub: { width: 320, height: 180, fps: 10, gop: 10, bitrateKbps: 150 },
  });
  vigil = await start();
  catalog = await seedCatalog(vigil.app);
  for (const c of farm.cameras) {
    const res = await call(vigil.app, 'post', '/api/cameras', {
      name: `Health ${c.name}`,
      organisationId: c.name === 'steady' ? catalog.businessOrgId : catalog.governmentOrgId,
      regionId: catalog.gridId,
      tier: c.name === 'offline' ? 'key' : 'general',
      onvifAddress: c.onvifUrl,
      profiles: { main: { url: c.rtspUrl, codec: c.codec }, sub: { url: c.subRtspUrl, codec: c.codec } },
      credentials: { username: c.username, password: c.password },
    });
    if (res.status !== 201) throw new Error(res.text);
    ids[c.name] = (res.body as { id: string }).id;
  }
  await vigil.services.monitor.refresh();
}, 120_000);

afterAll(async () => {
  await vigil?.close();
  await farm?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('health checks against simulated cameras', () => {
  it('starts unknown and goes online on the first check, with codec and ONVIF clock skew', async () => {
    expect((await healthOf('steady')).state).toBe('unknown');
    await sweep();
    for (const name of Object.keys(ids)) expect((await healthOf(name)).state, name).toBe('online');
    const steady = await healthOf('steady');
    expect(steady.codec).toBe('h264');
    expect(typeof steady.clockSkewMs).toBe('number');
    expect(Math.abs(steady.clockSkewMs!)).toBeLessThan(5000);
  }, 60_000);

  it('one failed probe does not flip a camera (hysteresis)', async () => {
    await setFaults({ blip: 'offline' });
    await sweep();
    expect((await healthOf('blip')).state).toBe('online');
    await setFaults({ blip: 'none' });
    await sweep();
    expect((await healthOf('blip')).state).toBe('online');
  }, 60_000);

  it('each fault switch gives its state and reason after the expected number of sweeps, not before', async () => {
    await setFaults(Object.fromEntries(FAULTY.map((f) => [f, f])));
    for (let n = 1; n <= 3; n++) {
      await sweep();
      for (const fault of FAULTY) {
        const health = await healthOf(fault);
        const expected = EXPECTED[fault];
        if (n < expected.sweeps) expect(health.state, `${fault} after ${n} sweeps`).toBe('online');
        else expect({ fault, state: health.state, reason: health.reason }).toEqual({ fault, state: expected.state, reason: expected.reason });
      }
    }
    expect((await healthOf('steady')).state).toBe('online');
  }, 120_000);

  it('lists the offline and degraded cameras with reasons and ages, and "check now" runs the ladder', async () => {
    clock.advance(60_000);
    const res = await call(vigil.app, 'get', '/api/health/problems');
    expect(res.status).toBe(200);
    const items = (res.body as { items: Array<{ cameraId: string; state: string; reason: string; ageSeconds: number }> }).items;
    expect(items.map((i) => i.cameraId).sort()).toEqual(FAULTY.map((f) => ids[f]).sort());
    expect(items.every((i) => i.ageSeconds >= 60)).toBe(true);
    const degraded = await call(vigil.app, 'get', '/api/health/problems?state=degraded');
    expect((degraded.body as { total: number }).total).toBe(3);

    const check = await call(vigil.app, 'post', `/api/cameras/${ids.black}/health/check`);
    expect(check.status).toBe(200);
    const body = check.body as { check: { verdict: string; reason: string; steps: Array<{ step: string }> }; health: { state: string } };
    expect(body.check).toMatchObject({ verdict: 'degraded', reason: 'black' });
    expect(body.check.steps.map((s) => s.step)).toEqual(['tcp', 'rtsp', 'onvif', 'media']);
  }, 60_000);

  it('opens a repair ticket after the tier threshold and closes it on recovery', async () => {
    // "offline" is a key camera: 10 minutes.
    expect((await call(vigil.app, 'get', '/api/tickets?state=open')).body).toMatchObject({ total: 0 });
    clock.advance(10 * 60_000);
    await sweep();
    const open = await call(vigil.app, 'get', '/api/tickets?state=open');
    const tickets = (open.body as { items: Array<{ cameraId: string; reason: string; organisationId: string }> }).items;
    expect(tickets.map((t) => t.cameraId)).toEqual([ids.offline]);
    expect(tickets[0]).toMatchObject({ reason: 'refused', organisationId: catalog.governmentOrgId });
    expect((await call(vigil.app, 'get', `/api/cameras/${ids.offline}/health`)).body).toMatchObject({ openTicketId: expect.any(String) });

    await setFaults(Object.fromEntries(FAULTY.map((f) => [f, 'none'])));
    await sweep();
    expect((await healthOf('offline')).state).toBe('offline');
    await sweep();
    for (const fault of FAULTY) expect((await healthOf(fault)).state, fault).toBe('online');
    expect((await call(vigil.app, 'get', '/api/tickets?state=open')).body).toMatchObject({ total: 0 });
    const stats = await call(vigil.app, 'get', '/api/tickets/stats?groupBy=organisation');
    const group = (stats.body as { groups: Array<{ key: string; closed: number; open: number; meanSeconds: number }> }).groups.find((g) => g.key === catalog.governmentOrgId);
    expect(group).toMatchObject({ closed: 1, open: 0 });
    expect(group!.meanSeconds).toBeGreaterThanOrEqual(600);
  }, 120_000);

  it('reports the online rate now, by owner type, as JSON and CSV', async () => {
    await setFaults({ offline: 'offline' });
    await sweep(3);
    const res = await call(vigil.app, 'get', '/api/online-rate?groupBy=ownerType&window=now');
    expect(res.status).toBe(200);
    const report = res.body as { groups: Array<{ key: string; cameras: number; rate: number; counts: { online: number; offline: number } }>; total: { rate: number; cameras: number } };
    const government = report.groups.find((g) => g.key === 'government')!;
    expect(government).toMatchObject({ cameras: 7, counts: { online: 6, offline: 1 } });
    expect(government.rate).toBeCloseTo(6 / 7, 6);
    expect(report.groups.find((g) => g.key === 'business')).toMatchObject({ cameras: 1, rate: 1 });
    expect(report.total.rate).toBeCloseTo(7 / 8, 6);

    const csv = await call(vigil.app, 'get', '/api/online-rate?groupBy=ownerType&window=now&format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('group_by,key,label,window,cameras,online,degraded,offline,unknown,maintenance,rate_percent,coverage_percent,online_hours,counted_hours');
    expect(lines).toContain('ownerType,government,government,now,7,6,0,1,0,0,85.71,,,');
    expect(lines.at(-1)).toMatch(/^ownerType,total,All cameras,now,8,7,0,1,0,0,87.50,/);
    await setFaults({ offline: 'none' });
  }, 60_000);

  it('publishes health metrics without per-camera labels', async () => {
    const res = await call(vigil.app, 'get', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/vigil_camera_health\{state="offline",tier="key",owner_type="government"\} 1/);
    expect(res.text).toMatch(/vigil_online_rate\{owner_type="business"\} 1/);
    expect(res.text).toMatch(/vigil_probes_total\{step="media",result="frozen"\} \d+/);
    expect(res.text).toMatch(/vigil_probe_duration_seconds_bucket\{le="[\d.]+",step="rtsp"\}/);
    for (const id of Object.values(ids)) expect(res.text).not.toContain(id);
  });

  it('after a restart every camera is unknown until probed, and the restart is stored', async () => {
    await vigil.close();
    vigil = await start();
    const health = await healthOf('steady');
    expect(health).toMatchObject({ state: 'unknown', reason: 'restart' });
    expect(health.transitions[0]).toMatchObject({ to: 'unknown', reason: 'restart' });
    await sweep();
    expect((await healthOf('steady')).state).toBe('online');
  }, 60_000);
});
