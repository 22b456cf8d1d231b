import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Http2SecureServer } from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createHttp2Listener } from '../../gateway/src/http/http2-listener.js';
import { loadTlsMaterial } from '../../gateway/src/security/tls-material.js';
import type { TestVigil } from './test-vigil.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--autoplay-policy=no-user-gesture-required'];

/** The production build of web/ into a fresh folder (what `npm run build` ships). */
export function buildWeb(): string {
  const webRoot = mkdtempSync(path.join(os.tmpdir(), 'vigil-web-'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(ROOT, 'web/vite.config.ts'), '--outDir', webRoot, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  return webRoot;
}

/** A test Vigil's app behind the HTTPS + HTTP/2 listener, as the gateway serves it. */
export async function serveOverHttp2(vigil: TestVigil): Promise<{ server: Http2SecureServer; base: string }> {
  const tls = await loadTlsMaterial({ certFile: null, keyFile: null, dataDir: vigil.dataDir });
  const server = createHttp2Listener(vigil.app, tls);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `https://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** Debian's headless Chromium (no browser download). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Tears down what an e2e file started, whichever parts got started. */
export async function closeWeb(parts: { browser?: Browser | undefined; server?: Http2SecureServer | undefined; webRoot?: string | undefined; vigil?: TestVigil | undefined; farm?: { stop(): Promise<void> } | undefined }): Promise<void> {
  await parts.browser?.close();
  await new Promise<void>((resolve) => (parts.server ? parts.server.close(() => resolve()) : resolve()));
  if (parts.webRoot) rmSync(parts.webRoot, { recursive: true, force: true });
  await parts.vigil?.dispose();
  await parts.farm?.stop();
}

/** Health checks now, `times` over (the scheduler is off in e2e runs; tests decide when). */
export async function sweepHealth(vigil: TestVigil, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    vigil.services.monitor.makeAllDue(false);
    await vigil.services.monitor.sweep();
  }
}

export async function signIn(page: Page, base: string, who: { username: string; password: string }): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', who.username);
  await page.fill('input[name=password]', who.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header nav');
}

/** Polls `probe` until `ok`; `what` names the wait in the error (a function: said as it is at the end). */
export async function waitFor<T>(what: string | (() => string), probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`${typeof what === 'string' ? what : what()}: gave up after ${timeoutMs} ms; last ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}
