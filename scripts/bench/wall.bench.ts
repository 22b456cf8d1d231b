/**
 * Patrol wall benchmark: a 25-tile wall in Debian's headless Chromium against a Vigil gateway in
 * its own process and simulated cameras, all on this machine. Writes docs/BENCHMARKS.md
 * (section "Patrol wall").
 *
 *   node --import tsx scripts/bench/wall.bench.ts [--cameras 30] [--rotations 100]
 *
 * Measured: dropped frames (getVideoPlaybackQuality) while a page plays; time from a page flip to
 * every tile playing, over HTTP/2 and — the baseline — the same wall over HTTP/1.1; page memory
 * (JS heap after GC, DOM nodes) before and after many rotations. Bounded: every loop has a count
 * and a deadline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { startFarm } from '../sim/farm.js';
import { api, startGateway, stopGateway, type Gateway } from './gateway-process.js';
import { cpuModel, machineTicks, percentile } from './proc-stats.js';
import { writeSection } from './report.js';

const { values } = parseArgs({ options: { cameras: { type: 'string', default: '30' }, rotations: { type: 'string', default: '100' } } });
const CAMERAS = Number(values.cameras);
const ROTATIONS = Number(values.rotations);
const FLIPS_TIMED = 10;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--autoplay-policy=no-user-gesture-required'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TileState {
  camera: string;
  playingAfterMs: number | null;
}

const tileStates = (page: Page) =>
  page.$$eval('.tile', (nodes) => nodes.map((n) => ({ camera: (n as unknown as { dataset: Record<string, string | undefined> }).dataset.cameraId ?? '', playingAfterMs: (n as unknown as { dataset: Record<string, string | undefined> }).dataset.playingAfterMs ? Number((n as unknown as { dataset: Record<string, string | undefined> }).dataset.playingAfterMs) : null })));

/** Waits until every tile of the current page plays; the slowest tile's ms after the flip, or null. */
async function allPlaying(page: Page, timeoutMs: number): Promise<number | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const tiles: TileState[] = await tileStates(page);
    if (tiles.length > 0 && tiles.every((t) => t.camera && t.playingAfterMs !== null)) return Math.max(...tiles.map((t) => t.playingAfterMs!));
    await sleep(100);
  }
  return null;
}

async function flipTo(page: Page, flip: number): Promise<void> {
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector(`.wall[data-flips="${flip}"]`, { timeout: 15_000 });
}

/** Frames shown and dropped by every <video> of the page over `seconds`, and how busy the machine was. */
async function droppedFrames(page: Page, seconds: number): Promise<{ dropped: number; total: number; percent: number; busy: number }> {
  // Copied into plain numbers inside the page: a VideoPlaybackQuality object does not serialise.
  const quality = () =>
    page.$$eval('video', (vs) =>
      vs.map((v) => {
        const q = (v as unknown as { getVideoPlaybackQuality(): { droppedVideoFrames: number; totalVideoFrames: number } }).getVideoPlaybackQuality();
        return { droppedVideoFrames: q.droppedVideoFrames, totalVideoFrames: q.totalVideoFrames };
      }),
    );
  const q0 = await quality();
  const m0 = machineTicks();
  await sleep(seconds * 1000);
  const m1 = machineTicks();
  const q1 = await quality();
  let dropped = 0;
  let total = 0;
  q1.forEach((q, i) => {
    dropped += q.droppedVideoFrames - (q0[i]?.droppedVideoFrames ?? 0);
    total += q.totalVideoFrames - (q0[i]?.totalVideoFrames ?? 0);
  });
  return { dropped, total, percent: (dropped / Math.max(1, total)) * 100, busy: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100 };
}

