import { describe, expect, it } from 'vitest';
import { repairFigures, ticketAction } from '../../../gateway/src/domain/repair-ticket.js';

const MIN = 60_000;

describe('repair tickets', () => {
  it.each([
    ['offline past the threshold opens', 'offline', 0, false, 'open'],
    ['degraded past the threshold opens', 'degraded', 0, false, 'open'],
    ['not yet past the threshold', 'offline', 1 * MIN, false, 'none'],
    ['already open', 'offline', 0, true, 'none'],
    ['back online closes', 'online', 0, true, 'close'],
    ['online without a ticket', 'online', 0, false, 'none'],
    ['maintenance neither opens nor closes', 'maintenance', 0, true, 'none'],
    ['unknown neither opens nor closes', 'unknown', 0, true, 'none'],
  ] as const)('%s', (_name, state, since, hasOpen, expected) => {
    expect(ticketAction(state, since, hasOpen, 10 * MIN, 10 * MIN)).toBe(expected);
  });

  it('computes time-to-repair figures', () => {
    expect(repairFigures([10 * MIN, 30 * MIN, 20 * MIN, 60 * MIN], 2)).toEqual({
      opened: 6,
      closed: 4,
      open: 2,
      meanSeconds: 30 * 60,
      medianSeconds: 20 * 60,
      p90Seconds: 60 * 60,
    });
    expect(repairFigures([], 1)).toMatchObject({ closed: 0, meanSeconds: null, medianSeconds: null });
  });
});
