import { describe, expect, it } from 'vitest';
import { firstDue, nextDue, spreadOf } from '../../../gateway/src/domain/check-schedule.js';

describe('check schedule', () => {
  it('spreads first checks evenly over the interval', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(spreadOf(`camera-${i}`) * 10)]! += 1;
    for (const n of buckets) expect(n).toBeGreaterThan(850);
    const due = firstDue('camera-1', 30_000, 1_000_000);
    expect(due).toBeGreaterThanOrEqual(1_000_000);
    expect(due).toBeLessThan(1_030_000);
    expect(firstDue('camera-1', 30_000, 1_000_000)).toBe(due);
  });

  it.each([
    [0, 60_000],
    [0.5, 57_000],
    [0.999_999_9, 54_000],
  ])('next check with random %s is %s ms later (up to 10 %% early, never late)', (random, expected) => {
    expect(nextDue(0, 60_000, 0.1, random)).toBe(expected);
  });
});