async function signIn(page: Page, base: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header nav');
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(`starting ${CAMERAS} simulated cameras (640x360 15 fps, 2 s GOP)…`);
  // Tiles play sub streams. The farm pushes its main mount only (half the load), so that mount is
  // registered as each camera's sub profile; the silent one stands in as main (focus is not measured).
  const farm = await startFarm({
    network: '127.98',
    cameras: Array.from({ length: CAMERAS }, (_, i) => ({ name: `w${String(i).padStart(2, '0')}`, source: 'clip' as const })),
    main: { width: 640, height: 360, fps: 15, gop: 30, bitrateKbps: 500 },
    sub: { width: 320, height: 180, fps: 15, gop: 30, bitrateKbps: 200 },
    sharedClips: true,
    mainOnly: true,
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-wall-bench-'));
  let gateway: Gateway | null = null;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
  try {
    // No viewing reasons asked here: the prompt is tested end to end, not benchmarked.
    const g = await startGateway(dataDir, 'viewing:\n  reasonRequiredFor: []\n');
    gateway = g;
    const city = await api<{ id: string }>(g, 'POST', '/api/regions', { name: 'Wall City', kind: 'city', adminCode: '110100' });
    const org = await api<{ id: string }>(g, 'POST', '/api/organisations', { name: 'Wall Bureau', ownerType: 'government' });
    for (const [i, c] of farm.cameras.entries()) {
      const tier = i % 5 === 0 ? 'key' : i % 5 === 1 ? 'attention' : 'general';
      await api(g, 'POST', '/api/cameras', { name: c.name, organisationId: org.id, regionId: city.id, tier, profiles: { main: { url: c.subRtspUrl, codec: 'h264' }, sub: { url: c.rtspUrl, codec: 'h264' } }, credentials: { username: c.username, password: c.password } });
    }
    const plan = await api<{ id: string }>(g, 'POST', '/api/patrol-plans', { name: 'Bench 25', layout: 25, dwellSeconds: 3600, weights: { key: 6, attention: 3, general: 1 } });

    // 1. Flip → all 25 playing, over HTTP/1.1 (the baseline) and over HTTP/2, same wall, same
    // cameras, each in a fresh browser context; the HTTP/2 one goes on to the other measurements.
    const flipTimes: Record<'h2' | 'http/1.1', Array<number | null>> = { h2: [], 'http/1.1': [] };
    const openWall = async (protocol: 'h2' | 'http/1.1') => {
      const base = protocol === 'h2' ? g.secureBase : g.base;
      const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1920, height: 1080 } });
      const page = await context.newPage();
      await signIn(page, base, g.password);
      await page.goto(`${base}/#/walls/${plan.id}`);
      await page.waitForSelector('.wall[data-flips="1"]', { timeout: 30_000 });
      await allPlaying(page, 30_000);
      for (let flip = 2; flip < 2 + FLIPS_TIMED; flip++) {
        await flipTo(page, flip);
        flipTimes[protocol].push(await allPlaying(page, 20_000));
        // Let the page play a moment, as a wall would, before the next flip.
        await sleep(2000);
      }
      console.log(protocol, flipTimes[protocol]);
      return { context, page };
    };
    await (await openWall('http/1.1')).context.close();
    const { context, page } = await openWall('h2');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    // 2. Dropped frames over 30 s of one page playing (HTTP/2).
    await flipTo(page, 2 + FLIPS_TIMED);
    await allPlaying(page, 20_000);
    const wallFrames = await droppedFrames(page, 30);

    // 3. Memory: after GC, before and after ROTATIONS flips (each tears down 25 players and starts 25).
    const memory = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await sleep(500);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
      return { heapMiB: m('JSHeapUsedSize') / 2 ** 20, nodes: m('Nodes'), listeners: m('JSEventListeners') };
    };
    const memBefore = await memory();
    let flips = 3 + FLIPS_TIMED;
    const rotationsStarted = Date.now();
    let rotationFailures = 0;
    for (let i = 0; i < ROTATIONS && Date.now() - rotationsStarted < 20 * 60_000; i++, flips++) {
      await flipTo(page, flips);
      if ((await allPlaying(page, 10_000)) === null) rotationFailures += 1;
    }
    const memAfter = await memory();

    // 4. Baseline for dropped frames, same run and machine: 25 bare <video> elements in a blank
    // page on the same 25 streams, played by Chromium's own HLS player — no wall, no hls.js.
    const bareContext = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1920, height: 1080 } });
    const barePage = await bareContext.newPage();
    await signIn(barePage, g.secureBase, g.password);
    const wallNow = (await tileStates(page)).map((t) => t.camera);
    await context.close();
    const urls = await Promise.all(wallNow.map((id) => api<{ url: string }>(g, 'GET', `/api/cameras/${id}/stream?profile=sub`).then((r) => g.secureBase + r.url)));
    await barePage.goto(`${g.secureBase}/healthz`);
    await barePage.evaluate((list) => {
      const doc = (globalThis as unknown as { document: { body: { innerHTML: string } } }).document;
      doc.body.innerHTML = `<div style="display:grid;grid-template-columns:repeat(5,1fr);gap:2px;height:100vh">${list.map((u) => `<video muted autoplay playsinline src="${u}" style="width:100%;height:100%;object-fit:contain;background:#000"></video>`).join('')}</div>`;
    }, urls);
    const bareTimes = () => barePage.$$eval('video', (vs) => vs.map((v) => (v as unknown as { currentTime: number }).currentTime));
    for (let i = 0; i < 200 && !(await bareTimes()).every((t) => t > 0.5); i++) await sleep(100);
    const bareFrames = await droppedFrames(barePage, 30);
    await bareContext.close();

    const flipRow = (protocol: 'h2' | 'http/1.1') => {
      const ok = flipTimes[protocol].filter((x): x is number => x !== null);
      return `| ${protocol === 'h2' ? 'HTTPS, HTTP/2 (Vigil default for the web app)' : 'HTTP/1.1 (baseline: the same wall on the plain port)'} | ${ok.length}/${FLIPS_TIMED} | ${ok.length ? percentile(ok, 50).toFixed(0) : '–'} ms | ${ok.length ? percentile(ok, 95).toFixed(0) : '–'} ms |`;
    };
    const lines = [
      `Run ${started.toISOString()} on ${os.cpus().length} × ${cpuModel()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Chromium (Debian, headless, software decoding) and the gateway and the simulated cameras on the same machine.`,
      `Command: \`node --import tsx scripts/bench/wall.bench.ts --cameras ${CAMERAS} --rotations ${ROTATIONS}\`. A 25-tile plan over ${CAMERAS} cameras (640x360, 15 fps, 2 s GOP, ~500 kbit/s), 1920x1080 window, hls.js.`,
      '',
      '**Page flip → every tile playing** (the next page prewarmed while the current one plays; each flip starts 25 players):',
      '',
      '| | flips with all 25 playing | p50 | p95 |',
      '|---|---|---|---|',
      flipRow('h2'),
      flipRow('http/1.1'),
      '',
      '**Dropped frames** (`getVideoPlaybackQuality`) over 30 s of 25 tiles playing; Chromium decodes and composites in software here, and shares the 2 cores with the gateway, its 25 relays and the camera farm:',
      '',
      '| | dropped / shown frames | dropped | machine busy |',
      '|---|---|---|---|',
      `| Vigil wall (hls.js, goal < 1 %) | ${wallFrames.dropped} / ${wallFrames.total} | ${wallFrames.percent.toFixed(2)} % | ${wallFrames.busy.toFixed(0)} % |`,
      `| baseline: 25 bare \`<video>\` elements, Chromium's own HLS, same streams | ${bareFrames.dropped} / ${bareFrames.total} | ${bareFrames.percent.toFixed(2)} % | ${bareFrames.busy.toFixed(0)} % |`,
      '',
      `**Page memory over ${flips - 3 - FLIPS_TIMED} rotations** (25 players torn down and made each time; after a forced GC): JS heap ${memBefore.heapMiB.toFixed(1)} → ${memAfter.heapMiB.toFixed(1)} MiB, DOM nodes ${memBefore.nodes} → ${memAfter.nodes}, event listeners ${memBefore.listeners} → ${memAfter.listeners}; ${rotationFailures} rotations where some tile did not play within 10 s.`,
    ];
    writeSection('Patrol wall', lines.join('\n'));
    console.log(lines.join('\n'));
  } finally {
    await browser.close();
    if (gateway) await stopGateway(gateway);
    await farm.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
