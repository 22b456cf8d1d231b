/**
 * HLS relay soak: many relays through Vigil for minutes, every segment timed. Writes its figures
 * into docs/BENCHMARKS.md (section "HLS relay soak, <relays> relays").
 *
 *   node --import tsx scripts/bench/relay-soak.bench.ts [--relays 200] [--minutes 10] [--sources 25]
 *
 * Cameras: `--sources` simulated 1080p ~3 Mbit/s cameras with a 2 s GOP, each registered in Vigil
 * under relays/sources addresses (`/main?fan=N`, which the simulator serves from the same encoder
 * as a camera ignores a parameter it does not know). Vigil therefore runs `--relays` relays, each
 * its own ffmpeg with its own RTSP session; only the farm's pipelines are shared, or the farm
 * alone would need more than this machine's two cores.
 *
 * Each relay has one player that asks for its playlist with an LL-HLS blocking request for the
 * next segment (`_HLS_msn`), so each answer comes the moment that segment is complete. A segment
 * is on time when it comes no later than its own duration (plus 1 s) after the one before it.
 * Every loop here is bounded in time and stops by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFarm } from '../sim/farm.js';
import { api, startGateway, stopGateway, type Gateway } from './gateway-process.js';
import { cpuModel, cpuSeconds, cpuSecondsWithReapedChildren, machineTicks, percentile, pssMiB } from './proc-stats.js';
import { childPids, openStream, relayPids, watchEachOnce } from './relay-kit.js';
import { writeSection } from './report.js';

const { values } = parseArgs({ options: { relays: { type: 'string', default: '200' }, minutes: { type: 'string', default: '10' }, sources: { type: 'string', default: '25' } } });
const RELAYS = Number(values.relays);
const MINUTES = Number(values.minutes);
const SOURCES = Math.min(Number(values.sources), RELAYS);
const WARMUP_SECONDS = 30;
/** Later than its duration by more than this: late. */
const LATE_AFTER_SECONDS = 1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SOAK_NOTE =
  'The simulated cameras run on the same two cores as Vigil, and serving one more RTSP session costs them about as much as a relay costs Vigil: the "Vigil" share is what a gateway whose cameras are elsewhere would carry. When the machine saturates, every process waits for a core, the players\' playlist requests come late, relays without requests for `relay.idleSeconds` stop and start again on the next request, and segments come late.';

/** A playlist's complete segments (media sequence number, duration, after a discontinuity?). */
function segmentsOf(playlist: string): Array<{ msn: number; seconds: number; discontinuity: boolean }> {
  const out: Array<{ msn: number; seconds: number; discontinuity: boolean }> = [];
  let duration = 0;
  let discontinuity = false;
  for (const line of playlist.split('\n')) {
    if (line.startsWith('#EXTINF:')) duration = Number(line.slice(8).split(',')[0]);
    else if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else {
      const seg = /^seg_(\d+)\.m4s$/.exec(line.trim());
      if (seg) {
        out.push({ msn: Number(seg[1]), seconds: duration, discontinuity });
        discontinuity = false;
      }
    }
  }
  return out;
}

/**
 * One player per relay, each started as soon as its wall is open (as an operator's browser does)
 * and each on its own connection: a blocking playlist request for the next segment, again and
 * again. That keeps the relay from going idle, and times every segment as players get it: for each
 * answer with new segments, how much later than their durations they came after the last ones
 * (negative: early). Requests and segments in the measured window are counted apart.
 */
