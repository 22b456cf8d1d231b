import type { HealthState } from './health-state.js';

/**
 * Repair tickets (DESIGN.md §2): a camera offline or degraded for longer than its tier's
 * threshold gets a ticket for its organisation; recovery closes it. Pure decisions and figures.
 */

export type TicketAction = 'open' | 'close' | 'none';

/**
 * What to do with a camera's ticket, given its state, how long it has been in it and whether a
 * ticket is open. Maintenance and unknown neither open nor close one: a technician working on a
 * camera, or Vigil restarting, says nothing about whether it was repaired.
 */
export function ticketAction(state: HealthState, sinceMs: number, hasOpenTicket: boolean, thresholdMs: number, now: number): TicketAction {
  switch (state) {
    case 'offline':
    case 'degraded':
      return !hasOpenTicket && now - sinceMs >= thresholdMs ? 'open' : 'none';
    case 'online':
      return hasOpenTicket ? 'close' : 'none';
    case 'unknown':
    case 'maintenance':
      return 'none';
  }
}

export interface RepairFigures {
  readonly opened: number;
  readonly closed: number;
  readonly open: number;
  /** Time to repair of the closed tickets, in seconds; null when none closed. */
  readonly meanSeconds: number | null;
  readonly medianSeconds: number | null;
  readonly p90Seconds: number | null;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Time-to-repair figures of a group's tickets: `repairMs` per closed ticket, `open` still open. */
export function repairFigures(repairMs: readonly number[], open: number): RepairFigures {
  const sorted = [...repairMs].sort((a, b) => a - b);
  const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
  const mean = sorted.length > 0 ? sorted.reduce((s, v) => s + v, 0) / sorted.length : null;
  return {
    opened: sorted.length + open,
    closed: sorted.length,
    open,
    meanSeconds: seconds(mean),
    medianSeconds: seconds(percentile(sorted, 50)),
    p90Seconds: seconds(percentile(sorted, 90)),
  };
}
