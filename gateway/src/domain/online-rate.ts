import type { HealthState } from './health-state.js';

/**
 * Online rate (DESIGN.md §4): approved cameras online ÷ approved cameras whose state is known and
 * that are not in maintenance. Pure arithmetic over stored transitions.
 *
 * Decisions worth stating:
 * - `unknown` time (after a restart, before the first probe) counts neither way: Vigil did not
 *   know, and counting it as offline would punish owners for Vigil's own restarts. The share of
 *   time that was known is reported as `coverage` so a thin figure is visible.
 * - `degraded` (frozen, black, no video, flapping) counts as not online: nobody can watch it.
 * - Maintenance windows are cut out of the time whatever the transitions say, so a window
 *   entered late (or recorded afterwards) still excludes its time.
 */

export interface StateChange {
  readonly at: number;
  readonly to: HealthState;
}

export interface Interval {
  readonly from: number;
  readonly to: number;
}

export interface Exposure {
  /** Milliseconds online. */
  readonly online: number;
  /** Milliseconds online, degraded or offline, outside maintenance. */
  readonly counted: number;
  /** Milliseconds inside the window (after the camera's first known state). */
  readonly span: number;
}

export const NO_EXPOSURE: Exposure = { online: 0, counted: 0, span: 0 };

/** Milliseconds of `piece` not covered by any of `windows` (windows may overlap each other). */
function outside(piece: Interval, windows: readonly Interval[]): number {
  const clipped = windows
    .map((w) => ({ from: Math.max(w.from, piece.from), to: Math.min(w.to, piece.to) }))
    .filter((w) => w.to > w.from)
    .sort((a, b) => a.from - b.from);
  let covered = 0;
  let reach = piece.from;
  for (const w of clipped) {
    const from = Math.max(w.from, reach);
    if (w.to > from) covered += w.to - from;
    reach = Math.max(reach, w.to);
  }
  return piece.to - piece.from - covered;
}

/**
 * One camera's time in [window.from, window.to): how long it was online and how long it counted.
 *
 * @param initial the state in force at window.from (the last change before it), or null if none
 * @param changes state changes inside the window, in time order
 */
export function cameraExposure(initial: HealthState | null, changes: readonly StateChange[], maintenance: readonly Interval[], window: Interval): Exposure {
  let online = 0;
  let counted = 0;
  let span = 0;
  let state = initial;
  let at = window.from;
  const pieces = [...changes.filter((c) => c.at >= window.from && c.at < window.to), { at: window.to, to: null }];
  for (const change of pieces) {
    const piece = { from: at, to: Math.max(at, change.at) };
    if (state !== null) {
      span += piece.to - piece.from;
      if (state === 'online' || state === 'degraded' || state === 'offline') {
        const time = outside(piece, maintenance);
        counted += time;
        if (state === 'online') online += time;
      }
    }
    state = change.to;
    at = piece.to;
  }
  return { online, counted, span };
}

export function addExposure(a: Exposure, b: Exposure): Exposure {
  return { online: a.online + b.online, counted: a.counted + b.counted, span: a.span + b.span };
}

/** online ÷ counted, or null when nothing counted (no data is not 0 %). */
export function rateOf(e: { online: number; counted: number }): number | null {
  return e.counted > 0 ? e.online / e.counted : null;
}

export interface StateCounts {
  readonly online: number;
  readonly degraded: number;
  readonly offline: number;
  readonly unknown: number;
  readonly maintenance: number;
}

export const NO_COUNTS: StateCounts = { online: 0, degraded: 0, offline: 0, unknown: 0, maintenance: 0 };

export function countState(counts: StateCounts, state: HealthState): StateCounts {
  return { ...counts, [state]: counts[state] + 1 };
}

/** The rate now: online ÷ (online + degraded + offline). */
export function rateNow(c: StateCounts): number | null {
  return rateOf({ online: c.online, counted: c.online + c.degraded + c.offline });
}

/**
 * One camera's exposure in each of consecutive `buckets` (in time order, touching or not): the
 * state at each bucket's start is carried over from the changes before it.
 */
export function bucketExposures(initial: HealthState | null, changes: readonly StateChange[], maintenance: readonly Interval[], buckets: readonly Interval[]): Exposure[] {
  let state = initial;
  let next = 0;
  return buckets.map((bucket) => {
    while (next < changes.length && changes[next]!.at < bucket.from) state = changes[next++]!.to;
    const inside: StateChange[] = [];
    for (let i = next; i < changes.length && changes[i]!.at < bucket.to; i++) inside.push(changes[i]!);
    return cameraExposure(state, inside, maintenance, bucket);
  });
}

/** Splits [span.from, span.to) into `count` equal buckets. */
export function splitSpan(span: Interval, count: number): Interval[] {
  const size = (span.to - span.from) / count;
  return Array.from({ length: count }, (_, i) => ({ from: Math.round(span.from + i * size), to: i === count - 1 ? span.to : Math.round(span.from + (i + 1) * size) }));
}
