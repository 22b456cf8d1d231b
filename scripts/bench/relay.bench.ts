/**
 * HLS relay benchmark: Vigil's relays side by side with bare ffmpeg per camera, in the same run,
 * against simulated 1080p ~3 Mbps cameras with a 2 s GOP on loopback. Writes its figures into
 * docs/BENCHMARKS.md (section "HLS relay").
 *
 *   node --import tsx scripts/bench/relay.bench.ts [--cameras 20] [--seconds 60]
 *
 * Every load loop here is bounded in count and time and stops by itself.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFarm, type Farm } from '../sim/farm.js';
import type { ViewersResult } from './hls-viewers.process.js';
import { cpuModel, cpuSeconds, cpuSecondsWithReapedChildren, machineTicks, percentile } from './proc-stats.js';
import { writeSection } from './report.js';
import { api, startGateway, stopGateway, type Gateway } from './gateway-process.js';
import { measure, openStream, relayPids, watchEachOnce } from './relay-kit.js';
import { relayRoot } from '../../gateway/src/relay/relay-root.js';

const { values } = parseArgs({ options: { cameras: { type: 'string', default: '20' }, seconds: { type: 'string', default: '60' }, sources: { type: 'string', default: '16' }, only: { type: 'string' } } });
// --only cold|steady|wall|viewers runs one phase and prints it without touching docs/BENCHMARKS.md (for profiling).
const ONLY = values.only;
const STEADY = Number(values.cameras);
const SECONDS = Number(values.seconds);
const WALL = 64;
const COLD_RUNS = 10;
// The simulated cameras' key-frame interval (gop 50 at 25 fps).
const GOP_MS = 2000;
// The wall reuses cameras whose relays went idle after the earlier phases.
const TOTAL = Math.max(WALL, STEADY * 2 + COLD_RUNS * 2);
// Simulated encoders behind the TOTAL camera addresses (see `cameraAddresses`).
const SOURCES = Math.min(TOTAL, Number(values.sources));

/** One camera as Vigil and bare ffmpeg see it: its own address, so its own RTSP session. */
interface CameraAddress {
  readonly name: string;
  readonly rtspUrl: string;
  readonly username: string;
  readonly password: string;
}

/**
 * TOTAL camera addresses over the farm's SOURCES encoders: `/main?fan=N`, which the simulator
 * serves from the encoder of that mount (as a camera ignores a query it does not know), one RTSP
 * session each. 64 encoders of their own took 118 % of a core, 60 % of this machine, while Vigil
 * was measured; neighbours in the list are on different encoders.
 */
