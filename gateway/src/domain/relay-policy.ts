import { tierRank, type Tier } from './tier.js';

/**
 * Pure decisions of the HLS relay (DESIGN.md §4 Relay): when to restart a dead ffmpeg, when a
 * relay has stalled or gone idle, which relay gives way when the cap is reached, and how fast
 * relays may start. The relay supervisor feeds these with the clock and acts on the answers.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0..1: the share of the delay that is random, so many relays do not restart in step. */
  readonly jitter: number;
}

/**
 * Delay before restart number `attempt` (1 = first restart): base·2^(attempt-1), capped, with
 * jitter taken off the top so the cap is never exceeded.
 *
 * @example restartDelayMs(3, { baseMs: 500, maxMs: 30_000, jitter: 0.2 }, () => 0.5) // 1800
 */
export function restartDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(full * (1 - policy.jitter * random()));
}

/** No new segment for `factor` target durations: ffmpeg is alive but the picture stopped. */
export function isStalled(lastSegmentAtMs: number, nowMs: number, targetDurationS: number, factor: number): boolean {
  return nowMs - lastSegmentAtMs > targetDurationS * factor * 1000;
}

/** Nobody asked for a playlist or segment for `idleMs`: stop pulling the camera. */
export function isIdle(lastRequestAtMs: number, nowMs: number, idleMs: number): boolean {
  return nowMs - lastRequestAtMs >= idleMs;
}

export interface RunningRelay {
  readonly key: string;
  readonly tier: Tier;
  readonly lastRequestAtMs: number;
}

export type CapDecision = { readonly start: true; readonly evict: string | null } | { readonly start: false; readonly reason: 'cap-reached' };

/**
 * Room for one more relay? Under the cap: yes. At the cap, a camera of a higher tier displaces
 * the least recently watched relay of the lowest tier below it; otherwise the request is refused.
 * Key cameras win.
 */
export function decideUnderCap(running: readonly RunningRelay[], cap: number, incomingTier: Tier): CapDecision {
  if (running.length < cap) return { start: true, evict: null };
  const candidates = running
    .filter((r) => tierRank(r.tier) > tierRank(incomingTier))
    .sort((a, b) => tierRank(b.tier) - tierRank(a.tier) || a.lastRequestAtMs - b.lastRequestAtMs);
  const victim = candidates[0];
  return victim ? { start: true, evict: victim.key } : { start: false, reason: 'cap-reached' };
}

/** A token bucket limiting relay starts per second, so a 64-tile wall cannot start 64 ffmpegs at once. */
export interface StartBucket {
  readonly tokens: number;
  readonly atMs: number;
}

export function takeStartToken(bucket: StartBucket, nowMs: number, perSecond: number, burst: number): { readonly bucket: StartBucket; readonly waitMs: number } {
  const refilled = Math.min(burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * perSecond);
  if (refilled >= 1) return { bucket: { tokens: refilled - 1, atMs: nowMs }, waitMs: 0 };
  const waitMs = Math.ceil(((1 - refilled) / perSecond) * 1000);
  return { bucket: { tokens: refilled, atMs: nowMs }, waitMs };
}
