import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';
import { hostileProbeReplies } from '../../scripts/sim/onvif/hostile-payloads.js';
import { call, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

/** ONVIF discovery runs against the simulated devices, unicast on loopback. */
let farm: Farm;
let vigil: TestVigil;
let catalog: Catalog;

interface Candidate {
  id: string;
  endpointReference: string;
  address: string;
  status: string;
  reason: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  profiles: Array<{ kind: string; url: string | null; codec: string | null; width: number | null }>;
  snapshotUri: string | null;
  known: { cameraId: string | null; field: string } | null;
}
interface Run {
  state: string;
  progress: { probed: number; total: number; found: number; interrogated: number; rejectedReplies: number };
  candidates: Candidate[];
}

async function runToEnd(body: object): Promise<Run> {
  const started = await call(vigil.app, 'post', '/api/discovery/runs', body);
  expect(started.status, started.text).toBe(201);
  const id = (started.body as { id: string }).id;
  for (let i = 0; i < 100; i++) {
    const res = await call(vigil.app, 'get', `/api/discovery/runs/${id}`);
    const run = res.body as Run;
    if (run.state !== 'running') return { ...run, id } as Run & { id: string };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('discovery run did not finish');
}

beforeAll(async () => {
  farm = await startFarm({ network: '127.94', cameras: 4, onvif: 3, auth: 'digest' });
  vigil = await startTestVigil();
  catalog = await seedCatalog(vigil.app);
}, 120_000);

afterAll(async () => {
  await vigil?.dispose();
  await farm?.stop();
});

describe('ONVIF discovery (unicast on loopback)', () => {
  const credentials = () => ({ username: farm.cameras[0]!.username, password: farm.cameras[0]!.password });

  it('finds every simulated ONVIF device in a CIDR range and nothing else, and interrogates them', async () => {
    const run = await runToEnd({ targets: ['127.94.0.0/28:3702'], timeoutMs: 1000, credentials: credentials() });
    expect(run.state).toBe('done');
    expect(run.progress).toMatchObject({ probed: 14, total: 14, found: 3, interrogated: 3 });
    const onvif = farm.cameras.filter((c) => c.onvifUrl);
    expect(run.candidates.map((c) => c.endpointReference).sort()).toEqual(onvif.map((c) => c.endpointReference).sort());
    for (const device of onvif) {
      const candidate = run.candidates.find((c) => c.endpointReference === device.endpointReference)!;
      expect(candidate).toMatchObject({ status: 'ok', address: device.host, serialNumber: device.serialNumber, known: null });
      expect(candidate.profiles.map((p) => [p.kind, p.url, p.codec])).toEqual([
        ['main', device.rtspUrl, 'h264'],
        ['sub', device.subRtspUrl, 'h264'],
      ]);
      expect(candidate.snapshotUri).toMatch(/^http:\/\/127\.94\./);
    }
    // The run's credentials never come back, nor reach a log line.
    expect(JSON.stringify(run)).not.toContain(credentials().password);
    expect(vigil.logs.join('')).not.toContain(credentials().password);
    vigil.logger.warn({ detail: `device said ${credentials().password}` }, 'a device echoed the password');
    expect(vigil.logs.join('')).not.toContain(credentials().password);
  });

  it('reports a wrong password as auth_failed', async () => {
    const run = await runToEnd({ targets: [farm.cameras[0]!.discovery!], timeoutMs: 500, credentials: { username: 'admin', password: 'not-the-password' } });
    expect(run.candidates).toHaveLength(1);
    expect(run.candidates[0]).toMatchObject({ status: 'failed', reason: 'auth_failed' });
  });

  it('adopts candidates as pending cameras, and a second run marks them known and duplicates nothing', async () => {
    const first = (await runToEnd({ targets: farm.cameras.filter((c) => c.discovery).map((c) => c.discovery!), timeoutMs: 500, credentials: credentials() })) as Run & { id: string };
    const adopt = await call(vigil.app, 'post', `/api/discovery/runs/${first.id}/adopt`, {
      candidates: first.candidates.map((c, i) => ({ candidateId: c.id, organisationId: catalog.governmentOrgId, regionId: catalog.gridId, tier: i === 0 ? 'key' : 'general', address: `Gate ${i}` })),
    });
    expect(adopt.status, adopt.text).toBe(200);
    const results = (adopt.body as { results: Array<{ status: string; cameraId: string }> }).results;
    expect(results.map((r) => r.status)).toEqual(['adopted', 'adopted', 'adopted']);
    const camera = (await call(vigil.app, 'get', `/api/cameras/${results[0]!.cameraId}`)).body as { lifecycle: string; source: string; hasCredentials: boolean; onvifEndpointRef: string };
    expect(camera).toMatchObject({ lifecycle: 'pending', source: 'onvif', hasCredentials: true });
    const count = async () => ((await call(vigil.app, 'get', '/api/cameras?limit=1')).body as { total: number }).total;
    const before = await count();

    const second = (await runToEnd({ targets: ['127.94.0.0/28:3702'], timeoutMs: 500, credentials: credentials() })) as Run & { id: string };
    expect(second.candidates.every((c) => c.known?.field === 'onvifEndpointRef' && results.some((r) => r.cameraId === c.known?.cameraId))).toBe(true);
    const again = await call(vigil.app, 'post', `/api/discovery/runs/${second.id}/adopt`, {
      candidates: second.candidates.map((c) => ({ candidateId: c.id, organisationId: catalog.governmentOrgId, regionId: catalog.gridId })),
    });
    expect((again.body as { results: Array<{ status: string }> }).results.map((r) => r.status)).toEqual(['known', 'known', 'known']);
    expect(await count()).toBe(before);
  });

  it('keeps the 10 honest devices among 100 hostile replies, without touching Object.prototype', async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 1; i <= 10; i++) {
        const host = `127.96.0.${i}`;
        const socket = createSocket('udp4');
        socket.on('message', (msg, rinfo) => {
          const messageId = /MessageID>([^<]+)</.exec(msg.toString())?.[1] ?? '';
          const endpoint = `urn:uuid:00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`;
          const xaddrs = `http://${host}:8000/onvif/device_service`;
          for (const hostile of hostileProbeReplies({ relatesTo: messageId, endpoint, xaddrs })) socket.send(hostile, rinfo.port, rinfo.address);
          const honest =
            '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">' +
            `<s:Header><a:RelatesTo>${messageId}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>${endpoint}</a:Address></a:EndpointReference>` +
            `<d:Types>dn:NetworkVideoTransmitter</d:Types><d:XAddrs>${xaddrs}</d:XAddrs></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>`;
          socket.send(honest, rinfo.port, rinfo.address);
        });
        await new Promise<void>((resolve) => socket.bind(3702, host, resolve));
        sockets.push(socket);
      }
      const run = await runToEnd({ targets: ['127.96.0.0/28:3702'], timeoutMs: 800, credentials: null });
      expect(run.candidates.map((c) => c.address).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `127.96.0.${i + 1}`).sort());
      expect(run.progress.rejectedReplies).toBeGreaterThanOrEqual(100);
      // Nobody answers SOAP there: the devices answered discovery only.
      expect(run.candidates.every((c) => c.status === 'failed' && ['refused', 'timeout', 'unreachable'].includes(c.reason!))).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    } finally {
      for (const s of sockets) s.close();
    }
  });

  it('refuses bad targets with a clear error and an oversized range', async () => {
    for (const targets of [['not a target'], ['127.0.0.1:99999'], ['10.0.0.0/8:3702']]) {
      const res = await call(vigil.app, 'post', '/api/discovery/runs', { targets });
      expect(res.status, JSON.stringify(targets)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: { field: 'targets.0' } } });
    }
    expect((await call(vigil.app, 'get', '/api/discovery/runs/nope')).status).toBe(404);
  });
});