function cameraAddresses(farm: Farm): CameraAddress[] {
  return Array.from({ length: TOTAL }, (_, i) => {
    const c = farm.cameras[i % SOURCES]!;
    return { name: `b${String(i).padStart(3, '0')}`, rtspUrl: `${c.rtspUrl}?fan=${Math.floor(i / SOURCES)}`, username: c.username, password: c.password };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes of the files under a folder (its subfolders too), in MiB (0 when it is gone). */
function folderMiB(dir: string): number {
  let bytes = 0;
  try {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      try {
        bytes += statSync(path.join(entry.parentPath, entry.name)).size;
      } catch {
        // deleted meanwhile
      }
    }
  } catch {
    // gone
  }
  return bytes / 2 ** 20;
}

/**
 * Pauses before each cold start, spread over one GOP (one in each tenth of it, at random within,
 * in random order). The simulated encoders started together, so their key frames come at the same
 * moments, and a start made right after the previous one finished (just after a key frame) would
 * always wait almost a whole GOP for the next: the worst case every time, where an operator's
 * click falls anywhere in the GOP.
 */
function gopPhases(): number[] {
  const phases = Array.from({ length: COLD_RUNS }, (_, i) => ((i + Math.random()) / COLD_RUNS) * GOP_MS);
  for (let i = phases.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [phases[i], phases[j]] = [phases[j]!, phases[i]!];
  }
  return phases;
}

/** Bare ffmpeg per camera, default options (what one would write by hand). */
function bareFfmpeg(rtspUrl: string, username: string, password: string, dir: string): ChildProcess {
  mkdirSync(dir, { recursive: true });
  const url = rtspUrl.replace('rtsp://', `rtsp://${username}:${encodeURIComponent(password)}@`);
  return spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url, '-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '6', '-hls_flags', 'delete_segments', path.join(dir, 'index.m3u8')], { stdio: 'ignore' });
}

async function bareColdStart(cam: CameraAddress, dir: string, timeoutMs = 15_000): Promise<number | null> {
  const started = performance.now();
  const child = bareFfmpeg(cam.rtspUrl, cam.username, cam.password, dir);
  try {
    for (let i = 0; i < timeoutMs / 50; i++) {
      await sleep(50);
      try {
        if (/\.ts/.test(readFileSync(path.join(dir, 'index.m3u8'), 'utf8'))) return (performance.now() - started) / 1000;
      } catch {
        // not yet
      }
    }
    return null;
  } finally {
    child.kill('SIGKILL');
  }
}

/** Keeps relays alive the way players do: a playlist request every 2 s, for `seconds`. */
async function keepWatching(g: Gateway, urls: readonly string[], seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    await Promise.all(urls.map((u) => fetch(g.base + u).then((r) => r.arrayBuffer()).catch(() => undefined)));
    await sleep(2000);
  }
}

/** 200 viewers in a load-generator process of their own (hls-viewers.process.ts), with the machine's and gateway's load meanwhile. */
async function runViewers(g: Gateway, farm: Farm, urls: string[], seconds: number, mode: 'segments' | 'parts'): Promise<{ result: ViewersResult; busy: number; gatewayCpu: number; relaysCpu: number; farmCpu: number; viewersCpu: number }> {
  const child = fork(path.join(import.meta.dirname, 'hls-viewers.process.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ticks = machineTicks();
  const gatewayBefore = cpuSeconds(g.child.pid!);
  const cpuOf = (pids: number[]) => new Map(pids.map((p) => [p, cpuSeconds(p)]));
  const relaysBefore = cpuOf(relayPids(g.child.pid!));
  const farmBefore = cpuOf(farm.pids());
  const started = performance.now();
  child.send({ base: g.base, urls, seconds, mode });
  let viewersCpu = 0;
  const result = await new Promise<ViewersResult>((resolve, reject) => {
    child.once('message', (m) => {
      viewersCpu = cpuSeconds(child.pid!);
      resolve(m as ViewersResult);
    });
    child.once('exit', (code) => reject(new Error(`the viewers process exited with ${code}`)));
  });
  const end = machineTicks();
  const elapsed = (performance.now() - started) / 1000;
  const gatewayCpu = ((cpuSeconds(g.child.pid!) - gatewayBefore) / elapsed) * 100;
  // Processes that ran the whole time (a relay restarted meanwhile is left out of the sum).
  const spent = (before: Map<number, number>) => ([...before].reduce((sum, [pid, s]) => sum + Math.max(0, cpuSeconds(pid) - s), 0) / elapsed) * 100;
  return { result, busy: ((end.busy - ticks.busy) / (end.total - ticks.total)) * 100, gatewayCpu, relaysCpu: spent(relaysBefore), farmCpu: spent(farmBefore), viewersCpu: (viewersCpu / elapsed) * 100 };
}

/** `--only viewers`: 50 relays opened, then the 200 viewers, printed, nothing written. */
async function viewersOnly(g: Gateway, farm: Farm, ids: string[]): Promise<void> {
  const opened = await Promise.all(ids.slice(0, 50).map((id) => openStream(g, id, 'main')));
  console.log(`viewers: ${opened.filter((o) => o.seconds !== null).length}/50 relays playing`);
  const urls = await Promise.all(Array.from({ length: 200 }, (_, i) => api<{ url: string }>(g, 'GET', `/api/cameras/${ids[i % 50]!}/stream?profile=main`).then((r) => r.url)));
  for (const mode of ['segments', 'parts'] as const) {
    const { result, busy, gatewayCpu, relaysCpu, farmCpu, viewersCpu } = await runViewers(g, farm, urls, SECONDS, mode);
    const p = result.playlistMs;
    const late = result.partLatenessMs;
    console.log(`viewers (${mode}): ${result.requests} requests, ${result.errors} errors ${JSON.stringify(result.errorKinds)}; playlist p50 ${percentile(p, 50).toFixed(1)} p95 ${percentile(p, 95).toFixed(1)} ms; part lateness p50 ${percentile(late, 50).toFixed(0)} p95 ${percentile(late, 95).toFixed(0)} ms; machine ${busy.toFixed(0)} %; % of a core: gateway ${gatewayCpu.toFixed(0)}, its ffmpegs ${relaysCpu.toFixed(0)}, simulated cameras ${farmCpu.toFixed(0)}, viewers process ${viewersCpu.toFixed(0)}; ${(result.segmentBytes / SECONDS / 2 ** 20).toFixed(1)} MiB/s`);
  }
}

/**
 * CPU the wall's opening takes, and whose: the relays' ffmpegs (those running at the end, and any
 * that ended meanwhile), the gateway's own threads, the simulated cameras. Only the wall's relays
 * run then: the earlier phases' went idle.
 */
function wallCpuMeter(g: Gateway, farm: Farm): () => string {
  const pid = g.child.pid!;
  const farmCpu = () => farm.pids().reduce((sum, p) => sum + cpuSecondsWithReapedChildren(p), 0);
  const [gateway0, reaped0, farm0, ticks0] = [cpuSeconds(pid), cpuSecondsWithReapedChildren(pid) - cpuSeconds(pid), farmCpu(), machineTicks()];
  return () => {
    const ticks = machineTicks();
    const ffmpegs = relayPids(pid).reduce((sum, p) => sum + cpuSeconds(p), 0) + (cpuSecondsWithReapedChildren(pid) - cpuSeconds(pid) - reaped0);
    return `CPU during the opening: ffmpegs ${ffmpegs.toFixed(1)} s (${(ffmpegs / WALL).toFixed(3)} s a relay), gateway ${(cpuSeconds(pid) - gateway0).toFixed(1)} s, simulated cameras ${(farmCpu() - farm0).toFixed(1)} s; machine ${((100 * (ticks.busy - ticks0.busy)) / (ticks.total - ticks0.total)).toFixed(0)} % busy`;
  };
}

/** `--only wall`: the 64-tile wall through Vigil, then 64 bare ffmpegs, printed, nothing written. */
async function wallOnly(g: Gateway, farm: Farm, cams: CameraAddress[], ids: string[], scratch: string): Promise<void> {
  const wallIds = ids.slice(0, WALL);
  const cpu = wallCpuMeter(g, farm);
  const wall = await Promise.all(wallIds.map((id) => openStream(g, id, 'main').catch((err: unknown) => ({ seconds: null, url: '', apiSeconds: null, status: String(err).slice(0, 80) }))));
  const times = wall.flatMap((w) => (w.seconds === null ? [] : [w.seconds]));
  console.log(`wall: ${cpu()}`);
  const metrics = await (await fetch(`${g.base}/metrics`, { headers: { authorization: `Bearer ${g.token}` } })).text();
  console.log(`wall: failures ${JSON.stringify(wall.filter((w) => w.seconds === null).map((w) => w.status))}; ${metrics.split('\n').filter((l) => l.startsWith('vigil_relay_restarts_total') || l.startsWith('vigil_relay_start_seconds_bucket')).join(', ')}`);
  const api = wall.flatMap((w) => (w.apiSeconds === null ? [] : [w.apiSeconds]));
  console.log(`wall: vigil ${times.length}/${WALL} p50 ${percentile(times, 50).toFixed(2)} p95 ${percentile(times, 95).toFixed(2)} s; of which the stream API call p50 ${percentile(api, 50).toFixed(2)} p95 ${percentile(api, 95).toFixed(2)} s`);
  await sleep(35_000);
  const bare = (await Promise.all(wallIds.map((_, i) => bareColdStart(cams[i]!, path.join(scratch, `wall${i}`), 30_000)))).flatMap((x) => (x === null ? [] : [x]));
  console.log(`wall: bare ${bare.length}/${WALL} p50 ${percentile(bare, 50).toFixed(2)} p95 ${percentile(bare, 95).toFixed(2)} s`);
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(`starting ${SOURCES} simulated 1080p cameras for ${TOTAL} camera addresses…`);
  const farm = await startFarm({
    network: '127.95',
    cameras: Array.from({ length: SOURCES }, (_, i) => ({ name: `s${String(i).padStart(3, '0')}`, source: 'clip' as const })),
    main: { width: 1920, height: 1080, fps: 25, gop: 50, bitrateKbps: 3000 },
    sharedClips: true,
    // Only main streams are pushed: the simulator's own load would otherwise swamp a 2-core machine.
    mainOnly: true,
    shareAcrossQueries: true,
  });
  await watchEachOnce(farm);
  const cams = cameraAddresses(farm);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-bare-'));
  const lines: string[] = [];
  let gateway: Gateway | null = null;
  try {
    const g = await startGateway(dataDir);
    gateway = g;
    const city = await api<{ id: string }>(g, 'POST', '/api/regions', { name: 'Bench City', kind: 'city', adminCode: '110100' });
    const org = await api<{ id: string }>(g, 'POST', '/api/organisations', { name: 'Bench Bureau', ownerType: 'government' });
    const ids: string[] = [];
    for (const c of cams) {
      const cam = await api<{ id: string }>(g, 'POST', '/api/cameras', { name: c.name, organisationId: org.id, regionId: city.id, profiles: { main: { url: c.rtspUrl, codec: 'h264' } }, credentials: { username: c.username, password: c.password } });
      ids.push(cam.id);
    }
    await sleep(3000);

    // 1. Cold start of one camera, one at a time.
    let next = 0;
    const vigilCold: Array<number | null> = [];
    const coldApi: number[] = [];
    const bareCold: Array<number | null> = [];
    if (ONLY === 'wall') return void (await wallOnly(g, farm, cams, ids, scratch));
    if (ONLY === 'viewers') return void (await viewersOnly(g, farm, ids));
    if (ONLY === undefined || ONLY === 'cold') {
      for (const pause of gopPhases()) {
        await sleep(pause);
        const opened = await openStream(g, ids[next++]!, 'main');
        vigilCold.push(opened.seconds);
        if (opened.apiSeconds !== null) coldApi.push(opened.apiSeconds);
      }
      for (const [i, pause] of gopPhases().entries()) {
        await sleep(pause);
        bareCold.push(await bareColdStart(cams[next++]!, path.join(scratch, `cold${i}`)));
      }
      if (ONLY === 'cold') return console.log('cold: vigil', vigilCold, 'of which the stream API call', coldApi, 'bare', bareCold);
    } else next = COLD_RUNS * 2;
    const ok = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);

    // 2. Steady state: STEADY relays through Vigil vs STEADY bare ffmpegs, CPU and PSS per camera.
    const steadyIds = ids.slice(next, next + STEADY);
    const urls = (await Promise.all(steadyIds.map((id) => openStream(g, id, 'main')))).map((r) => r.url);
    const watching = keepWatching(g, urls, SECONDS + 15);
    await sleep(10_000);
    const vigilSteady = await measure(() => [g.child.pid!, ...relayPids(g.child.pid!)], SECONDS, g.child.pid);
    // Both keep their fMP4 or TS files on tmpfs: RAM outside their PSS, counted for both to compare alike.
    const vigilFilesMiB = folderMiB(relayRoot(null, dataDir));
    console.log(`steady: vigil ${(vigilSteady.cpuPercent / STEADY).toFixed(2)} %/camera, of which gateway ${(vigilSteady.leadCpuPercent / STEADY).toFixed(2)} %`);
    await watching;
    const bare: ChildProcess[] = [];
    for (let i = 0; i < STEADY; i++) {
      const cam = cams[next + STEADY + i]!;
      bare.push(bareFfmpeg(cam.rtspUrl, cam.username, cam.password, path.join(scratch, `steady${i}`)));
    }
    await sleep(10_000);
    const bareSteady = await measure(() => bare.map((b) => b.pid!).filter(Boolean), SECONDS);
    const bareFilesMiB = Array.from({ length: STEADY }, (_, i) => folderMiB(path.join(scratch, `steady${i}`))).reduce((a, b) => a + b, 0);
    for (const b of bare) b.kill('SIGKILL');
    if (ONLY === 'steady') return console.log(`steady: bare ${(bareSteady.cpuPercent / STEADY).toFixed(2)} %/camera, PSS vigil ${(vigilSteady.pss / STEADY).toFixed(1)} MiB + ${(vigilFilesMiB / STEADY).toFixed(1)} MiB of files, bare ${(bareSteady.pss / STEADY).toFixed(1)} MiB + ${(bareFilesMiB / STEADY).toFixed(1)} MiB of segment files`);
    // Let the steady relays go idle before the wall test.
    await sleep(35_000);

    // 3. A 64-tile wall opening at once.
    const wallIds = ids.slice(0, WALL);
    const wallStart = performance.now();
    const wallCpu = wallCpuMeter(g, farm);
    const wall = await Promise.all(wallIds.map((id) => openStream(g, id, 'main').catch(() => ({ seconds: null, url: '' }))));
    const wallTotal = (performance.now() - wallStart) / 1000;
    const wallCpuSpent = wallCpu();
    const wallTimes = ok(wall.map((w) => w.seconds));
    console.log(`wall: ${wallTimes.length}/${WALL} playable, p95 ${percentile(wallTimes, 95).toFixed(2)} s; ${wallCpuSpent}`);

    // 4. 200 viewers across 50 of those cameras for SECONDS: playlist every second, new segments fetched.
    const viewerUrls = await Promise.all(Array.from({ length: 200 }, (_, i) => api<{ url: string }>(g, 'GET', `/api/cameras/${wallIds[i % 50]!}/stream?profile=main`).then((r) => r.url)));
    const viewers = await runViewers(g, farm, viewerUrls, SECONDS, 'segments');
    const { requests, errors, errorKinds } = viewers.result;
    const latencies = viewers.result.playlistMs;
    const viewersBusy = viewers.busy;
    // The same 200 viewers as LL-HLS players (what a wall tile on a cold relay is).
    const ll = await runViewers(g, farm, viewerUrls, SECONDS, 'parts');

    // 5. Baseline for the wall: 64 bare ffmpegs (default options) started at once on the same
    // cameras, once Vigil's relays have gone idle — what this machine and farm allow anyway.
    await sleep(35_000);
    const bareWallStart = performance.now();
    const bareWall = ok(await Promise.all(wallIds.map((_, i) => bareColdStart(cams[i]!, path.join(scratch, `wall${i}`), 30_000))));
    const bareWallTotal = (performance.now() - bareWallStart) / 1000;

    const row = (name: string, xs: number[], goal: string) => `| ${name} | ${xs.length} | ${percentile(xs, 50).toFixed(2)} s | ${percentile(xs, 95).toFixed(2)} s | ${goal} |`;
    lines.push(
      `Run ${started.toISOString()} on ${os.cpus().length} × ${cpuModel()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ffmpeg 5.1 (Debian).`,
      `Command: \`node --import tsx scripts/bench/relay.bench.ts --cameras ${STEADY} --seconds ${SECONDS} --sources ${SOURCES}\`. Cameras: simulated 1920x1080 25 fps, ~3 Mbit/s H.264, 2 s GOP (clip farm on 127.95.x.y, Digest auth); the farm runs on the same machine. ${TOTAL} camera addresses over ${SOURCES} simulated encoders (\`/main?fan=N\`, served from that mount's encoder; one RTSP session and, through Vigil, one relay per address), so the simulator does not take the machine from what is measured: with an encoder per address it took 60 % of the machine during the viewers phase. Its clip cameras stream whether watched or not, as a real camera's encoder does (a session joins the live stream and waits for the next key frame), and each encoder is watched once before measuring (the simulator's first session after its start replays a stale key frame). The gateway runs as built (\`dist/\`), with health checks off.`,
      '',
      '**Cold start** (request → playable: the playlist answered with its first LL-HLS part, and the init segment and that part fetched), one camera at a time, each after a pause that puts it somewhere else in the cameras\' 2 s GOP (one start in each tenth of it), as an operator\'s click would be:',
      '',
      '| | runs ok | p50 | p95 | goal |',
      '|---|---|---|---|---|',
      row('Vigil (API request → first playable playlist)', ok(vigilCold), 'p50 ≤ 3 s, p95 ≤ 4 s'),
      row('bare ffmpeg, default options (spawn → first segment listed)', ok(bareCold), 'baseline'),
      '',
      `**Steady state**, ${STEADY} cameras each way, ${SECONDS} s measured after 10 s warm-up (main streams, players polling every 2 s):`,
      '',
      '| | CPU per camera (% of one core) | PSS per camera | memory per camera with the segments kept | machine busy |',
      '|---|---|---|---|---|',
      `| Vigil: gateway process + its ffmpegs | ${(vigilSteady.cpuPercent / STEADY).toFixed(2)} % | ${(vigilSteady.pss / STEADY).toFixed(1)} MiB | ${((vigilSteady.pss + vigilFilesMiB) / STEADY).toFixed(1)} MiB (PSS + ${(vigilFilesMiB / STEADY).toFixed(1)} MiB of fMP4 files) | ${vigilSteady.busy.toFixed(0)} % |`,
      `| bare ffmpeg per camera | ${(bareSteady.cpuPercent / STEADY).toFixed(2)} % | ${(bareSteady.pss / STEADY).toFixed(1)} MiB | ${((bareSteady.pss + bareFilesMiB) / STEADY).toFixed(1)} MiB (PSS + ${(bareFilesMiB / STEADY).toFixed(1)} MiB of segment files) | ${bareSteady.busy.toFixed(0)} % |`,
      `| ratio Vigil / bare (goal ≤ 1.5×) | ${(vigilSteady.cpuPercent / bareSteady.cpuPercent).toFixed(2)}× | ${(vigilSteady.pss / bareSteady.pss).toFixed(2)}× | ${((vigilSteady.pss + vigilFilesMiB) / (bareSteady.pss + bareFilesMiB)).toFixed(2)}× | |`,
      '',
      `**A 64-tile wall opening at once** (1080p main streams: the benchmark farm pushes main streams only): ${wallTimes.length}/${WALL} playable, p50 ${percentile(wallTimes, 50).toFixed(2)} s, p95 ${percentile(wallTimes, 95).toFixed(2)} s, all done in ${wallTotal.toFixed(1)} s (goal: p95 ≤ 6 s, no failures); ${wallCpuSpent}. Past \`relay.keyFrameProbeFromStarts\` (16) starts in flight, a relay's ffmpeg probes key frames only. Baseline in the same run, 64 bare ffmpegs (default options) started at once on the same cameras: ${bareWall.length}/${WALL} produced a segment, p50 ${percentile(bareWall, 50).toFixed(2)} s, p95 ${percentile(bareWall, 95).toFixed(2)} s, all done in ${bareWallTotal.toFixed(1)} s.`,
      '',
      `**200 HLS viewers across 50 cameras** for ${SECONDS} s, each asking for the playlist every second and fetching each new segment: ${requests} requests, ${errors} errors (${((errors / Math.max(1, requests)) * 100).toFixed(3)} %, goal < 0.1 %${errors > 0 ? `: ${Object.entries(errorKinds).map(([k, n]) => `${n} × ${k}`).join(', ')}` : ''}), playlist latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms (goal < 200 ms); the machine ${viewersBusy.toFixed(0)} % busy meanwhile; % of one core: the gateway process ${viewers.gatewayCpu.toFixed(0)}, its ffmpegs ${viewers.relaysCpu.toFixed(0)}, the simulated cameras ${viewers.farmCpu.toFixed(0)}, the viewers ${viewers.viewersCpu.toFixed(0)} (64 relays of 1080p main streams running, ${(viewers.result.segmentBytes / SECONDS / 2 ** 20).toFixed(0)} MiB/s of segments served; the viewers are a load generator in a process of their own on the same 2 cores).`,
      '',
      `The same 200 viewers as **LL-HLS players** for ${SECONDS} s (a blocking playlist request for the next part, then the part): ${ll.result.requests} requests, ${ll.result.errors} errors (${((ll.result.errors / Math.max(1, ll.result.requests)) * 100).toFixed(3)} %${ll.result.errors > 0 ? `: ${Object.entries(ll.result.errorKinds).map(([k, n]) => `${n} × ${k}`).join(', ')}` : ''}); each new part came p50 ${percentile(ll.result.partLatenessMs, 50).toFixed(0)} ms, p95 ${percentile(ll.result.partLatenessMs, 95).toFixed(0)} ms later than its duration after the one before (${ll.result.partLatenessMs.length} parts); the machine ${ll.busy.toFixed(0)} % busy; % of one core: the gateway ${ll.gatewayCpu.toFixed(0)}, its ffmpegs ${ll.relaysCpu.toFixed(0)}, the simulated cameras ${ll.farmCpu.toFixed(0)}, the viewers ${ll.viewersCpu.toFixed(0)}.`,
      '',
      'Where the time goes on this 2-core machine (farm, gateway, ffmpegs and load generator together): an ffmpeg start costs ~0.04 s of CPU to load (Debian\'s ffmpeg links 215 shared libraries) and ~0.09 s more to probe one second of a 1080p stream decoding every frame, ~0.04 s decoding key frames only (what a relay does past `relay.keyFrameProbeFromStarts` starts in flight): 0.13 s and 0.08 s a start in all, measured one at a time on an idle machine. Then each waits for its camera\'s next key frame (0–2 s; a key-frame probe lasts the GOP and 0.3 s) and one part (0.4 s). A player that waits for a whole first segment (bare ffmpeg\'s HLS) waits a whole GOP (2 s) more.',
      '',
      'Many relays for many minutes: the "HLS relay soak" sections (`scripts/bench/relay-soak.bench.ts`).',
    );
    writeSection('HLS relay', lines.join('\n'));
    console.log(lines.join('\n'));
  } finally {
    if (gateway) await stopGateway(gateway);
    await farm.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
