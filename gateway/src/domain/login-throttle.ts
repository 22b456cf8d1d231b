/**
 * Login throttling policy (pure): `freeAttempts` failures within `windowMs` lock the key; while
 * locked, attempts are refused without checking the password. Each new lock (a failure after a
 * lock ran out, still within the window) lasts twice as long as the one before, up to `maxLockMs`. Keyed by the real client address
 * (and separately by username, so one account cannot be hammered from many addresses).
 */
export interface ThrottlePolicy {
  readonly freeAttempts: number;
  readonly windowMs: number;
  readonly baseLockMs: number;
  readonly maxLockMs: number;
}

export interface ThrottleState {
  readonly failures: readonly number[];
  readonly lockedUntil: number;
  readonly locks: number;
}

export const EMPTY_THROTTLE: ThrottleState = { failures: [], lockedUntil: 0, locks: 0 };

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export function checkThrottle(state: ThrottleState, now: number): ThrottleVerdict {
  return now < state.lockedUntil ? { allowed: false, retryAfterMs: state.lockedUntil - now } : { allowed: true };
}

export function recordFailure(state: ThrottleState, now: number, policy: ThrottlePolicy): ThrottleState {
  const failures = [...state.failures.filter((t) => now - t < policy.windowMs), now];
  if (failures.length < policy.freeAttempts) return { ...state, failures };
  const locks = state.locks + 1;
  const lock = Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** (locks - 1));
  return { failures, lockedUntil: now + lock, locks };
}

