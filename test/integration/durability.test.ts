import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-durable-'));
const children: ChildProcess[] = [];

/** Starts the real gateway (one node process, no wrapper) and resolves with its port. */
function startGateway(): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, VIGIL_DATA_DIR: dataDir, VIGIL_PORT: '0', VIGIL_HTTPS_PORT: '0', VIGIL_HOST: '127.0.0.1', VIGIL_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+)[^\n]*"msg":"vigil listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, base: `http://127.0.0.1:${match[1]}`, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

const ADMIN_PASSWORD = 'durable-root-password-1';
let token = '';

/** Signs in as the first admin (cookie + CSRF) and makes an API token, as a script would. */
async function signIn(base: string): Promise<void> {
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'durability' }) });
  expect(res.status).toBe(201);
  token = ((await res.json()) as { token: string }).token;
}

async function post(base: string, url: string, body: unknown): Promise<{ id: string; nationalCode?: string }> {
  const res = await fetch(base + url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('durability', () => {
  it('keeps a camera the API acknowledged after kill -9 and restart', async () => {
    const first = await startGateway();
    await signIn(first.base);
    const city = await post(first.base, '/api/regions', { name: 'Durable City', kind: 'city', adminCode: '110100' });
    const org = await post(first.base, '/api/organisations', { name: 'Durable Org', ownerType: 'government' });
    const cameras = [];
    for (let i = 0; i < 20; i++) {
      cameras.push(await post(first.base, '/api/cameras', { name: `Durable ${i}`, organisationId: org.id, regionId: city.id, profiles: { main: { url: `rtsp://127.0.0.1:8554/durable${i}` } }, credentials: { username: 'u', password: `pw-${i}-secret` } }));
    }
    // Kill at once, right after the last acknowledgement: no chance to flush anything.
    first.child.kill('SIGKILL');
    expect((await exited(first.child)).signal).toBe('SIGKILL');

    const second = await startGateway();
    for (const camera of cameras) {
      const res = await fetch(`${second.base}/api/cameras/${camera.id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: camera.id, nationalCode: camera.nationalCode, hasCredentials: true });
    }
    const list = (await (await fetch(`${second.base}/api/cameras?limit=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number };
    expect(list.total).toBe(20);

    // And it stops cleanly on SIGTERM.
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toEqual({ code: 0, signal: null });
    expect(second.output()).toContain('"msg":"stopped"');
  });
});
