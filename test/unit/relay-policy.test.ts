import { describe, expect, it } from 'vitest';
import { decideUnderCap, isIdle, isStalled, restartDelayMs, takeStartToken } from '../../gateway/src/domain/relay-policy.js';

const backoff = { baseMs: 500, maxMs: 30_000, jitter: 0.2 };

describe('restartDelayMs', () => {
  it.each([
    [1, 0, 500],
    [2, 0, 1000],
    [3, 0.5, 1800],
    [7, 0, 30_000],
    [50, 0, 30_000],
    [7, 1, 24_000],
  ])('attempt %s, random %s → %s ms', (attempt, r, ms) => {
    expect(restartDelayMs(attempt, backoff, () => r)).toBe(ms);
  });

  it('never restarts in a tight loop', () => {
    for (let attempt = 1; attempt < 20; attempt++) expect(restartDelayMs(attempt, backoff, Math.random)).toBeGreaterThanOrEqual(400);
  });
});

describe('stall and idle', () => {
  it('calls a relay stalled after factor × target duration without a segment', () => {
    expect(isStalled(0, 5_999, 2, 3)).toBe(false);
    expect(isStalled(0, 6_001, 2, 3)).toBe(true);
  });
  it('calls a relay idle once nobody asked for idleMs', () => {
    expect(isIdle(1000, 30_999, 30_000)).toBe(false);
    expect(isIdle(1000, 31_000, 30_000)).toBe(true);
  });
});

describe('decideUnderCap', () => {
  const running = [
    { key: 'g-old', tier: 'general' as const, lastRequestAtMs: 100 },
    { key: 'g-new', tier: 'general' as const, lastRequestAtMs: 900 },
    { key: 'a', tier: 'attention' as const, lastRequestAtMs: 50 },
    { key: 'k', tier: 'key' as const, lastRequestAtMs: 10 },
  ];
  it('starts under the cap', () => {
    expect(decideUnderCap(running, 5, 'general')).toEqual({ start: true, evict: null });
  });
  it('at the cap, a key camera displaces the least recently watched general one', () => {
    expect(decideUnderCap(running, 4, 'key')).toEqual({ start: true, evict: 'g-old' });
  });
  it('an attention camera displaces only lower tiers', () => {
    expect(decideUnderCap(running, 4, 'attention')).toEqual({ start: true, evict: 'g-old' });
    expect(decideUnderCap(running.filter((r) => r.tier !== 'general'), 2, 'attention')).toEqual({ start: false, reason: 'cap-reached' });
  });
  it('a general camera displaces nobody', () => {
    expect(decideUnderCap(running, 4, 'general')).toEqual({ start: false, reason: 'cap-reached' });
  });
});

describe('takeStartToken', () => {
  it('lets a burst through, then paces starts', () => {
    let bucket = { tokens: 3, atMs: 0 };
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = takeStartToken(bucket, 0, 4, 3);
      waits.push(r.waitMs);
      bucket = r.waitMs === 0 ? r.bucket : bucket;
    }
    expect(waits).toEqual([0, 0, 0, 250, 250]);
    expect(takeStartToken(bucket, 250, 4, 3).waitMs).toBe(0);
  });
});
