/**
 * Playback speed of a live tile, from how much video it holds ahead of the picture. An LL-HLS
 * stream starts from its first part (~0.5 s of video), so a tile starts fast but right at the live
 * edge, where a part that comes late freezes the picture. Playing a little slower until a margin
 * has built up moves the tile back from the edge without a freeze; it then plays at normal speed.
 * Hysteresis keeps the speed from flapping.
 */
export const SLOW_RATE = 0.85;
/** Below this much video ahead, slow down. */
export const LOW_AHEAD_S = 0.6;
/** From this much video ahead, normal speed again. */
export const ENOUGH_AHEAD_S = 1.5;

export function paceRate(aheadS: number, currentRate: number): number {
  if (aheadS < LOW_AHEAD_S) return SLOW_RATE;
  if (aheadS >= ENOUGH_AHEAD_S) return 1;
  return currentRate;
}

/** Seconds of video buffered ahead of the playhead (0 when the playhead is in no buffered range). */
export function bufferedAhead(buffered: { readonly length: number; start(i: number): number; end(i: number): number }, time: number): number {
  for (let i = 0; i < buffered.length; i += 1) {
    if (time >= buffered.start(i) - 0.05 && time <= buffered.end(i)) return buffered.end(i) - time;
  }
  return 0;
}
