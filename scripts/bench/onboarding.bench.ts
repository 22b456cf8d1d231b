/**
 * Onboarding benchmark: discovery and interrogation of N simulated ONVIF devices (unicast on
 * loopback) by Vigil, side by side with the `onvif` package (agsh) interrogating the same devices;
 * and a CSV import of 10,000 rows, side by side with registering the same cameras one API create at
 * a time. Writes its figures into docs/BENCHMARKS.md (section "Onboarding").
 *
 *   node --import tsx scripts/bench/onboarding.bench.ts [--devices 200] [--rows 10000]
 *
 * The devices run in their own process. Every loop here is bounded and stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import onvif from 'onvif';
import { loadConfig } from '../../gateway/src/config/config.loader.js';
import { createVigil } from '../../gateway/src/composition.js';
import { createLogger } from '../../gateway/src/logging/logger.js';
import { SecretRedactor } from '../../gateway/src/logging/secret-redactor.js';
import { SYSTEM } from '../../gateway/src/services/actor.js';
import { cpuModel } from './proc-stats.js';
import { writeSection } from './report.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { devices: { type: 'string', default: '200' }, rows: { type: 'string', default: '10000' } } });
const DEVICES = Number(values.devices);
const ROWS = Number(values.rows);
// The agsh client loses most devices' profiles when several Cam objects connect at once in one
// process (2 of 20 answered at 16 at once): the baseline runs one device at a time.
const AGSH_CONCURRENCY = 1;

function ownCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return (f[11]! + f[12]!) / 100;
}

async function measure<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; cpu: number }> {
  const cpu0 = ownCpu();
  const t0 = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - t0) / 1000, cpu: ownCpu() - cpu0 };
}

async function startDevices(): Promise<{ child: ChildProcess; username: string; password: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/onvif-devices.process.ts', String(DEVICES)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('devices did not start in 60 s')), 60_000);
    createInterface({ input: child.stdout }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
  });
  return { child, ...(JSON.parse(line) as { username: string; password: string }) };
}

/** agsh: connect (GetSystemDateAndTime, GetCapabilities, GetProfiles, …) and a stream URI per profile. */
function agshInterrogate(hostname: string, username: string, password: string): Promise<number> {
  return new Promise((resolve) => {
    const cam = new onvif.Cam({ hostname, port: 8000, username, password, timeout: 5000, autoconnect: false });
    cam.connect((err) => {
      if (err) {
        if (process.env.BENCH_DEBUG) console.error(hostname, err.message);
        return resolve(0);
      }
      const profiles = (cam as unknown as { profiles?: Array<{ $: { token: string } }> }).profiles ?? [];
      let left = profiles.length;
      if (left === 0) return resolve(0);
      let uris = 0;
      for (const p of profiles) {
        cam.getStreamUri({ protocol: 'RTSP', profileToken: p.$.token }, (e) => {
          if (e && process.env.BENCH_DEBUG) console.error(hostname, 'getStreamUri', e.message);
          if (!e) uris += 1;
          if (--left === 0) resolve(uris);
        });
      }
    });
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-onboarding-bench-'));
  const devices = await startDevices();
  try {
    const config = loadConfig({ env: { VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: 'bench-root-password-1' }, cwd: ROOT, overrides: { health: { enabled: false } } });
    const redactor = new SecretRedactor();
    const logger = createLogger({ level: 'warn', redactor, destination: new Writable({ write: (_c, _e, done) => done() }) });
    const vigil = await createVigil({ config, logger, redactor, print: () => undefined });
    const { discovery, imports, cameras, organisations, regions } = vigil.services;

    // --- Discovery + interrogation ---
    const admin = { ...SYSTEM, role: 'admin' as const };
    console.log(`discovering ${DEVICES} devices…`);
    const prefix = DEVICES <= 250 ? '127.97.0.0/24:3702' : '127.97.0.0/22:3702';
    const vigilRun = await measure(async () => {
      const { id } = discovery.start({ targets: [prefix], interfaces: [], timeoutMs: 1000, credentials: { username: devices.username, password: devices.password } }, admin);
      for (let i = 0; i < 600; i++) {
        const run = discovery.get(id, admin);
        if (run.state !== 'running') return run;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('discovery did not finish in 60 s');
    });
    const found = vigilRun.result.candidates.length;
    const ok = vigilRun.result.candidates.filter((c) => c.status === 'ok' && c.profiles.length === 2).length;

    console.log('agsh baseline…');
    const hosts = Array.from({ length: DEVICES }, (_, i) => `127.97.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    const agsh = await measure(async () => {
      let uris = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: AGSH_CONCURRENCY }, async () => {
          while (next < hosts.length) uris += await agshInterrogate(hosts[next++]!, devices.username, devices.password);
        }),
      );
      return uris;
    });

    // --- CSV import ---
    console.log(`importing ${ROWS} rows…`);
    const city = await regions.create({ name: 'Bench City', kind: 'city', adminCode: '330100' }, SYSTEM);
    const org = await organisations.create({ name: 'Bench Bureau', ownerType: 'government', regionId: city.id }, SYSTEM);
    const row = (i: number, net: number) => `Cam ${net}-${i},Bench Bureau,330100,general,rtsp://10.${net}.${Math.floor(i / 250)}.${(i % 250) + 1}:554/main,,admin,pw-${i},,,`;
    const csv = ['name,organisation,region,tier,main_url,sub_url,username,password,latitude,longitude,address', ...Array.from({ length: ROWS }, (_, i) => row(i, 40))].join('\n');
    const dry = await measure(() => imports.run(csv, { dryRun: true, rows: null }, SYSTEM));
    const commit = await measure(() => imports.run(csv, { dryRun: false, rows: null }, SYSTEM));
    const again = await measure(() => imports.run(csv, { dryRun: false, rows: null }, SYSTEM));
    const oneByOne = await measure(async () => {
      for (let i = 0; i < ROWS; i++) {
        await cameras.create({ name: `One ${i}`, organisationId: org.id, regionId: city.id, profiles: { main: { url: `rtsp://10.41.${Math.floor(i / 250)}.${(i % 250) + 1}:554/main` } }, credentials: { username: 'admin', password: `pw-${i}` } }, SYSTEM);
      }
    });
    await vigil.close();

    const lines = [
      `Run ${new Date().toISOString()} on ${os.cpus().length} × ${cpuModel()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}.`,
      `Command: \`node --import tsx scripts/bench/onboarding.bench.ts --devices ${DEVICES} --rows ${ROWS}\`. Devices: simulated ONVIF devices (SOAP device and media services, WS-Discovery responder, WS-UsernameToken checked) in their own process on 127.97.x.y; CPU is the measuring process's own.`,
      '',
      '| | result | wall time | CPU |',
      '|---|---|---|---|',
      `| Vigil: discovery run over ${prefix.split(':')[0]} (unicast Probes sent twice, 1 s reply window) + interrogation (16 at once) | ${found} found, ${ok} fully interrogated (device info, 2 profiles, 2 stream URIs, snapshot URI) | ${vigilRun.seconds.toFixed(1)} s | ${vigilRun.cpu.toFixed(2)} s |`,
      `| baseline: \`onvif\` (agsh) \`Cam.connect\` + \`getStreamUri\` per profile, same devices, one at a time (it loses devices when run concurrently; no discovery) | ${agsh.result} stream URIs | ${agsh.seconds.toFixed(1)} s | ${agsh.cpu.toFixed(2)} s |`,
      `| Vigil: CSV dry run, ${ROWS} rows (every row validated as the API would, rolled back) | ${dry.result.totals.valid} valid | ${dry.seconds.toFixed(1)} s | ${dry.cpu.toFixed(1)} s |`,
      `| Vigil: CSV commit, ${ROWS} rows, one transaction | ${commit.result.totals.created} created | ${commit.seconds.toFixed(1)} s | ${commit.cpu.toFixed(1)} s |`,
      `| Vigil: the same file again (idempotent) | ${again.result.totals.exists} exist, ${again.result.totals.created} created | ${again.seconds.toFixed(1)} s | ${again.cpu.toFixed(1)} s |`,
      `| baseline: ${ROWS} cameras created one at a time through the camera service (what ${ROWS} POST /api/cameras do, HTTP aside) | ${ROWS} created | ${oneByOne.seconds.toFixed(1)} s | ${oneByOne.cpu.toFixed(1)} s |`,
    ];
    const report = lines.join('\n');
    console.log(report);
    writeSection('Onboarding', report);
  } finally {
    devices.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
