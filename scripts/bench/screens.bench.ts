/**
 * Web screens benchmark: the catalog and the dashboard in headless Chromium against a gateway
 * holding 20,000 cameras (30 organisations, a city of 6 districts and 24 stations, a day of
 * health history), side by side in the same run with the baseline of the same API calls made
 * alone from the same page — what the screen adds on top of the server. Writes its figures into
 * docs/BENCHMARKS.md (section "Web screens").
 *
 *   node --import tsx scripts/bench/screens.bench.ts [--cameras 20000] [--runs 10]
 *
 * No camera is contacted (health checks are off; the addresses are in 192.0.2.0/24, TEST-NET-1,
 * and nothing probes them). Every loop is bounded in count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../gateway/src/config/config.loader.js';
import { createVigil } from '../../gateway/src/composition.js';
import { createLogger } from '../../gateway/src/logging/logger.js';
import { SecretRedactor } from '../../gateway/src/logging/secret-redactor.js';
import { SYSTEM } from '../../gateway/src/services/actor.js';
import { startGateway, stopGateway } from './gateway-process.js';
import { cpuModel, percentile } from './proc-stats.js';
import { writeSection } from './report.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { cameras: { type: 'string', default: '20000' }, runs: { type: 'string', default: '10' } } });
const CAMERAS = Number(values.cameras);
const RUNS = Number(values.runs);
const TIERS = ['key', 'attention', 'general', 'general', 'general'] as const;
const OWNERS = ['government', 'business', 'residential'] as const;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Regions, organisations and cameras through the real services (the API's own rules), then a day of transitions. */
async function seed(dataDir: string): Promise<{ organisationId: string; regionId: string }> {
  const config = loadConfig({ env: { VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: 'bench-root-password-1' }, cwd: ROOT, overrides: { health: { enabled: false } } });
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: 'warn', redactor, destination: new Writable({ write: (_c, _e, done) => done() }) });
  const vigil = await createVigil({ config, logger, redactor, print: () => undefined });
  const { cameras, organisations, regions } = vigil.services;
  const city = await regions.create({ name: 'Bench City', kind: 'city', adminCode: '330100' }, SYSTEM);
  const stations: string[] = [];
  let districtId = '';
  for (let d = 0; d < 6; d++) {
    const district = await regions.create({ name: `District ${d + 1}`, kind: 'district', parentId: city.id, adminCode: `3301${String(d + 1).padStart(2, '0')}` }, SYSTEM);
    districtId ||= district.id;
    for (let s = 0; s < 4; s++) stations.push((await regions.create({ name: `Station ${d + 1}.${s + 1}`, kind: 'station', parentId: district.id }, SYSTEM)).id);
  }
  const orgs: string[] = [];
  for (let o = 0; o < 30; o++) orgs.push((await organisations.create({ name: `Owner ${String(o + 1).padStart(2, '0')}`, ownerType: OWNERS[o % 3]!, regionId: city.id }, SYSTEM)).id);
  const started = performance.now();
  for (let i = 0; i < CAMERAS; i++) {
    await cameras.create(
      {
        name: `Camera ${String(i).padStart(5, '0')}`,
        organisationId: orgs[i % orgs.length]!,
        regionId: stations[i % stations.length]!,
        tier: TIERS[i % TIERS.length]!,
        address: `${i % 997} Bench Road`,
        profiles: { main: { url: `rtsp://192.0.2.${1 + (i % 250)}:${1024 + Math.floor(i / 250)}/main` } },
      },
      SYSTEM,
    );
    if (i % 5000 === 4999) console.log(`  ${i + 1} cameras (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  await vigil.close();
  // A day of history: every camera known online from 24 h ago, one in ten down for an hour.
  const db = new Database(path.join(dataDir, 'vigil.sqlite'));
  const ids = db.prepare('select id from cameras order by id').pluck().all() as string[];
  const now = Date.now();
  const insert = db.prepare('insert into health_transitions (camera_id, at, from_state, to_state, reason) values (?, ?, ?, ?, ?)');
  db.transaction(() => {
    ids.forEach((id, i) => {
      insert.run(id, new Date(now - 24 * 3600_000 + i).toISOString(), 'unknown', 'online', 'ok');
      if (i % 10 === 0) {
        const down = now - (2 + (i % 20)) * 3600_000;
        insert.run(id, new Date(down).toISOString(), 'online', 'offline', 'timeout');
        insert.run(id, new Date(down + 3600_000).toISOString(), 'offline', 'online', 'ok');
      }
    });
  })();
  db.close();
  return { organisationId: orgs[7]!, regionId: districtId };
}

/** Milliseconds from the page's navigation start until `selector` is in the DOM. */
async function loadTime(page: Page, url: string, selector: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector(selector, { timeout: 60_000 });
  return page.evaluate('performance.now()');
}

// In-page code is written as text: this project's TypeScript has no DOM types (the web app has its own).

/**
 * Milliseconds from a change of `control` until `done` (a page expression) holds; `prepare` runs
 * first (not timed). A MutationObserver on the body sees the moment the page changes.
 */
function changeTime(page: Page, control: string, value: string, done: string, prepare = ''): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    ${prepare}
    const input = document.querySelector(${JSON.stringify(control)});
    const started = performance.now();
    const observer = new MutationObserver(() => {
      if (${done}) { observer.disconnect(); resolve(performance.now() - started); }
    });
    observer.observe(document.body, { childList: true, characterData: true, subtree: true, attributes: true });
    input.value = ${JSON.stringify(value)};
    input.dispatchEvent(new Event(input.tagName === 'INPUT' ? 'input' : 'change'));
  })`);
}

