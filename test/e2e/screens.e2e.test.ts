import { readFileSync } from 'node:fs';
import type { Http2SecureServer } from 'node:http2';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';
import { call, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';
import { buildWeb, closeWeb, launchChromium, ROOT, serveOverHttp2, sweepHealth as sweepHealthOf, signIn, waitFor } from '../helpers/web-e2e.js';

/**
 * The technicians', integrators', reviewers' and admins' screens end to end: the production
 * build in Debian's headless Chromium against a real Vigil and simulated cameras (GStreamer RTSP,
 * ONVIF devices, fault switches). Every check reads what the page shows.
 */
const NETWORK = '127.99';
const REGISTERED = { 'gov-1': 'key', 'gov-2': 'key', 'biz-1': 'attention', 'biz-2': 'attention', 'home-1': 'general', 'home-2': 'general' } as const;
const password = (name: string) => `${[...name].reverse().join('')}-secret-phrase-77`;
const USERS = {
  technician: { username: 'tech', role: 'technician' },
  reviewer: { username: 'reviewer', role: 'reviewer' },
  integratorA: { username: 'bank-integrator', role: 'integrator' },
  integratorB: { username: 'homes-integrator', role: 'integrator' },
} as const;
const login = (key: keyof typeof USERS) => ({ username: USERS[key].username, password: password(USERS[key].username) });
const ADMIN = { username: 'e2e-admin', password: 'chief-of-watch-phrase-77' };

let farm: Farm;
let vigil: TestVigil;
let server: Http2SecureServer;
let browser: Browser;
let base: string;
let webRoot: string;
let catalog: Catalog;
let homesOrgId = '';
const ids: Record<string, string> = {};

const sweepHealth = (times: number) => sweepHealthOf(vigil, times);

async function session(who: { username: string; password: string }, viewport = { width: 1440, height: 1000 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, base, who);
  return { context, page };
}

/** The rows of a paged table: each row's data attributes and its cells' text. */
function rows(page: Page, table: string) {
  return page.$$eval(`[data-table="${table}"] tbody tr`, (trs) =>
    trs.map((tr) => {
      const row = tr as unknown as { dataset: Record<string, string | undefined>; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
      return { data: { ...row.dataset }, cells: Array.from(row.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim()) };
    }),
  );
}

/** Waits for `selector`; on failure the page's error messages go into the test's failure. */
async function expectShown(page: Page, selector: string, timeout = 15_000): Promise<void> {
  try {
    await page.waitForSelector(selector, { timeout });
  } catch (err) {
    const errors = await page.$$eval('p.error, [role=status]', (ps) => ps.map((p) => (p as unknown as { textContent: string | null }).textContent).filter(Boolean));
    throw new Error(`${selector} not shown; errors on the page: ${JSON.stringify(errors)}`, { cause: err });
  }
}

async function download(page: Page, click: () => Promise<void>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync(await file.path(), 'utf8');
}

beforeAll(async () => {
  webRoot = buildWeb();
  farm = await startFarm({
    network: NETWORK,
    cameras: [
      ...Object.keys(REGISTERED).map((name) => ({ name, source: 'clip' as const, auth: 'digest' as const })),
      ...['onvif-1', 'onvif-2', 'onvif-3'].map((name) => ({ name, source: 'clip' as const, auth: 'digest' as const, onvif: true })),
      ...['int-1', 'int-2'].map((name) => ({ name, source: 'clip' as const, auth: 'digest' as const })),
    ],
    sharedClips: true,
    main: { width: 640, height: 360, fps: 10, gop: 10, bitrateKbps: 400 },
    sub: { width: 320, height: 180, fps: 10, gop: 10, bitrateKbps: 150 },
  });
  vigil = await startTestVigil({ webRoot, config: { health: { enabled: false, timeoutMs: 1500 }, relay: { gopSeconds: 1, idleSeconds: 60, startTimeoutSeconds: 15 } } });
  catalog = await seedCatalog(vigil.app);
  homesOrgId = ((await call(vigil.app, 'post', '/api/organisations', { name: 'Lakeside Homes', ownerType: 'residential', regionId: catalog.districtId })).body as { id: string }).id;
  const orgOf = { gov: catalog.governmentOrgId, biz: catalog.businessOrgId, home: homesOrgId };
  for (const [name, tier] of Object.entries(REGISTERED)) {
    const cam = farm.cameras.find((c) => c.name === name)!;
    const res = await call(vigil.app, 'post', '/api/cameras', {
      name: `Cam ${name}`,
      organisationId: orgOf[name.split('-')[0] as keyof typeof orgOf],
      regionId: catalog.gridId,
      tier,
      profiles: { main: { url: cam.rtspUrl, codec: 'h264' }, sub: { url: cam.subRtspUrl, codec: 'h264' } },
      credentials: { username: cam.username, password: cam.password },
    });
    expect(res.status, res.text).toBe(201);
    ids[name] = (res.body as { id: string }).id;
  }
  const scopes = { technician: { regionId: catalog.cityId }, reviewer: { regionId: catalog.cityId }, integratorA: { organisationIds: [catalog.businessOrgId] }, integratorB: { organisationIds: [homesOrgId] } };
  for (const [key, user] of Object.entries(USERS)) {
    const res = await call(vigil.app, 'post', '/api/users', { username: user.username, role: user.role, password: password(user.username), ...scopes[key as keyof typeof USERS] });
    expect(res.status, res.text).toBe(201);
  }
  expect((await call(vigil.app, 'post', '/api/users', { username: ADMIN.username, role: 'admin', password: ADMIN.password })).status).toBe(201);
  await vigil.services.monitor.refresh();
  await sweepHealth(2);
  ({ server, base } = await serveOverHttp2(vigil));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await closeWeb({ browser, server, webRoot, vigil, farm });
}, 60_000);

describe('dashboard, catalog, onboarding and administration in Chromium', () => {
  it('the dashboard shows the online rate of a known scenario: two of six cameras switched off in the simulator', async () => {
    await farm.setFault('gov-2', 'offline');
    await farm.setFault('home-1', 'offline');
    await sweepHealth(3);
    const { context, page } = await session(login('technician'));
    // A technician lands on the dashboard.
    await page.waitForSelector('[data-view=dashboard][data-loaded=true]');
    expect(await page.getAttribute('[data-total-rate]', 'data-total-rate')).toBe((4 / 6).toFixed(4));
    const byOwner = Object.fromEntries((await rows(page, 'rates')).map((r) => [r.data.group, r.data.rate]));
    expect(byOwner).toEqual({ business: '1.0000', government: '0.5000', residential: '0.5000' });
    const problems = await rows(page, 'problems');
    expect(problems.map((p) => p.data.cameraId).sort()).toEqual([ids['gov-2'], ids['home-1']].sort());
    expect(problems.every((p) => p.data.state === 'offline' && p.cells.includes('Cam gov-2') !== p.cells.includes('Cam home-1'))).toBe(true);
    // By tier: each key and general camera pair has one down.
    await page.selectOption('select[name="Group by"]', 'tier');
    await waitFor('tier groups', () => rows(page, 'rates'), (r) => r.some((x) => x.data.group === 'key'), 10_000);
    const byTier = Object.fromEntries((await rows(page, 'rates')).map((r) => [r.data.group, r.data.rate]));
    expect(byTier).toEqual({ key: '0.5000', attention: '1.0000', general: '0.5000' });
    // CSV of what is shown: the rates from the server, the problem list from the page.
    const ratesCsv = await download(page, () => page.click('[data-csv=rates]'));
    expect(ratesCsv.split('\n')[0]).toContain('rate_percent');
    expect(ratesCsv).toContain('tier,key,1 key,now,2,1,0,1,0,0,50.00');
    const problemsCsv = await download(page, () => page.click('[data-csv=problems]'));
    expect(problemsCsv.trim().split('\n')).toHaveLength(3);
    expect(problemsCsv).toContain('Cam gov-2');
    // The trend chart has data for the window (the line chart's canvas is drawn).
    expect(await page.locator('canvas[aria-label="Online rate over time"]').count()).toBe(1);
    await page.selectOption('select[name="Group by"]', 'ownerType');
    await page.waitForSelector('[data-group=government]');
    if (process.env.VIGIL_SCREENSHOTS) await page.screenshot({ path: path.join(ROOT, 'docs/dashboard.png'), fullPage: true });

    // The catalog filters on health: the two offline cameras, and no others.
    await page.click('header nav a[data-nav=catalog]');
    await page.waitForSelector('[data-table=cameras] tbody tr[data-camera-id]');
    await page.selectOption('select[name=Health]', 'offline');
    const offline = await waitFor('offline filter', () => rows(page, 'cameras'), (r) => r.length === 2, 10_000);
    expect(offline.map((r) => r.data.cameraId).sort()).toEqual([ids['gov-2'], ids['home-1']].sort());
    await context.close();
    await farm.setFault('gov-2', 'none');
    await farm.setFault('home-1', 'none');
    await sweepHealth(2);
  }, 120_000);

  it('a discovery run from the browser finds the ONVIF cameras, adopts them, and marks them known the next time', async () => {
    const { context, page } = await session(login('technician'));
    await page.goto(`${base}/#/onboarding/discovery`);
    const onvif = farm.cameras.filter((c) => c.discovery);
    await page.fill('textarea[name=targets]', onvif.map((c) => c.discovery).join(', '));
    await page.fill('input[name="Device username"]', onvif[0]!.username);
    await page.fill('input[name="Device password"]', onvif[0]!.password);
    await page.fill('input[name="Wait for replies (s)"]', '1');
    await page.click('[data-form=discovery] button[type=submit]');
    await page.waitForSelector('[data-progress][data-state=done]', { timeout: 20_000 });
    const candidates = await waitFor('3 interrogated', () => rows(page, 'candidates'), (r) => r.length === 3 && r.every((c) => c.cells[5] === 'ok'), 15_000);
    expect(candidates.every((c) => c.data.known === 'false')).toBe(true);
    for (const box of await page.$$('[data-table=candidates] input[type=checkbox]')) await box.check();
    await page.selectOption('select[name="Adopt into organisation"]', catalog.governmentOrgId);
    await page.selectOption('select[name="Adopt into region"]', catalog.gridId);
    await page.click('[data-action=adopt]');
    await expectShown(page, 'text=3 adopted');
    const adopted = (await call(vigil.app, 'get', '/api/cameras?lifecycle=pending&limit=50')).body as { items: Array<{ source: string; organisationId: string; hasCredentials: boolean }> };
    expect(adopted.items.filter((c) => c.source === 'onvif')).toHaveLength(3);
    expect(adopted.items.filter((c) => c.source === 'onvif').every((c) => c.organisationId === catalog.governmentOrgId && c.hasCredentials)).toBe(true);
    // Again: every candidate is already in the catalog, and none can be selected.
    await page.click('[data-form=discovery] button[type=submit]');
    await waitFor('known candidates', () => rows(page, 'candidates'), (r) => r.length === 3 && r.every((c) => c.data.known === 'true'), 20_000);
    expect(await page.locator('[data-table=candidates] input[type=checkbox]:enabled').count()).toBe(0);
    await context.close();
  }, 90_000);

  it('a CSV dry run shows the row errors, and the commit imports the good rows only', async () => {
    const { context, page } = await session(ADMIN);
    await page.goto(`${base}/#/onboarding/import`);
    const template = await download(page, () => page.click('[data-action=template]'));
    const header = template.split('\n')[0]!;
    expect(header).toContain('main_url');
    const columns = header.split(',');
    const row = (values: Record<string, string>) => columns.map((c) => values[c] ?? '').join(',');
    const csv = [
      header,
      row({ name: 'Import A', organisation: 'City Traffic Bureau', region: '330106', tier: 'general', main_url: 'rtsp://192.0.2.10:554/a' }),
      row({ name: 'Import B', organisation: 'City Traffic Bureau', region: '330106', tier: 'key', main_url: 'ftp://192.0.2.11/b' }),
      row({ name: 'Import C', organisation: 'City Traffic Bureau', region: '330106', tier: 'attention', main_url: 'rtsp://192.0.2.12:554/c' }),
      row({ name: 'Import D', organisation: 'No Such Owner', region: '330106', main_url: 'rtsp://192.0.2.13:554/d' }),
    ].join('\n');
    await page.setInputFiles('input[type=file]', { name: 'cameras.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('[data-action=dry-run]');
    await page.waitForSelector('[data-import-summary]:has-text("Dry run")');
    const report = await rows(page, 'import-report');
    expect(report.map((r) => r.data.status)).toEqual(['valid', 'error', 'valid', 'error']);
    expect(report[1]!.cells[2]).toMatch(/main_url: .*\[INVALID_STREAM_URL\]/);
    expect(report[3]!.cells[2]).toMatch(/organisation/);
    const count = async () => ((await call(vigil.app, 'get', '/api/cameras?q=Import&limit=1')).body as { total: number }).total;
    expect(await count()).toBe(0);
    expect(await page.textContent('[data-action=commit]')).toBe('Import 2 good rows');
    await page.click('[data-action=commit]');
    await page.waitForSelector('[data-import-summary]:has-text("Imported 2")');
    const imported = (await call(vigil.app, 'get', '/api/cameras?q=Import&limit=10')).body as { items: Array<{ name: string }> };
    expect(imported.items.map((c) => c.name).sort()).toEqual(['Import A', 'Import C']);
    await context.close();
  }, 60_000);

  it('an integrator registers a camera, a reviewer approves it, and it is in the catalog; a rejection shows its reason', async () => {
    const integrator = await session(login('integratorA'));
    const page = integrator.page;
    await page.waitForSelector('[data-view=submissions]');
    const register = async (farmName: string, name: string) => {
      const cam = farm.cameras.find((c) => c.name === farmName)!;
      await page.goto(`${base}/#/onboarding/manual`);
      await page.fill('input[name="Camera name"]', name);
      await page.fill('input[name="Main stream address"]', cam.rtspUrl);
      await page.fill('input[name="Camera username"]', cam.username);
      await page.fill('input[name="Camera password"]', cam.password);
      await page.click('[data-action=probe]');
      // The probe runs before saving: the real stream answers, with its codec and size.
      await page.waitForSelector('[data-probe][data-ok=true]', { timeout: 15_000 });
      expect(await page.textContent('[data-probe]')).toContain('Stream answers: h264');
      await page.selectOption('[data-form=manual] select[name=Region]', catalog.gridId);
      await page.click('[data-form=manual] button[type=submit]');
      await page.waitForSelector('[data-view=camera]');
      return (await page.getAttribute('[data-view=camera]', 'data-camera-id'))!;
    };
    const approvedId = await register('int-1', 'Bank lobby');
    expect(await page.textContent('[data-fact=Status]')).toBe('pending');
    const rejectedId = await register('int-2', 'Bank vault');

    const reviewer = await session(login('reviewer'));
    await reviewer.page.waitForSelector('[data-view=review]');
    await reviewer.page.waitForSelector(`[data-table=review] tr[data-camera-id="${approvedId}"]`);
    await reviewer.page.click(`[data-table=review] tr[data-camera-id="${approvedId}"] [data-action=approve]`);
    await reviewer.page.waitForSelector(`text=Bank lobby approved.`);
    await reviewer.page.fill(`[data-table=review] tr[data-camera-id="${rejectedId}"] input`, 'Vault cameras are not shared with the police');
    await reviewer.page.click(`[data-table=review] tr[data-camera-id="${rejectedId}"] [data-action=reject]`);
    await reviewer.page.waitForSelector(`text=Bank vault rejected.`);
    expect(await reviewer.page.locator(`[data-table=review] tr[data-camera-id]`).count()).toBe(3); // the three adopted ONVIF cameras still wait
    await reviewer.page.click('header nav a[data-nav=catalog]');
    await reviewer.page.fill('input[name=Search]', 'Bank lobby');
    const found = await waitFor('approved camera in catalog', () => rows(reviewer.page, 'cameras'), (r) => r.length === 1, 10_000);
    expect(found[0]!.data.cameraId).toBe(approvedId);
    expect(found[0]!.cells[6]).toBe('approved');
    await reviewer.context.close();

    await page.goto(`${base}/#/submissions`);
    const mine = await waitFor('submissions', () => rows(page, 'submissions'), (r) => r.length === 2, 10_000);
    const byId = new Map(mine.map((r) => [r.data.cameraId, r]));
    expect(byId.get(approvedId)!.data.lifecycle).toBe('approved');
    expect(byId.get(rejectedId)!.data.lifecycle).toBe('rejected');
    expect(byId.get(rejectedId)!.cells[3]).toBe('Vault cameras are not shared with the police');
    await integrator.context.close();
  }, 120_000);

  it("an integrator sees only their own organisation's cameras, in lists and by address", async () => {
    const { context, page } = await session(login('integratorB'));
    await page.click('header nav a[data-nav=catalog]');
    const shown = await waitFor('catalog', () => rows(page, 'cameras'), (r) => r.length > 0, 10_000);
    expect(shown.map((r) => r.data.cameraId).sort()).toEqual([ids['home-1'], ids['home-2']].sort());
    expect(await page.textContent('[data-info=cameras]')).toBe('1–2 of 2');
    // Typing another organisation's camera address shows "no such camera", as the API answers.
    await page.goto(`${base}/#/cameras/${ids['biz-1']}`);
    await page.waitForSelector('p.error:has-text("CAMERA_NOT_FOUND")');
    expect(await page.locator('[data-view=camera]').count()).toBe(0);
    // The review queue and user screens are refused.
    await page.goto(`${base}/#/review`);
    await page.waitForSelector('[data-forbidden]');
    await context.close();
  }, 60_000);

  it('an admin sees a camera: snapshot and live preview with a reason, a temporary tier raise, and the owner sees who watched', async () => {
    const { context, page } = await session(ADMIN);
    await page.goto(`${base}/#/cameras/${ids['biz-1']}`);
    await page.waitForSelector('[data-view=camera] [data-section=health] table');
    await page.click('[data-action=snapshot]');
    // Business cameras are watched with a reason; asked once on the page.
    await page.fill('dialog input[name=reason]', 'e2e incident 42');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector('img[data-snapshot]');
    await page.waitForFunction("document.querySelector('img[data-snapshot]').complete");
    expect(await page.$eval('img[data-snapshot]', (img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(640);
    await page.click('[data-action=live]');
    await page.waitForSelector('video[data-live]');
    await waitFor('live preview plays', () => page.$eval('video[data-live]', (v) => (v as unknown as { currentTime: number }).currentTime), (t) => t > 0.5, 30_000);
    expect(await page.locator('dialog[open]').count()).toBe(0);

    const tomorrow = new Date(Date.now() + 86_400_000);
    tomorrow.setMinutes(tomorrow.getMinutes() - tomorrow.getTimezoneOffset());
    await page.selectOption('select[name="Temporary tier"]', 'key');
    await page.fill('input[name="Temporary tier until"]', tomorrow.toISOString().slice(0, 16));
    await page.fill('input[name=Latitude]', '95');
    await page.click('[data-form=camera-edit] button[type=submit]');
    await page.waitForSelector('p.error:has-text("Latitude must be between -90 and 90")');
    await page.fill('input[name=Latitude]', '30.25');
    await page.fill('input[name=Longitude]', '120.15');
    await page.click('[data-form=camera-edit] button[type=submit]');
    await expectShown(page, 'text=Saved.');
    expect(await page.textContent('[data-fact=Tier]')).toMatch(/^attention; key until /);
    const camera = (await call(vigil.app, 'get', `/api/cameras/${ids['biz-1']}`)).body as { effectiveTier: string; latitude: number; longitude: number };
    expect(camera).toMatchObject({ effectiveTier: 'key', latitude: 30.25, longitude: 120.15 });
    await context.close();

    // The bank's integrator sees both views with the reason.
    const owner = await session(login('integratorA'));
    await owner.page.goto(`${base}/#/transparency/${catalog.businessOrgId}`);
    const views = await waitFor('views', () => rows(owner.page, 'views'), (r) => r.length >= 2, 10_000);
    expect(views.filter((v) => v.cells[0] === 'Cam biz-1' && v.cells[1] === ADMIN.username && v.cells[2] === 'e2e incident 42')).toHaveLength(2);
    await owner.context.close();
  }, 90_000);

  it('an admin manages users and regions, and finds the changes in the audit log', async () => {
    const { context, page } = await session(ADMIN);
    await page.click('header nav a[data-nav=users]');
    await page.fill('input[name=Username]', 'Bad Name');
    await page.click('[data-form=user] button[type=submit]');
    await page.waitForSelector('p.error:has-text("lower-case letters")');
    await page.fill('input[name=Username]', 'night-operator');
    await page.selectOption('select[name=Role]', 'operator');
    await page.selectOption('select[name="Region scope"]', catalog.districtId);
    await page.click('[data-form=user] button[type=submit]');
    await page.waitForSelector('text=One-time password');
    await page.waitForSelector('[data-table=users] tr[data-username=night-operator]');
    expect((await rows(page, 'users')).find((r) => r.data.username === 'night-operator')!.cells[3]).toBe('region Xihu');

    await page.click('header nav a[data-nav=organisations]');
    await page.fill('input[name="Region name"]', 'Grid 9');
    await page.selectOption('select[name="Region kind"]', 'grid');
    await page.selectOption('select[name="Parent region"]', catalog.stationId);
    await page.click('[data-form=region] button[type=submit]');
    await page.waitForSelector('[data-tree=regions] li:has-text("Grid 9")');
    // Rename it from the tree, then delete it; an organisation is renamed from its row.
    await page.click('[data-tree=regions] button:text-is("Grid 9")');
    await page.fill('input[name="Region name"]', 'Grid 9 north');
    await page.click('[data-form=region] button[type=submit]');
    await page.waitForSelector('[data-tree=regions] button:text-is("Grid 9 north")');
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-tree=regions] button:text-is("Grid 9 north")');
    await page.click('[data-form=region] button.danger');
    await page.waitForSelector('text=Deleted Grid 9 north.');
    expect(await page.locator('[data-tree=regions] button:text-is("Grid 9 north")').count()).toBe(0);
    await page.click(`[data-table=organisations] tr[data-organisation-id="${homesOrgId}"]`);
    await page.fill('input[name="Organisation name"]', 'Lakeside Homes Co-op');
    await page.click('[data-form=organisation] button[type=submit]');
    await page.waitForSelector('[data-table=organisations] td:text-is("Lakeside Homes Co-op")');

    await page.click('header nav a[data-nav=audit]');
    await page.fill('input[name=Action]', 'user.created');
    await waitFor('audit filter', () => rows(page, 'audit'), (r) => r.length > 0 && r.every((x) => x.data.action === 'user.created') && r.some((x) => (x.cells[4] ?? '').includes('night-operator')), 10_000);
    if (process.env.VIGIL_SCREENSHOTS) {
      await page.click('header nav a[data-nav=catalog]');
      await page.waitForSelector('[data-table=cameras] tbody tr[data-camera-id]');
      await page.screenshot({ path: path.join(ROOT, 'docs/catalog.png'), fullPage: true });
    }
    await context.close();
  }, 60_000);
});
