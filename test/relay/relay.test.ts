import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';
import { relayRoot } from '../../gateway/src/relay/relay-root.js';
import { call, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { isAlive, processesMatching, waitUntil } from '../helpers/process-table.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

let farm: Farm;
let vigil: TestVigil;
let catalog: Catalog;
let root: string;
const cameraIds: Record<string, string> = {};

function configFile(yaml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-relay-cfg-'));
  const file = path.join(dir, 'vigil.yaml');
  writeFileSync(file, yaml);
  return file;
}

beforeAll(async () => {
  farm = await startFarm({
    network: '127.90',
    cameras: [
      { name: 'avc', codec: 'h264', auth: 'digest' },
      { name: 'hevc', codec: 'h265', auth: 'basic' },
      { name: 'hang', codec: 'h264', auth: 'digest' },
      { name: 'idle', codec: 'h264', auth: 'digest' },
      { name: 'frozen', codec: 'h264', auth: 'digest' },
    ],
    main: { gop: 15, fps: 15 },
    sub: { gop: 10, fps: 10 },
  });
  vigil = await startTestVigil({ env: { VIGIL_CONFIG: configFile('relay:\n  gopSeconds: 1\n  idleSeconds: 4\n  stallFactor: 4\n  startTimeoutSeconds: 12\n') } });
  root = relayRoot(null, vigil.dataDir);
  catalog = await seedCatalog(vigil.app);
  for (const c of farm.cameras) {
    const res = await call(vigil.app, 'post', '/api/cameras', {
      name: `Relay ${c.name}`,
      organisationId: catalog.governmentOrgId,
      regionId: catalog.gridId,
      profiles: { main: { url: c.rtspUrl, codec: c.codec }, sub: { url: c.subRtspUrl, codec: c.codec } },
      credentials: { username: c.username, password: c.password },
    });
    if (res.status !== 201) throw new Error(res.text);
    cameraIds[c.name] = (res.body as { id: string }).id;
  }
}, 90_000);

afterAll(async () => {
  await vigil?.dispose();
  await farm?.stop();
});

async function streamUrl(camera: string, query = ''): Promise<string> {
  const res = await call(vigil.app, 'get', `/api/cameras/${cameraIds[camera]!}/stream${query}`);
  if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
  return (res.body as { url: string }).url;
}

const get = (url: string) => request(vigil.app).get(url).buffer(true).parse((res, cb) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
});

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  for (let i = 2; i + 9 < jpeg.length; ) {
    if (jpeg[i] !== 0xff) return null;
    const marker = jpeg[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc3) return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  return null;
}

function segmentsOf(playlist: string): string[] {
  return playlist.split('\n').filter((l) => /^seg_\d{6}\.(ts|m4s)$/.test(l.trim()));
}

const relayFfmpegs = () => processesMatching(root).filter((p) => p.cmdline.startsWith('ffmpeg') || p.cmdline.includes('/ffmpeg'));

