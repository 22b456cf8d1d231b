import { checkThrottle, EMPTY_THROTTLE, recordFailure, type ThrottlePolicy, type ThrottleState, type ThrottleVerdict } from '../domain/login-throttle.js';
import type { Clock } from '../domain/clock.js';

/**
 * Keeps throttle state per client address and per username, in memory (a restart forgives; a
 * multi-process deployment throttles per process). Bounded: the oldest keys go first.
 */
export class LoginThrottle {
  readonly #states = new Map<string, ThrottleState>();

  constructor(
    private readonly policies: { readonly perClient: ThrottlePolicy; readonly perUser: ThrottlePolicy },
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  check(clientIp: string, username: string): ThrottleVerdict {
    const now = this.clock.now().getTime();
    const verdicts = [checkThrottle(this.#get(`ip:${clientIp}`), now), checkThrottle(this.#get(`user:${username}`), now)];
    const refused = verdicts.filter((v) => !v.allowed);
    if (refused.length === 0) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(...refused.map((v) => (v.allowed ? 0 : v.retryAfterMs))) };
  }

  failed(clientIp: string, username: string): void {
    const now = this.clock.now().getTime();
    this.#set(`ip:${clientIp}`, recordFailure(this.#get(`ip:${clientIp}`), now, this.policies.perClient));
    this.#set(`user:${username}`, recordFailure(this.#get(`user:${username}`), now, this.policies.perUser));
  }

  succeeded(clientIp: string, username: string): void {
    this.#states.delete(`ip:${clientIp}`);
    this.#states.delete(`user:${username}`);
  }

  #get(key: string): ThrottleState {
    return this.#states.get(key) ?? EMPTY_THROTTLE;
  }

  #set(key: string, state: ThrottleState): void {
    this.#states.delete(key);
    this.#states.set(key, state);
    while (this.#states.size > this.maxKeys) {
      const oldest = this.#states.keys().next().value;
      if (oldest === undefined) break;
      this.#states.delete(oldest);
    }
  }
}
