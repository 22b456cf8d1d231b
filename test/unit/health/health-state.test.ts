import { describe, expect, it } from 'vitest';
import { enterMaintenance, leaveMaintenance, observe, unknownRecord, type HealthPolicy, type HealthRecord, type Observation } from '../../../gateway/src/domain/health-state.js';

const policy: HealthPolicy = { failuresToOffline: 3, degradedToDegraded: 2, successesToOnline: 2, flapping: { changes: 4, windowMs: 3600_000, settleAfter: 5 } };
const up: Observation = { verdict: 'up', reason: 'ok' };
const down = (reason: 'timeout' | 'refused' | 'auth_failed' = 'timeout'): Observation => ({ verdict: 'down', reason });
const frozen: Observation = { verdict: 'degraded', reason: 'frozen' };

/** Feeds observations one a minute; returns the state after each. */
function run(start: HealthRecord, observations: readonly Observation[], t0 = 0): { states: string[]; reasons: string[]; record: HealthRecord; transitions: number } {
  let record = start;
  let transitions = 0;
  const states: string[] = [];
  const reasons: string[] = [];
  observations.forEach((o, i) => {
    const step = observe(record, o, policy, t0 + (i + 1) * 60_000);
    record = step.record;
    if (step.transition) transitions += 1;
    states.push(record.state);
    reasons.push(record.reason);
  });
  return { states, reasons, record, transitions };
}

const online = run(unknownRecord(0), [up]).record;

describe('health state machine', () => {
  it.each([
    ['unknown → first verdict decides at once', unknownRecord(0), [down('refused')], ['offline']],
    ['unknown → online at once', unknownRecord(0), [up], ['online']],
    ['three failures take an online camera offline, not fewer', online, [down(), down(), down()], ['online', 'online', 'offline']],
    ['a failure streak broken by a success starts again', online, [down(), down(), up, down(), down()], ['online', 'online', 'online', 'online', 'online']],
    ['two degraded verdicts make it degraded', online, [frozen, frozen], ['online', 'degraded']],
    ['a degraded camera that stops answering goes offline after three', run(online, [frozen, frozen]).record, [down(), down(), down()], ['degraded', 'degraded', 'offline']],
  ] as const)('%s', (_name, start, observations, expected) => {
    expect(run(start, observations).states).toEqual(expected);
  });

  it('two successes bring an offline camera back, with the reason of the latest verdict meanwhile', () => {
    const offline = run(online, [down(), down(), down('refused')]).record;
    expect(offline).toMatchObject({ state: 'offline', reason: 'refused' });
    const stillOffline = run(offline, [down('auth_failed')]).record;
    expect(stillOffline).toMatchObject({ state: 'offline', reason: 'auth_failed' });
    expect(run(offline, [up, up]).states).toEqual(['offline', 'online']);
  });

  it('keeps `since` at the moment of the transition, not of the last check', () => {
    const r = run(online, [down(), down(), down(), down(), down()], 1_000_000);
    expect(r.record.since).toBe(1_000_000 + 3 * 60_000);
  });

  it('reports a flapping camera as one degraded period instead of many outages', () => {
    const cycle = [down(), down(), down(), up, up];
    const r = run(online, [...cycle, ...cycle, ...cycle, ...cycle]);
    // offline, online, offline … the fourth change within the hour makes it flapping.
    expect(r.record).toMatchObject({ state: 'degraded', reason: 'flapping', flapping: true });
    expect(r.transitions).toBe(4);
    // While flapping, more flapping changes nothing …
    const more = run(r.record, cycle, 20 * 60_000);
    expect(more.transitions).toBe(0);
    // … and a long enough agreeing run settles it.
    const settled = run(r.record, [up, up, up, up, up], 30 * 60_000);
    expect(settled.record).toMatchObject({ state: 'online', flapping: false });
    expect(settled.transitions).toBe(1);
  });

  it('does not call slow changes flapping (outside the window)', () => {
    let record = online;
    let t = 0;
    const feed = (o: Observation, n: number) => {
      for (let i = 0; i < n; i++) {
        t += 20 * 60_000;
        record = observe(record, o, policy, t).record;
      }
    };
    for (let i = 0; i < 4; i++) {
      feed(down(), 3);
      feed(up, 2);
    }
    expect(record).toMatchObject({ state: 'online', flapping: false });
  });

  it('ignores probes in maintenance and comes out unknown', () => {
    const inMaintenance = enterMaintenance(online, 10).record;
    expect(inMaintenance.state).toBe('maintenance');
    expect(observe(inMaintenance, down(), policy, 20).transition).toBeNull();
    const out = leaveMaintenance(inMaintenance, 30);
    expect(out.transition).toMatchObject({ from: 'maintenance', to: 'unknown', reason: 'maintenance' });
    expect(enterMaintenance(inMaintenance, 40).transition).toBeNull();
  });
});
