/**
 * A camera's health (DESIGN.md §2, §4): a pure state machine fed with probe verdicts.
 *
 * - A state changes only after consecutive agreeing verdicts (hysteresis): one lost probe never
 *   flips a camera. Leaving `unknown` needs a single verdict: there was no state to protect.
 * - A camera that keeps changing state is *flapping*: it is held `degraded` with reason
 *   `flapping` (one outage, not many) until a long enough run of agreeing verdicts settles it.
 * - `maintenance` is set and cleared by maintenance windows, never by probes.
 */
export const HEALTH_STATES = ['unknown', 'online', 'degraded', 'offline', 'maintenance'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** Why a probe failed. Stable codes: the API, tickets and the web app match on them. */
export const PROBE_REASONS = [
  'unreachable',
  'timeout',
  'refused',
  'auth_failed',
  'not_found',
  'rtsp_error',
  'no_video',
  'frozen',
  'black',
  'codec_unsupported',
  'onvif_fault',
  'no_stream',
] as const;
export type ProbeReason = (typeof PROBE_REASONS)[number];

/** The reason attached to a state: a probe reason, `ok`, or one of the machine's own. */
export type HealthReason = ProbeReason | 'ok' | 'flapping' | 'maintenance' | 'restart' | 'new';

/** What one check concluded: up (video flows), degraded (reachable, but the picture is wrong), down. */
export type Verdict = 'up' | 'degraded' | 'down';

export interface Observation {
  readonly verdict: Verdict;
  readonly reason: ProbeReason | 'ok';
}

export interface HealthPolicy {
  /** Consecutive `down` verdicts before online → offline. */
  readonly failuresToOffline: number;
  /** Consecutive `degraded` verdicts before online → degraded. */
  readonly degradedToDegraded: number;
  /** Consecutive `up` verdicts before offline/degraded → online. */
  readonly successesToOnline: number;
  readonly flapping: {
    /** State changes within `windowMs` that make a camera flapping. */
    readonly changes: number;
    readonly windowMs: number;
    /** Consecutive agreeing verdicts that settle a flapping camera. */
    readonly settleAfter: number;
  };
}

export interface Streak {
  readonly verdict: Verdict;
  readonly reason: ProbeReason | 'ok';
  readonly count: number;
}

export interface HealthRecord {
  readonly state: HealthState;
  readonly reason: HealthReason;
  /** When the state was entered (ms since the epoch). */
  readonly since: number;
  readonly flapping: boolean;
  /** The current run of agreeing verdicts. */
  readonly streak: Streak | null;
  /** Times of recent state changes, for flap detection (oldest first, within the window). */
  readonly changes: readonly number[];
}

export interface Transition {
  readonly from: HealthState;
  readonly to: HealthState;
  readonly reason: HealthReason;
  readonly at: number;
}

export interface Step {
  readonly record: HealthRecord;
  /** Set when the state changed; the caller stores it. */
  readonly transition: Transition | null;
}

export function unknownRecord(at: number, reason: HealthReason = 'restart'): HealthRecord {
  return { state: 'unknown', reason, since: at, flapping: false, streak: null, changes: [] };
}

function stateOf(verdict: Verdict): HealthState {
  switch (verdict) {
    case 'up':
      return 'online';
    case 'degraded':
      return 'degraded';
    case 'down':
      return 'offline';
  }
}

function needed(verdict: Verdict, policy: HealthPolicy): number {
  switch (verdict) {
    case 'up':
      return policy.successesToOnline;
    case 'degraded':
      return policy.degradedToDegraded;
    case 'down':
      return policy.failuresToOffline;
  }
}

function move(record: HealthRecord, to: HealthState, reason: HealthReason, at: number, patch: Partial<HealthRecord>): Step {
  const next: HealthRecord = { ...record, ...patch, state: to, reason, since: at };
  return { record: next, transition: { from: record.state, to, reason, at } };
}

/**
 * Feeds one verdict to the machine.
 *
 * @example
 * // a single failure does not take an online camera offline
 * observe(online, { verdict: 'down', reason: 'timeout' }, policy, now).transition // null
 */
export function observe(record: HealthRecord, observation: Observation, policy: HealthPolicy, now: number): Step {
  if (record.state === 'maintenance') return { record, transition: null };
  const previous = record.streak;
  const streak: Streak =
    previous && previous.verdict === observation.verdict
      ? { verdict: observation.verdict, reason: observation.reason, count: previous.count + 1 }
      : { verdict: observation.verdict, reason: observation.reason, count: 1 };
  const target = stateOf(observation.verdict);
  const changes = record.changes.filter((t) => now - t < policy.flapping.windowMs);

  if (record.flapping) {
    if (streak.count >= policy.flapping.settleAfter) {
      return move(record, target, observation.reason, now, { streak, flapping: false, changes: [] });
    }
    return { record: { ...record, streak, changes }, transition: null };
  }

  if (record.state === 'unknown') {
    return move(record, target, observation.reason, now, { streak, changes });
  }

  if (target === record.state) {
    // Same state: keep the latest reason (offline "refused" may become offline "timeout").
    return { record: { ...record, streak, changes, reason: observation.reason }, transition: null };
  }

  if (streak.count < needed(observation.verdict, policy)) {
    return { record: { ...record, streak, changes }, transition: null };
  }

  const withThis = [...changes, now];
  if (withThis.length >= policy.flapping.changes) {
    return move(record, 'degraded', 'flapping', now, { streak, flapping: true, changes: withThis });
  }
  return move(record, target, observation.reason, now, { streak, changes: withThis });
}

/** A maintenance window begins: the camera leaves the online-rate figures until it ends. */
export function enterMaintenance(record: HealthRecord, now: number): Step {
  if (record.state === 'maintenance') return { record, transition: null };
  return move(record, 'maintenance', 'maintenance', now, { streak: null, flapping: false, changes: [] });
}

/** A maintenance window ends: the camera is `unknown` until probed again. */
export function leaveMaintenance(record: HealthRecord, now: number): Step {
  if (record.state !== 'maintenance') return { record, transition: null };
  return move(record, 'unknown', 'maintenance', now, { streak: null });
}