function players(g: Gateway, measureFrom: () => number, until: () => number) {
  const agent = new http.Agent({ keepAlive: true });
  const result = { requests: 0, errors: 0, lateness: [] as number[], restarts: 0 };
  const get = (url: string) =>
    new Promise<{ status: number; text: string }>((resolve) => {
      const req = http.get(g.base + url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', () => resolve({ status: 0, text: '' }));
    });
  const play = async (url: string) => {
    let last: { msn: number; at: number } | null = null;
    while (Date.now() < until()) {
      const counted = Date.now() >= measureFrom();
      const res = await get(last ? `${url}?_HLS_msn=${last.msn + 1}` : url);
      const now = Date.now();
      if (counted) {
        result.requests += 1;
        if (res.status !== 200) result.errors += 1;
      }
      if (res.status !== 200) {
        await sleep(1000);
        continue;
      }
      const segments = segmentsOf(res.text);
      const newest = segments.at(-1);
      if (!newest || (last && newest.msn <= last.msn)) continue; // held to its limit: ask again
      if (last && counted) {
        const fresh = segments.filter((s) => s.msn > last!.msn);
        if (fresh.some((s) => s.discontinuity)) result.restarts += 1;
        result.lateness.push((now - last.at) / 1000 - fresh.reduce((sum, s) => sum + s.seconds, 0));
      }
      last = { msn: newest.msn, at: now };
    }
  };
  const running: Promise<void>[] = [];
  return {
    result,
    add(urls: readonly string[]) {
      for (const url of urls) running.push(play(url));
    },
    done: () => Promise.all(running).then(() => agent.destroy()),
  };
}

/**
 * CPU over `seconds` (% of one core) of Vigil — the gateway and every ffmpeg it ran, ended ones
 * included — and of the simulated cameras (this process's other children), with the machine's busy
 * share and Vigil's PSS at the end.
 */
async function measureLoad(gatewayPid: number, seconds: number) {
  const vigil = () => cpuSecondsWithReapedChildren(gatewayPid) + relayPids(gatewayPid).reduce((sum, p) => sum + cpuSeconds(p), 0);
  const farmPids = childPids(process.pid).filter((p) => p !== gatewayPid);
  const farmBefore = new Map(farmPids.map((p) => [p, cpuSeconds(p)]));
  const gatewayBefore = cpuSeconds(gatewayPid);
  const vigilBefore = vigil();
  const m0 = machineTicks();
  await sleep(seconds * 1000);
  const m1 = machineTicks();
  const farm = farmPids.reduce((sum, p) => sum + Math.max(0, cpuSeconds(p) - farmBefore.get(p)!), 0);
  const pss = [gatewayPid, ...relayPids(gatewayPid)].reduce((sum, p) => sum + pssMiB(p), 0);
  const percent = (cpu: number) => (cpu / seconds) * 100;
  return { vigil: percent(vigil() - vigilBefore), gateway: percent(cpuSeconds(gatewayPid) - gatewayBefore), farm: percent(farm), busy: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100, pss };
}

async function restarts(g: Gateway): Promise<string> {
  const text = await (await fetch(`${g.base}/metrics`, { headers: { authorization: `Bearer ${g.token}` } })).text();
  const lines = text.split('\n').filter((l) => l.startsWith('vigil_relay_restarts_total'));
  const total = lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  return total === 0 ? 'none' : `${total} (${lines.map((l) => l.replace('vigil_relay_restarts_total', '')).join(', ')})`;
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(`starting ${SOURCES} simulated 1080p cameras for ${RELAYS} relays…`);
  const farm = await startFarm({
    network: '127.97',
    cameras: Array.from({ length: SOURCES }, (_, i) => ({ name: `s${String(i).padStart(3, '0')}`, source: 'clip' as const })),
    main: { width: 1920, height: 1080, fps: 25, gop: 50, bitrateKbps: 3000 },
    sharedClips: true,
    mainOnly: true,
    shareAcrossQueries: true,
  });
  await watchEachOnce(farm);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-soak-'));
  const root = mkdtempSync('/dev/shm/vigil-bench-soak-');
  let gateway: Gateway | null = null;
  try {
    const g = await startGateway(dataDir, `relay:\n  root: ${JSON.stringify(root)}\n`);
    gateway = g;
    const city = await api<{ id: string }>(g, 'POST', '/api/regions', { name: 'Soak City', kind: 'city', adminCode: '110100' });
    const org = await api<{ id: string }>(g, 'POST', '/api/organisations', { name: 'Soak Bureau', ownerType: 'government' });
    const ids: string[] = [];
    for (let i = 0; i < RELAYS; i++) {
      const c = farm.cameras[i % SOURCES]!;
      const url = `${c.rtspUrl}?fan=${Math.floor(i / SOURCES)}`;
      const cam = await api<{ id: string }>(g, 'POST', '/api/cameras', { name: `soak ${i}`, organisationId: org.id, regionId: city.id, profiles: { main: { url, codec: 'h264' } }, credentials: { username: c.username, password: c.password } });
      ids.push(cam.id);
    }

    // Open in walls of 25, one after the other, as operators would; each wall is watched from the
    // moment it is open (a ramp longer than relay.idleSeconds would otherwise stop the first walls).
    let measureFrom = Infinity;
    let until = Infinity;
    const playing = players(g, () => measureFrom, () => until);
    const rampStart = performance.now();
    const opened = [];
    for (let i = 0; i < ids.length; i += 25) {
      const wall = await Promise.all(ids.slice(i, i + 25).map((id) => openStream(g, id, 'main')));
      opened.push(...wall);
      playing.add(wall.flatMap((o) => (o.url ? [o.url] : [])));
    }
    const rampSeconds = (performance.now() - rampStart) / 1000;
    const failedToOpen = opened.filter((o) => o.seconds === null);
    const openTimes = opened.flatMap((o) => (o.seconds === null ? [] : [o.seconds]));
    console.log(`opened ${openTimes.length}/${RELAYS} in ${rampSeconds.toFixed(1)} s; open p50 ${percentile(openTimes, 50).toFixed(2)} p95 ${percentile(openTimes, 95).toFixed(2)} s`);

    measureFrom = Date.now() + WARMUP_SECONDS * 1000;
    until = measureFrom + MINUTES * 60_000;
    await sleep(WARMUP_SECONDS * 1000);
    const restartsBefore = await restarts(g);
    const selfBefore = process.cpuUsage();
    const load = await measureLoad(g.child.pid!, MINUTES * 60);
    const self = process.cpuUsage(selfBefore);
    await playing.done();
    const relaysAtEnd = relayPids(g.child.pid!).length;
    const restartsAfter = await restarts(g);

    const lateness = playing.result.lateness;
    const late = lateness.filter((x) => x > LATE_AFTER_SECONDS).length;
    const cores = os.cpus().length;
    const benchMachine = ((self.user + self.system) / 1e6 / (MINUTES * 60)) * 100 / cores;
    const lines = [
      `Run ${started.toISOString()} on ${cores} × ${cpuModel()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ffmpeg 5.1 (Debian).`,
      `Command: \`node --import tsx scripts/bench/relay-soak.bench.ts --relays ${RELAYS} --minutes ${MINUTES} --sources ${SOURCES}\`. ${RELAYS} relays of 1080p ~3 Mbit/s H.264 main streams (2 s GOP), each its own ffmpeg and RTSP session, fed by ${SOURCES} simulated cameras on this machine (each registered under ${Math.ceil(RELAYS / SOURCES)} addresses, \`/main?fan=N\`, served from one encoder). The built gateway with health checks off; one player per relay from the moment its wall is open, asking for the playlist with an LL-HLS blocking request for the next segment (\`_HLS_msn\`), so each answer comes as that segment is complete and times it. Measured for ${MINUTES} min after ${WARMUP_SECONDS} s.`,
      '',
      '| | figure | goal |',
      '|---|---|---|',
      `| relays running | ${openTimes.length}/${RELAYS} opened (ramp in walls of 25: ${rampSeconds.toFixed(0)} s, open p50 ${percentile(openTimes, 50).toFixed(2)} s, p95 ${percentile(openTimes, 95).toFixed(2)} s${failedToOpen.length ? `; failed: ${failedToOpen.map((f) => f.status).slice(0, 3).join('; ')}` : ''}); ${relaysAtEnd} ffmpegs at the end | ${RELAYS} |`,
      `| segments on time (a player gets each ≤ ${LATE_AFTER_SECONDS} s later than its duration after the previous) | ${lateness.length - late} of ${lateness.length} (${(((lateness.length - late) / Math.max(1, lateness.length)) * 100).toFixed(2)} %); lateness p50 ${percentile(lateness, 50).toFixed(2)} s, p99 ${percentile(lateness, 99).toFixed(2)} s, max ${Math.max(...lateness).toFixed(2)} s; restarts players saw (a discontinuity): ${playing.result.restarts} | every segment |`,
      `| relay restarts (gateway metrics) | before measuring: ${restartsBefore}; at the end: ${restartsAfter} | — |`,
      `| player requests while measuring | ${playing.result.requests} (one a segment: ${RELAYS * MINUTES * 30} for ${RELAYS} relays at 2 s), ${playing.result.errors} errors | — |`,
      `| machine busy | ${load.busy.toFixed(0)} % in all: Vigil (gateway + its ffmpegs) ${(load.vigil / cores).toFixed(0)} % of the machine (${(load.vigil / RELAYS).toFixed(2)} % of one core per relay, of which the gateway ${(load.gateway / RELAYS).toFixed(2)} %), the simulated cameras ${(load.farm / cores).toFixed(0)} %, this benchmark ${benchMachine.toFixed(1)} % | ≤ 75 % |`,
      `| memory | Vigil PSS ${load.pss.toFixed(0)} MiB (${(load.pss / RELAYS).toFixed(1)} MiB per relay) | — |`,
      '',
      SOAK_NOTE,
    ];
    writeSection(`HLS relay soak, ${RELAYS} relays`, lines.join('\n'));
    console.log(lines.join('\n'));
  } finally {
    if (gateway) await stopGateway(gateway);
    await farm.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
