import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SegmentCache } from '../../gateway/src/relay/segment-cache.js';

let dir: string;
const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
const text = async (p: Promise<Buffer>) => (await p).toString();

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-segcache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SegmentCache', () => {
  it('keeps listed segments, and reads unlisted ones from the folder every time', async () => {
    const cache = new SegmentCache(dir, 3);
    write('seg_000001.ts', 'first');
    write('seg_000002.ts', 'being written');
    expect(await text(cache.read('seg_000001.ts', true))).toBe('first');
    expect(await text(cache.read('seg_000002.ts', false))).toBe('being written');
    // The files change on disk: the kept one is served as it was read, the unlisted one afresh.
    write('seg_000001.ts', 'changed');
    write('seg_000002.ts', 'complete');
    expect(await text(cache.read('seg_000001.ts', true))).toBe('first');
    expect(await text(cache.read('seg_000002.ts', false))).toBe('complete');
    expect(cache.size).toBe(1);
  });

  it('shares one read between viewers asking at once', async () => {
    const cache = new SegmentCache(dir, 3);
    write('seg_000001.ts', 'x'.repeat(100_000));
    const reads = Array.from({ length: 4 }, () => cache.read('seg_000001.ts', true));
    const buffers = await Promise.all(reads);
    expect(new Set(buffers).size).toBe(1);
  });

  it('drops the oldest beyond its capacity, and is emptied by clear()', async () => {
    const cache = new SegmentCache(dir, 2);
    for (const n of [1, 2, 3]) {
      write(`seg_00000${n}.ts`, `v1 ${n}`);
      await cache.read(`seg_00000${n}.ts`, true);
    }
    for (const n of [1, 2, 3]) write(`seg_00000${n}.ts`, `v2 ${n}`);
    expect(await text(cache.read('seg_000001.ts', true))).toBe('v2 1');
    expect(await text(cache.read('seg_000003.ts', true))).toBe('v1 3');
    cache.clear();
    expect(cache.size).toBe(0);
    expect(await text(cache.read('seg_000003.ts', true))).toBe('v2 3');
  });

  it('does not keep a failed read', async () => {
    const cache = new SegmentCache(dir, 3);
    await expect(cache.read('seg_000009.ts', true)).rejects.toMatchObject({ code: 'ENOENT' });
    write('seg_000009.ts', 'late');
    expect(await text(cache.read('seg_000009.ts', true))).toBe('late');
  });
});
