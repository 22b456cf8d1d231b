import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFarm } from '../../scripts/sim/farm.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NAMESPACE = `vigil-sim-${process.pid}`;
const isRoot = process.getuid?.() === 0;
let child: ChildProcess | null = null;
let namespaceMade = false;

afterAll(() => {
  child?.kill('SIGKILL');
  if (namespaceMade) execFileSync('ip', ['netns', 'del', NAMESPACE]);
});

/** A private network namespace whose loopback carries multicast (DESIGN.md §5). */
function makeNamespace(): void {
  execFileSync('ip', ['netns', 'add', NAMESPACE]);
  namespaceMade = true;
  execFileSync('ip', ['-n', NAMESPACE, 'link', 'set', 'lo', 'up']);
  execFileSync('ip', ['-n', NAMESPACE, 'link', 'set', 'lo', 'multicast', 'on']);
  execFileSync('ip', ['-n', NAMESPACE, 'route', 'add', '224.0.0.0/4', 'dev', 'lo']);
}

// Sends one Probe to the WS-Discovery group from inside the namespace and prints who answered.
const PROBE_SCRIPT = `
const dgram = require('node:dgram');
const s = dgram.createSocket('udp4');
const answers = [];
s.on('message', (m, r) => answers.push({ from: r.address, xml: m.toString() }));
s.bind(0, '127.0.0.1', () => {
  s.setMulticastInterface('127.0.0.1');
  const probe = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">'
    + '<s:Header><a:MessageID>urn:uuid:00000000-0000-4000-8000-000000000001</a:MessageID></s:Header>'
    + '<s:Body><Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery"/></s:Body></s:Envelope>';
  s.send(probe, 3702, '239.255.255.250');
  setTimeout(() => { console.log(JSON.stringify(answers)); s.close(); }, 1500);
});`;

describe('multicast discovery', () => {
  it('is refused in the machine network namespace', async () => {
    await expect(startFarm({ network: '127.88', cameras: 1, onvif: 1, multicast: true })).rejects.toThrow(/private network namespace/);
  });

  it.skipIf(!isRoot)('is answered by every device inside a private network namespace', async () => {
    makeNamespace();
    child = spawn('ip', ['netns', 'exec', NAMESPACE, process.execPath, '--import', 'tsx', 'scripts/sim/cli.ts', '--cameras', '3', '--onvif', '2', '--network', '127.60', '--multicast', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const doc = JSON.parse(await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`sim exited with ${code}`)));
    })) as { cameras: Array<{ host: string; endpointReference: string | null }> };
    const out = execFileSync('ip', ['netns', 'exec', NAMESPACE, process.execPath, '-e', PROBE_SCRIPT], { encoding: 'utf8' });
    const answers = JSON.parse(out) as Array<{ from: string; xml: string }>;
    const onvif = doc.cameras.filter((c) => c.endpointReference !== null);
    expect(answers.map((a) => a.from).sort()).toEqual(onvif.map((c) => c.host).sort());
    for (const camera of onvif) {
      const answer = answers.find((a) => a.from === camera.host)!;
      expect(answer.xml).toContain(camera.endpointReference!);
      expect(answer.xml).toContain('urn:uuid:00000000-0000-4000-8000-000000000001');
      expect(answer.xml).toContain(`http://${camera.host}:8000/onvif/device_service`);
    }
  });
});
