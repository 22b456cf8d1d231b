import { describe, expect, it } from 'vitest';
import { addExposure, bucketExposures, cameraExposure, countState, NO_COUNTS, rateNow, rateOf, splitSpan, type StateChange } from '../../../gateway/src/domain/online-rate.js';

const H = 3600_000;
const window = { from: 0, to: 10 * H };

describe('time-weighted online rate', () => {
  it.each<[string, Parameters<typeof cameraExposure>[0], StateChange[], Array<{ from: number; to: number }>, { online: number; counted: number; span: number }]>([
    ['online all along', 'online', [], [], { online: 10 * H, counted: 10 * H, span: 10 * H }],
    ['offline from hour 4', 'online', [{ at: 4 * H, to: 'offline' }], [], { online: 4 * H, counted: 10 * H, span: 10 * H }],
    ['degraded counts, as not online', 'online', [{ at: 5 * H, to: 'degraded' }], [], { online: 5 * H, counted: 10 * H, span: 10 * H }],
    ['unknown time counts neither way', 'online', [{ at: 2 * H, to: 'unknown' }, { at: 3 * H, to: 'offline' }], [], { online: 2 * H, counted: 9 * H, span: 10 * H }],
    ['no state before the first transition', null, [{ at: 6 * H, to: 'online' }], [], { online: 4 * H, counted: 4 * H, span: 4 * H }],
    ['a maintenance state is left out', 'online', [{ at: 1 * H, to: 'maintenance' }, { at: 3 * H, to: 'unknown' }, { at: 4 * H, to: 'online' }], [], { online: 7 * H, counted: 7 * H, span: 10 * H }],
    ['a maintenance window cuts offline time out', 'offline', [{ at: 5 * H, to: 'online' }], [{ from: 1 * H, to: 3 * H }], { online: 5 * H, counted: 8 * H, span: 10 * H }],
    ['overlapping windows are not cut twice', 'offline', [], [{ from: 1 * H, to: 3 * H }, { from: 2 * H, to: 4 * H }], { online: 0, counted: 7 * H, span: 10 * H }],
    ['a window reaching outside the report window is clipped', 'online', [], [{ from: -5 * H, to: 1 * H }, { from: 9 * H, to: 20 * H }], { online: 8 * H, counted: 8 * H, span: 10 * H }],
    ['changes outside the window are ignored', 'online', [{ at: -1 * H, to: 'offline' }, { at: 11 * H, to: 'offline' }], [], { online: 10 * H, counted: 10 * H, span: 10 * H }],
  ])('%s', (_name, initial, changes, maintenance, expected) => {
    expect(cameraExposure(initial, changes, maintenance, window)).toEqual(expected);
  });

  it('weights cameras by their counted time when grouped', () => {
    const a = cameraExposure('online', [], [], window);
    const b = cameraExposure('online', [{ at: 5 * H, to: 'offline' }], [], window);
    const c = cameraExposure(null, [], [], window);
    expect(rateOf(addExposure(addExposure(a, b), c))).toBeCloseTo(15 / 20, 9);
    expect(rateOf(c)).toBeNull();
  });

  it('now: online ÷ (online + degraded + offline), unknown and maintenance left out', () => {
    let counts = NO_COUNTS;
    for (const s of ['online', 'online', 'online', 'degraded', 'offline', 'unknown', 'maintenance'] as const) counts = countState(counts, s);
    expect(rateNow(counts)).toBeCloseTo(3 / 5, 9);
    expect(rateNow(NO_COUNTS)).toBeNull();
  });
});

describe('bucketExposures and splitSpan (the online rate over time)', () => {
  it('splits a span into equal touching buckets that end exactly at the span end', () => {
    const buckets = splitSpan({ from: 0, to: 10 }, 3);
    expect(buckets).toEqual([
      { from: 0, to: 3 },
      { from: 3, to: 7 },
      { from: 7, to: 10 },
    ]);
  });

  it('carries the state into each bucket and cuts each change at the bucket edges', () => {
    const buckets = splitSpan({ from: 0, to: 4 * H }, 4);
    const changes = [
      { at: 0.5 * H, to: 'offline' as const },
      { at: 2.25 * H, to: 'online' as const },
    ];
    const e = bucketExposures('online', changes, [], buckets);
    expect(e.map((x) => rateOf(x))).toEqual([0.5, 0, 0.75, 1]);
    // The same as computing each bucket alone with its own starting state.
    expect(e[2]).toEqual(cameraExposure('offline', changes, [], buckets[2]!));
  });

  it('leaves unknown time out, cuts maintenance out, and starts counting at the first known state', () => {
    const buckets = splitSpan({ from: 0, to: 2 * H }, 2);
    const e = bucketExposures(null, [{ at: 0.5 * H, to: 'offline' }], [{ from: H, to: 1.5 * H }], buckets);
    expect(e[0]).toEqual({ online: 0, counted: 0.5 * H, span: 0.5 * H });
    expect(e[1]).toEqual({ online: 0, counted: 0.5 * H, span: H });
  });
});
