/**
 * A Vigil gateway in its own process for benchmarks (as `npm start` runs it: one process, its
 * ffmpegs as children), signed in as the first admin with an API token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Gateway {
  child: ChildProcess;
  /** Plain HTTP/1.1. */
  base: string;
  /** HTTPS + HTTP/2 (self-signed). */
  secureBase: string;
  token: string;
  password: string;
}

/**
 * A TCP port free on 127.0.0.1, below the ephemeral range (32768+) so the gateway's own
 * port-0 listeners (the RTSP credential proxy) cannot be handed the same one.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port');
}

let built: Promise<void> | null = null;

/**
 * The gateway as shipped: compiled once per benchmark run and run from dist/ with plain node. From
 * sources every worker thread would load tsx and its transform cache too, which the memory figures
 * would then count against Vigil.
 */
function buildGateway(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    const tsc = spawn(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    tsc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`building the gateway failed (tsc exited with ${code})`))));
  });
  return built;
}

export async function startGateway(dataDir: string, configYaml = ''): Promise<Gateway> {
  await buildGateway();
  const password = 'bench-root-password-1';
  const port = await freePort();
  const securePort = await freePort();
  // Health checks would add their own probes and media checks to what is measured: off here.
  const configFile = path.join(dataDir, 'bench.yaml');
  writeFileSync(configFile, `health:\n  enabled: false\n${configYaml}`);
  // VIGIL_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the gateway.
  const nodeArgs = (process.env.VIGIL_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    cwd: ROOT,
    env: { ...process.env, VIGIL_CONFIG: configFile, VIGIL_DATA_DIR: dataDir, VIGIL_PORT: String(port), VIGIL_HTTPS_PORT: String(securePort), VIGIL_LOG_LEVEL: process.env.VIGIL_BENCH_GATEWAY_LOG_LEVEL ?? 'warn', VIGIL_ADMIN_PASSWORD: password },
    // VIGIL_BENCH_GATEWAY_LOG=<file> keeps the gateway's log (warnings and up, or VIGIL_BENCH_GATEWAY_LOG_LEVEL) for a look afterwards.
    stdio: ['ignore', process.env.VIGIL_BENCH_GATEWAY_LOG ? openSync(process.env.VIGIL_BENCH_GATEWAY_LOG, 'w') : 'ignore', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 150) throw new Error(`gateway did not start: ${out}`);
    await sleep(200);
  }
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const t = await fetch(`${base}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'bench' }) });
  return { child, base, secureBase: `https://127.0.0.1:${securePort}`, token: ((await t.json()) as { token: string }).token, password };
}

export async function api<T>(g: Gateway, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(g.base + url, { method, headers: { authorization: `Bearer ${g.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : null });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}


/** SIGTERM, then SIGKILL if it has not exited within 15 s. */
export async function stopGateway(g: Gateway): Promise<void> {
  const exited = new Promise((r) => g.child.once('exit', r));
  g.child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  g.child.kill('SIGKILL');
}