/** Milliseconds from a filter change until the table's page counter changes. */
function filterTime(page: Page, control: string, value: string): Promise<number> {
  // The counter's text node is replaced on every redraw, even when the count stays the same.
  return changeTime(page, control, value, `document.querySelector('[data-info=cameras]').firstChild !== before`, `const before = document.querySelector('[data-info=cameras]').firstChild;`);
}

/** The same request the screen makes, alone, from the page (the baseline). */
function apiTime(page: Page, urls: readonly string[]): Promise<number> {
  return page.evaluate(`(async () => {
    const started = performance.now();
    await Promise.all(${JSON.stringify(urls)}.map(async (u) => (await fetch(u, { credentials: 'same-origin' })).json()));
    return performance.now() - started;
  })()`);
}

const stats = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95) });
const ms = (v: number) => `${Math.round(v)} ms`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-screens-bench-'));
  console.log(`seeding ${CAMERAS} cameras…`);
  const { organisationId, regionId } = await seed(dataDir);
  const gateway = await startGateway(dataDir);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    const base = gateway.secureBase;
    await page.goto(`${base}/`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', gateway.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('header nav');

    const rows = '[data-table=cameras] tbody tr[data-camera-id]';
    const results: Record<string, { screen: number[]; api: number[] }> = {};
    const record = (name: string, screen: number, api: number) => {
      results[name] ??= { screen: [], api: [] };
      results[name].screen.push(screen);
      results[name].api.push(api);
    };
    const filters: Array<[string, string, string, string]> = [
      ['text search (one camera; includes the 250 ms typing pause)', 'input[name=Search]', 'Camera 12345', 'q=Camera%2012345'],
      ['tier = key', 'select[name=Tier]', 'key', 'tier=key'],
      ['organisation', 'select[name=Organisation]', organisationId, `organisationId=${organisationId}`],
      ['region subtree (district)', 'select[name=Region]', regionId, `regionId=${regionId}`],
      [`health = unknown (all ${CAMERAS.toLocaleString('en')})`, 'select[name=Health]', 'unknown', 'health=unknown'],
    ];
    for (let run = 0; run < RUNS; run++) {
      console.log(`run ${run + 1}/${RUNS}`);
      const first = await loadTime(page, `${base}/#/catalog`, rows);
      record('catalog: first render (page load → first rows)', first, await apiTime(page, ['/api/cameras?limit=50&offset=0', '/api/organisations?limit=500', '/api/regions/tree']));
      for (const [name, control, value, query] of filters) {
        // The list first returns to "everything", then the filter is timed from there.
        await page.goto('about:blank');
        await page.goto(`${base}/#/catalog`);
        await page.waitForSelector(rows);
        await page.waitForFunction("document.querySelector('select[name=Organisation]').childElementCount > 1");
        const t = await filterTime(page, control, value);
        record(`catalog filter: ${name}`, t, await apiTime(page, [`/api/cameras?limit=50&offset=0&${query}`]));
      }
      for (const groupBy of ['ownerType', 'organisation']) {
        const rateUrls = [`/api/online-rate?groupBy=${groupBy}&window=now`, `/api/online-rate/series?groupBy=${groupBy}&window=24h`, '/api/tickets/stats?groupBy=organisation&days=30', '/api/health/problems?limit=20&offset=0', '/api/tickets?state=open&limit=20&offset=0'];
        await page.goto(`${base}/#/catalog`);
        await page.waitForSelector(rows);
        const t = await (async () => {
          await page.goto('about:blank');
          await page.goto(`${base}/#/dashboard`);
          if (groupBy !== 'ownerType') {
            await page.waitForSelector('[data-view=dashboard][data-loaded=true]', { timeout: 60_000 });
            return changeTime(page, 'select[name="Group by"]', groupBy, `view.dataset.loaded === 'true'`, `const view = document.querySelector('[data-view=dashboard]'); delete view.dataset.loaded;`);
          }
          await page.waitForSelector('[data-view=dashboard][data-loaded=true]', { timeout: 60_000 });
          return page.evaluate<number>('performance.now()');
        })();
        record(groupBy === 'ownerType' ? 'dashboard: load (page load → charts, lists, tickets)' : 'dashboard: regroup by organisation (30 groups)', t, await apiTime(page, rateUrls));
      }
    }
    await context.close();

    const lines = Object.entries(results).map(([name, r]) => {
      const s = stats(r.screen);
      const a = stats(r.api);
      return `| ${name} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(a.p50)} | ${ms(a.p95)} |`;
    });
    const body = `Produced by \`node --import tsx scripts/bench/screens.bench.ts --cameras ${CAMERAS} --runs ${RUNS}\` on ${new Date().toISOString().slice(0, 10)}
(${cpuModel()}, ${os.cpus().length} cores; gateway in its own process over HTTPS + HTTP/2, Debian's headless Chromium on the same machine).

${CAMERAS.toLocaleString('en')} approved cameras in 30 organisations and 24 stations under 6 districts; a day of health
history (every camera online from 24 h ago, one in ten down for an hour) — so the 24-hour trend reads
${(CAMERAS * 1.2).toLocaleString('en')} transitions. Each row: ${RUNS} runs. "Screen" is what the user waits for, measured in the page
(navigation start or the filter change → the rows, charts or lists drawn); "API alone" is the baseline: the
same requests fetched from the same page with nothing drawn.

| What | screen p50 | screen p95 | API alone p50 | API alone p95 |
| --- | --- | --- | --- | --- |
${lines.join('\n')}

Every list pages on the server (50 rows), so the page holds the same 50 rows with 20,000 cameras as with 50;
the time is the server's query plus the page's JavaScript start.`;
    writeSection('Web screens (catalog and dashboard, 20,000 cameras)', body);
    console.log(body);
  } finally {
    await browser.close();
    await stopGateway(gateway);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
