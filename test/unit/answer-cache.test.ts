import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../../gateway/src/relay/answer-cache.js';
import { LiveWindow } from '../../gateway/src/relay/live-window.js';

const kB = (n: number, fill = 1) => Buffer.alloc(n * 1024, fill);

describe('AnswerCache (answers kept for other viewers, within one budget for all relays)', () => {
  it('keeps each owner\'s newest few', () => {
    const cache = new AnswerCache(1024 * 1024, 2);
    const a = cache.owner();
    const b = cache.owner();
    for (const name of ['p1', 'p2', 'p3']) cache.set(a, name, kB(1));
    cache.set(b, 'p1', kB(1, 2));
    expect(cache.get(a, 'p1')).toBeNull();
    expect(cache.get(a, 'p2')).not.toBeNull();
    expect(cache.get(a, 'p3')).not.toBeNull();
    expect(cache.get(b, 'p1')![0]).toBe(2); // owners never see each other's answers
    expect(cache.bytes).toBe(3 * 1024);
  });

  it('stays within its byte budget across owners, the least recently asked for going first', () => {
    const cache = new AnswerCache(10 * 1024, 4);
    const owners = Array.from({ length: 4 }, () => cache.owner());
    for (const owner of owners) cache.set(owner, 'seg', kB(3));
    expect(cache.bytes).toBe(9 * 1024); // the first owner's answer made room for the fourth's
    expect(cache.get(owners[0]!, 'seg')).toBeNull();
    // Asked for again: the second owner's answer is now the most recent, the third's goes next.
    expect(cache.get(owners[1]!, 'seg')).not.toBeNull();
    cache.set(owners[0]!, 'seg', kB(3));
    expect(cache.get(owners[2]!, 'seg')).toBeNull();
    expect(cache.get(owners[1]!, 'seg')).not.toBeNull();
    expect(cache.bytes).toBeLessThanOrEqual(10 * 1024);
    // An answer larger than the whole budget is served, not kept.
    cache.set(owners[3]!, 'huge', kB(11));
    expect(cache.get(owners[3]!, 'huge')).toBeNull();
  });

  it('forgets a stopped relay\'s answers', () => {
    const cache = new AnswerCache(1024 * 1024, 4);
    const a = cache.owner();
    cache.set(a, 'p1', kB(2));
    cache.set(a, 'p1', kB(2)); // the same name again replaces, not adds
    expect(cache.bytes).toBe(2 * 1024);
    cache.forget(a);
    expect(cache.bytes).toBe(0);
    expect(cache.get(a, 'p1')).toBeNull();
  });

  it('is what relay windows share: one window\'s answers count against the others\' budget', () => {
    const cache = new AnswerCache(5, 4);
    const store = { read: (ranges: ReadonlyArray<{ file: string }>) => Buffer.from(ranges.map((r) => r.file).join('')), release: () => undefined };
    const windows = [new LiveWindow({ gopSeconds: 2, partTargetS: 0.5, playlistLength: 3 }, store, cache), new LiveWindow({ gopSeconds: 2, partTargetS: 0.5, playlistLength: 3 }, store, cache)];
    for (const [i, w] of windows.entries()) {
      w.beginRun(Buffer.from('init'));
      w.addFragment({ file: `w${i}p0`, offset: 0, length: 4 }, 0.4, true);
      expect(w.file('part_0_0.m4s')!.toString()).toBe(`w${i}p0`);
    }
    expect(cache.bytes).toBe(4); // 4 + 4 bytes would pass the 5-byte budget: the first went
    windows[1]!.close();
    expect(cache.bytes).toBe(0);
  });
});