describe('vigil discover (CLI)', () => {
  it('runs a discovery on the gateway and prints progress and the devices', async () => {
    const server: Server = await new Promise((resolve) => {
      const s = vigil.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const camera = farm.cameras[0]!;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'gateway/src/cli/vigil.ts', 'discover', '--target', '127.94.0.0/29:3702', '--timeout-ms', '500', '--username', camera.username],
        {
          cwd: path.resolve(import.meta.dirname, '../..'),
          env: { ...process.env, VIGIL_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, VIGIL_TOKEN: vigil.adminToken, VIGIL_CAMERA_PASSWORD: camera.password },
        },
      );
      expect(stdout).toMatch(/probed 6\/6, found 3, interrogated 3/);
      expect(stdout).toMatch(/run done; 3 device\(s\):/);
      for (const c of farm.cameras.filter((x) => x.onvifUrl)) expect(stdout).toContain(`main: ${c.rtspUrl}`);
      expect(stdout).not.toContain(camera.password);
    } finally {
      server.close();
    }
  }, 60_000);
});

describe('manual RTSP registration: probe first', () => {
  it('tells reachable, login accepted and codec before anything is stored', async () => {
    const camera = farm.cameras[3]!;
    const good = await call(vigil.app, 'post', '/api/cameras/probe', { url: camera.rtspUrl, credentials: { username: camera.username, password: camera.password } });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ ok: true, reachable: true, authOk: true, codec: 'h264' });
    const wrong = await call(vigil.app, 'post', '/api/cameras/probe', { url: camera.rtspUrl, credentials: { username: camera.username, password: 'wrong-password' } });
    expect(wrong.body).toMatchObject({ ok: false, reachable: true, authOk: false, reason: 'auth_failed' });
    const nobody = await call(vigil.app, 'post', '/api/cameras/probe', { url: 'rtsp://127.94.0.200:8554/main' });
    expect(nobody.body).toMatchObject({ ok: false, reachable: false, reason: 'refused' });
    const bad = await call(vigil.app, 'post', '/api/cameras/probe', { url: 'rtsp://admin:pw@127.94.0.1/main' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'INVALID_STREAM_URL' } });
  });
});
