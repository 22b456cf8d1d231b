/**
 * When each camera is checked next (DESIGN.md §4): every tier has its interval; first checks are
 * spread evenly over the interval (by a hash of the camera id, so a restart does not bunch them),
 * later ones come up to a random jitter early so cameras that failed together do not stay in lock-step.
 */

/** FNV-1a, 32 bits: a stable, cheap spread of ids over [0, 1). */
export function spreadOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
}

/** The first check of a camera, somewhere in the next interval. */
export function firstDue(id: string, intervalMs: number, now: number): number {
  return now + Math.floor(spreadOf(id) * intervalMs);
}

/**
 * The next check after one that started at `startedAt`: up to `jitter` of the interval early,
 * never late — the interval is a promise ("every key camera at least every 30 s"), the jitter only
 * keeps cameras that were checked together from staying in step. `random` is a value in [0, 1)
 * (injected, so tests are exact).
 */
export function nextDue(startedAt: number, intervalMs: number, jitter: number, random: number): number {
  return startedAt + Math.round(intervalMs * (1 - random * jitter));
}
