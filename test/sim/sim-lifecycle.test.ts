import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFarm } from '../../scripts/sim/farm.js';
import { tcpConnect } from '../helpers/media-probe.js';
import { descendantsOf, isAlive, waitUntil } from '../helpers/process-table.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('farm lifecycle', () => {
  it('starts and stops with no process or port left behind', async () => {
    const farm = await startFarm({ network: '127.84', cameras: [{ name: 'live', onvif: true }, { name: 'clip', source: 'clip' }] });
    const pids = farm.pids();
    // The GStreamer server plus one pusher per clip profile.
    expect(pids.length).toBe(3);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);
    expect(await tcpConnect('127.84.0.1', 8554)).toBe('connected');
    await farm.stop();
    expect(await waitUntil(() => pids.every((pid) => !isAlive(pid)), 5000)).toBe(true);
    expect(await tcpConnect('127.84.0.1', 8554)).toBe('refused');
    expect(await tcpConnect('127.84.0.1', 8000)).toBe('refused');
    expect(await tcpConnect('127.84.0.2', 8554)).toBe('refused');
  });

  /** Starts the CLI as a user would and waits for its JSON document. */
  async function startCli(network: string) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sim/cli.ts', '--cameras', '3', '--onvif', '1', '--source', 'clip', '--network', network, '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`sim exited with ${code}`)));
    });
    return { child, doc: JSON.parse(line) as { cameras: Array<Record<string, unknown>> } };
  }

  it('the CLI prints one JSON document when ready and stops cleanly on SIGINT', async () => {
    const { child, doc } = await startCli('127.85');
    expect(doc.cameras).toHaveLength(3);
    for (const camera of doc.cameras) {
      expect(Object.keys(camera)).toEqual(expect.arrayContaining(['name', 'rtspUrl', 'subRtspUrl', 'onvifUrl', 'username', 'password', 'codec', 'controlUrl']));
    }
    expect(doc.cameras[0]!.onvifUrl).toMatch(/^http:\/\/127\.85\.0\.1:8000\//);
    expect(doc.cameras[1]!.onvifUrl).toBeNull();
    const children = descendantsOf(child.pid!);
    // The GStreamer server and two pushers (main, sub) per clip camera.
    expect(children.filter((p) => p.cmdline.includes('rtsp_server.py'))).toHaveLength(1);
    expect(children.filter((p) => p.cmdline.startsWith('ffmpeg') && p.cmdline.includes('rtp://127.0.0.1:'))).toHaveLength(6);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await waitUntil(() => children.every((p) => !isAlive(p.pid)), 5000)).toBe(true);
  });

  it('leaves nothing behind even when the CLI is killed with SIGKILL', async () => {
    const { child } = await startCli('127.86');
    const children = descendantsOf(child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(7);
    child.kill('SIGKILL');
    // The GStreamer server and the pushers die with their parent (PR_SET_PDEATHSIG).
    expect(await waitUntil(() => children.every((p) => !isAlive(p.pid)), 5000)).toBe(true);
    expect(await tcpConnect('127.86.0.1', 8554)).toBe('refused');
  });
});
