import { describe, expect, it } from 'vitest';
import { bufferedAhead, ENOUGH_AHEAD_S, LOW_AHEAD_S, paceRate, SLOW_RATE } from '../../web/src/wall/buffer-pacer.js';

const ranges = (...rs: Array<[number, number]>) => ({ length: rs.length, start: (i: number) => rs[i]![0], end: (i: number) => rs[i]![1] });

describe('a live tile\'s playback speed', () => {
  it('slows down near the live edge and is back to normal once a margin is built', () => {
    expect(paceRate(0.3, 1)).toBe(SLOW_RATE);
    // In between: whatever it was (no flapping).
    expect(paceRate(1, SLOW_RATE)).toBe(SLOW_RATE);
    expect(paceRate(1, 1)).toBe(1);
    expect(paceRate(ENOUGH_AHEAD_S, SLOW_RATE)).toBe(1);
    expect(paceRate(LOW_AHEAD_S, 1)).toBe(1);
  });

  it('reads the video ahead from the range the playhead is in', () => {
    expect(bufferedAhead(ranges([0, 2], [3, 5]), 3.5)).toBeCloseTo(1.5);
    expect(bufferedAhead(ranges([0, 2], [3, 5]), 1)).toBeCloseTo(1);
    expect(bufferedAhead(ranges([0, 2]), 2.5)).toBe(0);
    expect(bufferedAhead(ranges(), 0)).toBe(0);
  });
});