describe('HLS relay', () => {
  it('answers the first playlist request once it has a segment, and segments advance', async () => {
    const url = await streamUrl('avc');
    const first = await get(url);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toContain('mpegurl');
    const playlist = (first.body as Buffer).toString();
    expect(segmentsOf(playlist).length).toBeGreaterThanOrEqual(1);
    const segment = await get(url.replace('index.m3u8', segmentsOf(playlist)[0]!));
    expect(segment.status).toBe(200);
    expect((segment.body as Buffer)[0]).toBe(0x47); // MPEG-TS sync byte
    // Written as it is: exact length, not cacheable, and no ETag (hashing every segment costs CPU).
    expect(segment.headers).toMatchObject({ 'cache-control': 'no-store', 'content-length': String((segment.body as Buffer).length) });
    expect(segment.headers.etag).toBeUndefined();
    await new Promise((r) => setTimeout(r, 3000));
    const later = (await get(url)).body as Buffer;
    const sequence = (text: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0) + segmentsOf(text).length;
    expect(sequence(later.toString())).toBeGreaterThan(sequence(playlist));
  });

  it('serves 20 concurrent viewers from one ffmpeg', async () => {
    const urls = await Promise.all(Array.from({ length: 20 }, () => streamUrl('avc')));
    expect(new Set(urls).size).toBe(20); // one token (and one audited view) each
    const responses = await Promise.all(urls.map((u) => get(u)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const ffmpegs = relayFfmpegs().filter((p) => p.cmdline.includes(`${cameraIds.avc}_sub`));
    expect(ffmpegs).toHaveLength(1);
    expect(vigil.services.relays.get(`${cameraIds.avc}:sub:copy`)).toBeDefined();
  });

  it('never puts camera credentials on any command line', () => {
    const password = farm.cameras[0]!.password;
    expect(relayFfmpegs().length).toBeGreaterThanOrEqual(1);
    expect(processesMatching(password)).toEqual([]);
    expect(processesMatching(encodeURIComponent(password))).toEqual([]);
  });

  it('resumes after ffmpeg is killed with SIGKILL', async () => {
    const url = await streamUrl('avc');
    // Every listed segment fetched: the relay keeps them in memory for the next viewers.
    const before = segmentsOf(((await get(url)).body as Buffer).toString());
    for (const name of before) expect((await get(url.replace('index.m3u8', name))).status).toBe(200);
    const relay = vigil.services.relays.get(`${cameraIds.avc}:sub:copy`)!;
    const pid = relay.pid!;
    process.kill(pid, 'SIGKILL');
    expect(await waitUntil(() => relay.pid !== undefined && relay.pid !== pid && relay.ready, 15_000)).toBe(true);
    const again = await get(url);
    expect(again.status).toBe(200);
    const after = segmentsOf((again.body as Buffer).toString());
    expect(after.length).toBeGreaterThanOrEqual(1);
    // Segment names start over with the new ffmpeg: what players get is the new file, never a kept old one.
    expect(before).toContain(after[0]);
    const served = (await get(url.replace('index.m3u8', after[0]!))).body as Buffer;
    expect(served.equals(readFileSync(path.join(relay.dir, after[0]!)))).toBe(true);
    const metrics = await call(vigil.app, 'get', '/metrics');
    expect(metrics.text).toMatch(/vigil_relay_restarts_total\{reason="exit"\} [1-9]/);
  });

  it('plays H.265 as fMP4, and transcodes it to H.264 on request', async () => {
    const hevc = await streamUrl('hevc', '?profile=main');
    const playlist = ((await get(hevc)).body as Buffer).toString();
    expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
    const init = await get(hevc.replace('index.m3u8', 'init.mp4'));
    expect(init.status).toBe(200);
    expect((init.body as Buffer).subarray(4, 8).toString()).toBe('ftyp');
    const transcoded = await streamUrl('hevc', '?profile=main&codec=h264');
    const tPlaylist = ((await get(transcoded)).body as Buffer).toString();
    const seg = (await get(transcoded.replace('index.m3u8', segmentsOf(tPlaylist)[0]!))).body as Buffer;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-seg-')), 'seg.ts');
    writeFileSync(file, seg);
    const codecs = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
    expect(codecs.length).toBeGreaterThanOrEqual(1);
    expect(new Set(codecs)).toEqual(new Set(['h264']));
  });

  it('requires a valid token bound to its camera', async () => {
    const url = await streamUrl('avc');
    const token = url.split('/')[2]!;
    expect((await get('/streams/not-a-token/index.m3u8')).status).toBe(403);
    const [body, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, c: cameraIds.hevc })).toString('base64url')}.${sig!}`;
    const res = await get(`/streams/${forged}/index.m3u8`);
    expect(res.status).toBe(403);
    const expired = `${Buffer.from(JSON.stringify({ ...claims, e: 1 })).toString('base64url')}.${sig!}`;
    expect((await get(`/streams/${expired}/index.m3u8`)).status).toBe(403);
    // Without sign-in the stream address cannot even be asked for.
    expect((await call(vigil.app, 'get', `/api/cameras/${cameraIds.avc}/stream`, undefined, null)).status).toBe(401);
    // The request log (debug level here, so every stream request is in it) masks tokens, good and forged.
    expect((await get(url)).status).toBe(200);
    const log = vigil.logs.join('');
    for (const secret of [sig!, forged, expired]) expect(log).not.toContain(secret);
    expect(log).toContain('"path":"/streams/[REDACTED]/index.m3u8","status":200');
    expect(log).toContain('"path":"/streams/[REDACTED]/index.m3u8","status":403');
  });

  it('rejects at least 100 path-traversal payloads', async () => {
    const url = await streamUrl('avc');
    const base = url.replace('/index.m3u8', '');
    const names = ['../../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..\\..\\windows\\win.ini', 'index.m3u8%00.ts', 'seg_000001.ts/../../x', '.', '..', '%2e', '%2e%2e', 'seg_1.ts', 'seg_0000001.ts', 'SEG_000001.TS', 'index.M3U8', 'seg_000001.ts.bak', 'init.mp4.', 'seg_00000a.ts', '/etc/passwd', '%2fetc%2fpasswd', '....//....//etc/passwd'];
    const payloads: string[] = [];
    for (const n of names) for (const prefix of ['', './', '%2e/', 'x/../', '..%252f']) payloads.push(prefix + n);
    expect(payloads.length).toBeGreaterThanOrEqual(100);
    let served = 0;
    for (const p of payloads) {
      const res = await get(`${base}/${p}`);
      if (res.status === 200) served += 1;
      expect(String((res.body as Buffer).toString())).not.toContain('root:x:0:0');
    }
    expect(served).toBe(0);
  });

  it('tells the viewer at once when the camera cannot be reached or refuses the credentials, and keeps retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const avc = farm.cameras.find((c) => c.name === 'avc')!;
    const cases = [
      { name: 'Relay unreachable', url: `rtsp://127.0.0.1:${port}/stream`, password: avc.password, message: 'the camera cannot be reached' },
      // A query of its own: the catalog refuses a second camera on the same address.
      { name: 'Relay wrong password', url: `${avc.subRtspUrl}?refused=1`, password: `${avc.password}-wrong`, message: 'the camera refused the credentials' },
    ];
    for (const c of cases) {
      const created = await call(vigil.app, 'post', '/api/cameras', {
        name: c.name,
        organisationId: catalog.governmentOrgId,
        regionId: catalog.gridId,
        profiles: { main: { url: c.url, codec: 'h264' } },
        credentials: { username: avc.username, password: c.password },
      });
      if (created.status !== 201) throw new Error(created.text);
      const id = (created.body as { id: string }).id;
      const res = await call(vigil.app, 'get', `/api/cameras/${id}/stream?profile=main`);
      const playlist = await get((res.body as { url: string }).url);
      // Not the start timeout's "did not start streaming in time": the camera's answer, said plainly.
      const body = JSON.parse((playlist.body as Buffer).toString()) as { error: unknown };
      expect([playlist.status, body.error]).toEqual([503, { code: 'STREAM_UNAVAILABLE', message: c.message }]);
      // A viewer who asks again while the relay waits to retry is told the same at once: no new
      // ffmpeg ran for it (the first retry is at least 350 ms off) and it did not wait for one.
      const exits = () => vigil.logs.join('').split('\n').filter((l) => l.includes('relay ffmpeg exited') && l.includes(`${id}:main:copy`)).length;
      const exitsBefore = exits();
      const again = await get((res.body as { url: string }).url);
      expect([again.status, (JSON.parse((again.body as Buffer).toString()) as { error: unknown }).error]).toEqual([503, { code: 'STREAM_UNAVAILABLE', message: c.message }]);
      expect(exits()).toBe(exitsBefore);
      // The relay stays, restarting with backoff, in case the camera comes back.
      expect(vigil.services.relays.get(`${id}:main:copy`)).toBeDefined();
      await vigil.services.relays.close(`${id}:main:copy`);
    }
  });

  it('restarts a hung camera with backoff, never in a tight loop', async () => {
    await farm.setFault('hang', 'hang');
    const url = await streamUrl('hang');
    const res = await get(url);
    expect(res.status).toBe(503);
    const key = `${cameraIds.hang}:sub:copy`;
    const relay = vigil.services.relays.get(key)!;
    const pids = new Set<number>();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (relay.pid) pids.add(relay.pid);
      await get(url.replace('index.m3u8', 'seg_000001.ts')); // a quick request that keeps it from going idle
      await new Promise((r) => setTimeout(r, 500));
    }
    // ffmpeg gives up after its 5 s socket timeout; backoff spaces the retries: a handful, not hundreds.
    expect(pids.size).toBeGreaterThanOrEqual(2);
    expect(pids.size).toBeLessThanOrEqual(6);
    await farm.setFault('hang', 'none');
  }, 60_000);

  it('keeps relaying a frozen camera without restarting it', async () => {
    await farm.setFault('frozen', 'frozen');
    const url = await streamUrl('frozen');
    expect((await get(url)).status).toBe(200);
    const relay = vigil.services.relays.get(`${cameraIds.frozen}:sub:copy`)!;
    const pid = relay.pid;
    await new Promise((r) => setTimeout(r, 3000));
    await get(url);
    expect(relay.pid).toBe(pid);
    await farm.setFault('frozen', 'none');
  });

  it('stops an idle relay and removes its folder', async () => {
    const url = await streamUrl('idle');
    await get(url);
    const relay = vigil.services.relays.get(`${cameraIds.idle}:sub:copy`)!;
    const pid = relay.pid!;
    expect(existsSync(relay.dir)).toBe(true);
    expect(await waitUntil(() => vigil.services.relays.get(`${cameraIds.idle}:sub:copy`) === undefined, 12_000)).toBe(true);
    expect(await waitUntil(() => !isAlive(pid), 5000)).toBe(true);
    expect(existsSync(relay.dir)).toBe(false);
  });

  it('prewarms relays for a list of cameras', async () => {
    const res = await call(vigil.app, 'post', '/api/streams/prewarm', { cameraIds: [cameraIds.avc, cameraIds.frozen], profile: 'main' });
    expect(res.body).toMatchObject({ started: [cameraIds.avc, cameraIds.frozen], failed: [] });
    expect(vigil.services.relays.get(`${cameraIds.frozen}:main:copy`)).toBeDefined();
  });

  it('takes a still picture through the credential proxy (H.264 and H.265), recorded as a view', async () => {
    const views = async (id: string) => ((await call(vigil.app, 'get', `/api/audit?action=view.ended&objectId=${id}`)).body as { total: number }).total;
    for (const camera of ['avc', 'hevc']) {
      const before = await views(cameraIds[camera]!);
      const res = await request(vigil.app).get(`/api/cameras/${cameraIds[camera]!}/snapshot`).set('authorization', `Bearer ${vigil.adminToken}`).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(res.status, camera).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(jpegSize(res.body as Buffer), camera).toEqual({ width: 640, height: 360 });
      // Seen is seen: the snapshot is a view that started and ended.
      expect(await views(cameraIds[camera]!)).toBe(before + 1);
    }
  });

  it('audits each view, starting and ending it', async () => {
    const trail = await call(vigil.app, 'get', `/api/audit?action=view.started&objectId=${cameraIds.avc}`);
    expect((trail.body as { total: number }).total).toBeGreaterThanOrEqual(20);
  });
});

