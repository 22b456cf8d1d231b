import { describe, expect, it } from 'vitest';
import { checkThrottle, EMPTY_THROTTLE, recordFailure, type ThrottleState } from '../../gateway/src/domain/login-throttle.js';

const policy = { freeAttempts: 3, windowMs: 60_000, baseLockMs: 1000, maxLockMs: 4000 };

function failAt(state: ThrottleState, ...times: number[]): ThrottleState {
  return times.reduce((s, t) => recordFailure(s, t, policy), state);
}

describe('login throttle policy', () => {
  it('allows the free attempts, then locks', () => {
    const two = failAt(EMPTY_THROTTLE, 0, 10);
    expect(checkThrottle(two, 20)).toEqual({ allowed: true });
    const three = failAt(two, 20);
    expect(checkThrottle(three, 21)).toEqual({ allowed: false, retryAfterMs: 999 });
    expect(checkThrottle(three, 1020)).toEqual({ allowed: true });
  });

  it('doubles each new lock up to the maximum', () => {
    let s = failAt(EMPTY_THROTTLE, 0, 1, 2); // lock 1 s
    expect(s.lockedUntil).toBe(1002);
    s = failAt(s, 2000); // still 4 failures in the window: lock 2 s
    expect(s.lockedUntil).toBe(4000);
    s = failAt(s, 5000); // 4 s
    expect(s.lockedUntil).toBe(9000);
    s = failAt(s, 10_000); // capped at 4 s
    expect(s.lockedUntil).toBe(14_000);
  });

  it('forgets failures older than the window', () => {
    const s = failAt(EMPTY_THROTTLE, 0, 1, 70_000);
    expect(s.failures).toEqual([70_000]);
    expect(checkThrottle(s, 70_001)).toEqual({ allowed: true });
  });
});
