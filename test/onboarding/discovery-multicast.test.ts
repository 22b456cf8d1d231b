import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Multicast WS-Discovery through Vigil's API, inside a private network namespace the test makes
 * (DESIGN.md §5: no Probe ever leaves a real interface). Needs root, as CI has.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const NAMESPACE = `vigil-disc-${process.pid}`;
const isRoot = process.getuid?.() === 0;
let made = false;

afterAll(() => {
  if (made) execFileSync('ip', ['netns', 'del', NAMESPACE]);
});

describe('multicast discovery', () => {
  it.skipIf(!isRoot)('finds every ONVIF device on the namespace loopback, through the API', () => {
    execFileSync('ip', ['netns', 'add', NAMESPACE]);
    made = true;
    execFileSync('ip', ['-n', NAMESPACE, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['-n', NAMESPACE, 'link', 'set', 'lo', 'multicast', 'on']);
    execFileSync('ip', ['-n', NAMESPACE, 'route', 'add', '224.0.0.0/4', 'dev', 'lo']);
    const out = execFileSync('ip', ['netns', 'exec', NAMESPACE, process.execPath, '--import', 'tsx', 'test/helpers/multicast-discovery.child.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { state: string; expected: string[]; found: Array<{ endpointReference: string; status: string }> };
    expect(result.state).toBe('done');
    expect(result.expected).toHaveLength(2);
    expect(result.found.map((f) => f.endpointReference).sort()).toEqual([...result.expected].sort());
    expect(result.found.every((f) => f.status === 'ok')).toBe(true);
  }, 120_000);
});