describe('relay processes', () => {
  it('leaves no ffmpeg and no folder after shutdown, and reaps orphans at boot', async () => {
    const extra = await startTestVigil();
    const extraRoot = relayRoot(null, extra.dataDir);
    await extra.close();
    // A clean stop leaves no relay root behind.
    expect(existsSync(extraRoot)).toBe(false);
    // An orphan as a hard-killed run would leave it: a process naming the relay root, and its pid file.
    mkdirSync(path.join(extraRoot, 'stale_sub'), { recursive: true });
    const orphan = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300_000)', extraRoot], { stdio: 'ignore' });
    await waitUntil(() => processesMatching(extraRoot).some((p) => p.pid === orphan.pid), 5000);
    expect(isAlive(orphan.pid!)).toBe(true);
    writeFileSync(path.join(extraRoot, 'stale.pid'), String(orphan.pid));
    const { createVigil } = await import('../../gateway/src/composition.js');
    const { loadConfig } = await import('../../gateway/src/config/config.loader.js');
    const reborn = await createVigil({ config: loadConfig({ env: { VIGIL_DATA_DIR: extra.dataDir, VIGIL_ADMIN_PASSWORD: 'reborn-password-long' }, cwd: process.cwd() }), logger: extra.logger, redactor: new (await import('../../gateway/src/logging/secret-redactor.js')).SecretRedactor(), print: () => undefined });
    try {
      expect(await waitUntil(() => !isAlive(orphan.pid!), 5000)).toBe(true);
      expect(existsSync(path.join(extraRoot, 'stale_sub'))).toBe(false);
    } finally {
      await reborn.close();
    }

    const pids = vigil.services.relays.pids();
    expect(pids.length).toBeGreaterThanOrEqual(1);
    await vigil.services.relays.stop();
    expect(await waitUntil(() => pids.every((p) => !isAlive(p)), 5000)).toBe(true);
    expect(relayFfmpegs()).toEqual([]);
    expect(existsSync(relayRoot(null, vigil.dataDir))).toBe(false);
  });
});
