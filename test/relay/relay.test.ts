import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';
import { fragmentTiming } from '../../gateway/src/adapters/ffmpeg/fmp4-boxes.js';
import { relayRoot } from '../../gateway/src/relay/relay-root.js';
import { call, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { isAlive, processesMatching, relayProcesses, waitUntil } from '../helpers/process-table.js';
import { writePidFile } from '../../gateway/src/relay/relay-pid-files.js';
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
  vigil = await startTestVigil({ env: { VIGIL_CONFIG: configFile('relay:\n  gopSeconds: 1\n  idleSeconds: 4\n  stallFactor: 4\n  startTimeoutSeconds: 12\n  keyFrameProbeFromStarts: 2\n') } });
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

const get = (url: string, app = vigil.app) => request(app).get(url).buffer(true).parse((res, cb) => {
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
  return playlist.split('\n').filter((l) => /^seg_\d+\.m4s$/.test(l.trim()));
}

/** The LL-HLS parts a playlist lists, in order, with their segment's media sequence number. */
function partsOf(playlist: string): Array<{ uri: string; msn: number }> {
  return [...playlist.matchAll(/#EXT-X-PART:[^\n]*URI="(part_(\d+)_\d+\.m4s)"/g)].map((m) => ({ uri: m[1]!, msn: Number(m[2]) }));
}

const mediaSequence = (playlist: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? NaN);
const initOf = (playlist: string) => [...playlist.matchAll(/#EXT-X-MAP:URI="(init_\d+\.mp4)"/g)].map((m) => m[1]!).at(-1)!;

/** Video codecs ffprobe finds in an init segment followed by media. */
function probeCodecs(init: Buffer, media: Buffer): string[] {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-seg-')), 'media.mp4');
  writeFileSync(file, Buffer.concat([init, media]));
  return execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
}

/** Frames ffmpeg decodes from an init segment followed by media (0 for undecodable bytes). */
function decodedFrames(init: Buffer, media: Buffer): number {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-seg-')), 'media.mp4');
  writeFileSync(file, Buffer.concat([init, media]));
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(out.trim()) || 0;
}

describe('HLS relay', () => {
  it('answers the first playlist request once it has a part (LL-HLS), and parts and segments advance', async () => {
    const url = await streamUrl('avc');
    const first = await get(url);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toContain('mpegurl');
    const playlist = (first.body as Buffer).toString();
    expect(playlist).toMatch(/#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1\.500/);
    expect(playlist).toMatch(/#EXT-X-PART-INF:PART-TARGET=0\.500/);
    const parts = partsOf(playlist);
    expect(parts.length).toBeGreaterThanOrEqual(1);
    const init = (await get(url.replace('index.m3u8', initOf(playlist)))).body as Buffer;
    expect(init.subarray(4, 8).toString()).toBe('ftyp');
    const part = await get(url.replace('index.m3u8', parts[0]!.uri));
    expect(part.status).toBe(200);
    expect(part.headers['content-type']).toBe('video/mp4');
    expect((part.body as Buffer).subarray(4, 8).toString()).toBe('moof');
    // The first part starts at a key frame: a player decodes it with the init segment alone.
    expect(playlist).toMatch(/#EXT-X-PART:DURATION=[\d.]+,URI="part_\d+_0\.m4s",INDEPENDENT=YES/);
    expect(decodedFrames(init, part.body as Buffer)).toBeGreaterThanOrEqual(1);
    // Written as it is: exact length, not cacheable, and no ETag (hashing every segment costs CPU).
    expect(part.headers).toMatchObject({ 'cache-control': 'no-store', 'content-length': String((part.body as Buffer).length) });
    expect(part.headers.etag).toBeUndefined();
    await new Promise((r) => setTimeout(r, 3000));
    const later = ((await get(url)).body as Buffer).toString();
    expect(mediaSequence(later) + segmentsOf(later).length).toBeGreaterThan(mediaSequence(playlist) + segmentsOf(playlist).length);
    // A whole segment is its parts, in order (players without LL-HLS fetch segments).
    const segment = segmentsOf(later)[0]!;
    const msn = Number(/\d+/.exec(segment)![0]);
    const itsParts = partsOf(later).filter((p) => p.msn === msn);
    expect(itsParts.length).toBeGreaterThanOrEqual(2);
    const joined = Buffer.concat(await Promise.all(itsParts.map(async (p) => (await get(url.replace('index.m3u8', p.uri))).body as Buffer)));
    expect(((await get(url.replace('index.m3u8', segment))).body as Buffer).equals(joined)).toBe(true);
    expect(decodedFrames(init, joined)).toBeGreaterThanOrEqual(10); // 1 s GOP at 10 fps
    // One timeline across segments (ffmpeg's files each start at 0): the next starts where this one ends.
    const next = segmentsOf(later)[1]!;
    const nextBytes = (await get(url.replace('index.m3u8', next))).body as Buffer;
    const duration = Number(new RegExp(`#EXTINF:([\\d.]+),\\n${segment}`).exec(later)![1]);
    const decodeTime = (bytes: Buffer) => fragmentTiming(bytes.subarray(8)).decodeTime!.ticks / 90_000;
    expect(decodeTime(nextBytes) - decodeTime(joined)).toBeCloseTo(duration, 2);
  });

  it('keeps on tmpfs only the files of the segments it serves, one a GOP', async () => {
    const url = await streamUrl('avc');
    // Well past the first segments: they left the playlist, then their grace after it.
    const sequence = async () => mediaSequence(((await get(url)).body as Buffer).toString());
    for (let i = 0; i < 40 && (await sequence()) < 7; i += 1) await new Promise((r) => setTimeout(r, 500));
    expect(await sequence()).toBeGreaterThanOrEqual(7);
    const dir = vigil.services.relays.get(`${cameraIds.avc}:sub:copy`)!.dir;
    const runs = readdirSync(dir);
    expect(runs.every((name) => /^\d+$/.test(name))).toBe(true);
    const files = readdirSync(path.join(dir, runs.at(-1)!)).map((name) => Number(/^(\d+)\.mp4$/.exec(name)![1])).sort((a, b) => a - b);
    // 4 listed segments and the open one, and as many retired ones still served (RFC 8216 §6.2.2).
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files.length).toBeLessThanOrEqual(11);
    expect(files[0]).toBeGreaterThan(0);
  });

  it('holds a blocking playlist request until the part it asks for exists (LL-HLS)', async () => {
    const url = await streamUrl('avc');
    const now = ((await get(url)).body as Buffer).toString();
    const last = partsOf(now).at(-1)!;
    const index = Number(/_(\d+)\.m4s$/.exec(last.uri)![1]);
    const started = Date.now();
    const next = ((await get(`${url}?_HLS_msn=${last.msn}&_HLS_part=${index + 1}`)).body as Buffer).toString();
    const waited = Date.now() - started;
    // The answer lists something newer than what the last playlist ended with: the next part of
    // that segment, or the segment complete and the next begun.
    const newer = partsOf(next).some((p) => p.msn > last.msn || p.uri === `part_${last.msn}_${index + 1}.m4s`) || segmentsOf(next).includes(`seg_${last.msn}.m4s`);
    expect(newer, next).toBe(true);
    expect(waited).toBeLessThan(3000); // held (a part is 0.5 s), not timed out (3 target durations)
    // A part asked for ahead of time (the playlist's preload hint) is answered once it exists.
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(part_\d+_\d+\.m4s)"/.exec(next)?.[1];
    expect(hint).toBeDefined();
    const hinted = await get(url.replace('index.m3u8', hint!));
    // 404 only if a key frame began a new segment instead: then the playlist lists that one.
    expect([200, 404]).toContain(hinted.status);
    if (hinted.status === 200) expect((hinted.body as Buffer).subarray(4, 8).toString()).toBe('moof');
    // _HLS_part alone is not a request a player may make.
    expect((await get(`${url}?_HLS_part=1`)).status).toBe(400);
  });

  it('serves 20 concurrent viewers from one ffmpeg', async () => {
    const urls = await Promise.all(Array.from({ length: 20 }, () => streamUrl('avc')));
    expect(new Set(urls).size).toBe(20); // one token (and one audited view) each
    const responses = await Promise.all(urls.map((u) => get(u)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(relayProcesses(`${cameraIds.avc}:sub:copy`)).toHaveLength(1);
    expect(vigil.services.relays.get(`${cameraIds.avc}:sub:copy`)).toBeDefined();
  });

  it('never puts camera credentials on any command line', () => {
    const password = farm.cameras[0]!.password;
    expect(relayProcesses().length).toBeGreaterThanOrEqual(1);
    expect(processesMatching(password)).toEqual([]);
    expect(processesMatching(encodeURIComponent(password))).toEqual([]);
  });

  it('starts a burst of relays with the cheaper key-frame probe past relay.keyFrameProbeFromStarts, each one playing', async () => {
    const names = ['hevc', 'idle', 'frozen', 'hang'];
    const keys = names.map((n) => `${cameraIds[n]!}:sub:copy`);
    const urls = await Promise.all(names.map((n) => streamUrl(n, '?profile=sub')));
    const responses = await Promise.all(urls.map((u) => get(u)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const probes = keys.map((key) => {
      const [relay] = relayProcesses(key);
      return readFileSync(`/proc/${relay!.pid}/cmdline`, 'utf8').split('\0').includes('-skip_frame') ? 'key-frames' : 'all-frames';
    });
    // The first two start alone enough to probe all frames; the others see two starts in flight.
    expect(new Set(probes)).toEqual(new Set(['all-frames', 'key-frames']));
    for (const [i, res] of responses.entries()) {
      const playlist = (res.body as Buffer).toString();
      const [part] = partsOf(playlist);
      const init = (await get(urls[i]!.replace('index.m3u8', initOf(playlist)))).body as Buffer;
      const media = (await get(urls[i]!.replace('index.m3u8', part!.uri))).body as Buffer;
      expect(decodedFrames(init, media), names[i]).toBeGreaterThan(0);
    }
    for (const key of keys) await vigil.services.relays.close(key);
  });

  it('resumes after ffmpeg is killed with SIGKILL, after a discontinuity', async () => {
    const url = await streamUrl('avc');
    const before = ((await get(url)).body as Buffer).toString();
    const relay = vigil.services.relays.get(`${cameraIds.avc}:sub:copy`)!;
    const runsBefore = readdirSync(relay.dir);
    const pid = relay.pid!;
    process.kill(pid, 'SIGKILL');
    expect(await waitUntil(() => relay.pid !== undefined && relay.pid !== pid && relay.ready, 15_000)).toBe(true);
    // The new run writes into a fresh folder; the old one stays only while the playlist lists it.
    const runsAfter = readdirSync(relay.dir);
    expect(runsAfter.filter((run) => !runsBefore.includes(run))).toHaveLength(1);
    expect(runsAfter.length).toBeLessThanOrEqual(2);
    const again = await get(url);
    expect(again.status).toBe(200);
    const after = (again.body as Buffer).toString();
    // Media sequence numbers go on; the new run follows a discontinuity, with its own init segment.
    expect(after).toContain('#EXT-X-DISCONTINUITY\n');
    expect(initOf(after)).not.toBe(initOf(before));
    const newest = partsOf(after).at(-1)!;
    expect(newest.msn).toBeGreaterThan(Math.max(...partsOf(before).map((p) => p.msn)));
    const init = (await get(url.replace('index.m3u8', initOf(after)))).body as Buffer;
    const firstOfRun = partsOf(after).find((p) => after.indexOf(p.uri) > after.lastIndexOf('#EXT-X-DISCONTINUITY'))!;
    expect(decodedFrames(init, (await get(url.replace('index.m3u8', firstOfRun.uri))).body as Buffer)).toBeGreaterThanOrEqual(1);
    const metrics = await call(vigil.app, 'get', '/metrics');
    expect(metrics.text).toMatch(/vigil_relay_restarts_total\{reason="exit"\} [1-9]/);
  });

  it('plays H.265 as fMP4, and transcodes it to H.264 on request', async () => {
    const hevc = await streamUrl('hevc', '?profile=main');
    const playlist = ((await get(hevc)).body as Buffer).toString();
    const init = await get(hevc.replace('index.m3u8', initOf(playlist)));
    expect(init.status).toBe(200);
    expect((init.body as Buffer).subarray(4, 8).toString()).toBe('ftyp');
    const part = (await get(hevc.replace('index.m3u8', partsOf(playlist)[0]!.uri))).body as Buffer;
    expect(probeCodecs(init.body as Buffer, part)).toEqual(['hevc']);
    expect(decodedFrames(init.body as Buffer, part)).toBeGreaterThanOrEqual(1);
    const transcoded = await streamUrl('hevc', '?profile=main&codec=h264');
    const tPlaylist = ((await get(transcoded)).body as Buffer).toString();
    const tInit = (await get(transcoded.replace('index.m3u8', initOf(tPlaylist)))).body as Buffer;
    const tPart = (await get(transcoded.replace('index.m3u8', partsOf(tPlaylist)[0]!.uri))).body as Buffer;
    expect(probeCodecs(tInit, tPart)).toEqual(['h264']);
    expect(decodedFrames(tInit, tPart)).toBeGreaterThanOrEqual(1);
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
      await get(url.replace('index.m3u8', 'seg_1.m4s')); // a quick request that keeps it from going idle
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

  it('stops an idle relay and removes its pid file and folder', async () => {
    const url = await streamUrl('idle');
    await get(url);
    const relay = vigil.services.relays.get(`${cameraIds.idle}:sub:copy`)!;
    const pid = relay.pid!;
    const pidFile = path.join(root, `${cameraIds.idle}_sub_copy.pid`);
    expect(readFileSync(pidFile, 'utf8')).toMatch(new RegExp(`^${pid} \\d+$`));
    expect(await waitUntil(() => vigil.services.relays.get(`${cameraIds.idle}:sub:copy`) === undefined, 12_000)).toBe(true);
    expect(await waitUntil(() => !isAlive(pid), 5000)).toBe(true);
    // Removed once the relay has seen its ffmpeg exit (a moment after the process is gone), with its folder.
    expect(await waitUntil(() => !existsSync(pidFile), 5000)).toBe(true);
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
  it('leaves no ffmpeg and no relay root after shutdown, and reaps orphans at boot', async () => {
    const extra = await startTestVigil();
    const extraRoot = relayRoot(null, extra.dataDir);
    await extra.close();
    // A clean stop leaves no relay root behind.
    expect(existsSync(extraRoot)).toBe(false);
    // An orphan as a hard-killed run would leave it: a process and its pid file (and a segment
    // folder, as versions before in-memory relays kept).
    mkdirSync(path.join(extraRoot, 'stale_sub'), { recursive: true });
    const orphan = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300_000)'], { stdio: 'ignore' });
    expect(isAlive(orphan.pid!)).toBe(true);
    writePidFile(extraRoot, 'stale:sub:copy', orphan.pid!);
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
    expect(relayProcesses()).toEqual([]);
    expect(existsSync(relayRoot(null, vigil.dataDir))).toBe(false);
  });
});
