import { firstDue, nextDue } from '../domain/check-schedule.js';
import type { Clock } from '../domain/clock.js';
import { enterMaintenance, leaveMaintenance, observe, unknownRecord, type HealthPolicy, type HealthState, type HealthRecord, type Transition } from '../domain/health-state.js';
import { verdictOf, type MediaVerdict, type StepResult } from '../domain/probe-result.js';
import { EVERYTHING } from '../domain/scope.js';
import { buildStreamUrl } from '../domain/stream-address.js';
import { effectiveTier, type Tier } from '../domain/tier.js';
import type { Logger } from '../logging/logger.js';
import type { CameraCredentialService } from '../services/camera-credential.service.js';
import type { HealthRepository, MonitoredCamera, TransitionRow } from '../storage/repositories/health.repository.js';
import type { MaintenanceWindowRow, StreamProfileRow } from '../storage/schema.js';
import type { CheckTarget, ProbeLadder } from './probe-ladder.js';
import type { TicketKeeper } from './ticket-keeper.js';

export interface MonitorSettings {
  readonly intervalMs: Readonly<Record<Tier, number>>;
  readonly mediaIntervalMs: Readonly<Record<Tier, number>>;
  readonly jitter: number;
  readonly concurrency: number;
  readonly mediaConcurrency: number;
  /** How often changed cameras are re-read (new approvals, retirements, edits, credentials). */
  readonly refreshMs: number;
  /** How often every camera is re-read (organisation and region renames, deletions). */
  readonly fullRefreshMs: number;
}

export interface HealthEvents {
  onStep(result: StepResult): void;
}

/** One check's summary, kept in memory for the API's "recent results". */
export interface CheckSummary {
  readonly at: string;
  readonly verdict: 'up' | 'degraded' | 'down';
  readonly reason: string;
  readonly warnings: readonly string[];
  readonly steps: readonly StepResult[];
}

interface Entry {
  camera: MonitoredCamera;
  profiles: readonly StreamProfileRow[];
  /** The camera's login, still sealed; null when it has none. */
  sealed: string | null;
  /** The login opened from `sealed`, kept while `sealed` is unchanged (checks run many times a minute). */
  opened: { sealed: string; username: string; password: string } | null;
  /** Check addresses derived from `addressesOf` (the profiles they were made from); null: no RTSP stream. */
  addresses: { rtsp: CheckTarget['rtsp']; mediaUrl: string } | null;
  addressesOf: readonly StreamProfileRow[] | null;
  due: number;
  mediaDue: number;
  running: Promise<CheckSummary> | null;
}

const RECENT = 10;

/**
 * Runs the health checks: keeps each approved camera's next check time, starts due checks within
 * the concurrency bounds (never two of one camera at once), feeds verdicts to the pure state
 * machine and stores what it returns. Streaks and recent results live in memory; transitions go
 * to the database in one write per tick.
 */
export class HealthMonitor {
  readonly #records = new Map<string, HealthRecord>();
  readonly #entries = new Map<string, Entry>();
  readonly #recent = new Map<string, CheckSummary[]>();
  readonly #lastMedia = new Map<string, MediaVerdict>();
  readonly #pending: TransitionRow[] = [];
  #windows: MaintenanceWindowRow[] = [];
  #refreshedAt = -Infinity;
  #fullRefreshAt = -Infinity;
  #running = 0;
  #mediaRunning = 0;
  /** Due checks of the last tick, most overdue first, started as room frees up. */
  #queue: Entry[] = [];
  #queueAt = 0;
  #stopped = false;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: {
      readonly health: HealthRepository;
      readonly credentials: CameraCredentialService;
      readonly ladder: ProbeLadder;
      readonly tickets: TicketKeeper;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly policy: HealthPolicy;
      readonly settings: MonitorSettings;
      readonly events: HealthEvents;
      readonly random?: () => number;
    },
  ) {}

  /** After a restart every camera is `unknown` until probed; the change is stored, so reports know. */
  async start(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const stored = await this.deps.health.latestStates();
    await this.refresh();
    for (const [cameraId, last] of stored) {
      if (last.state !== 'unknown' && this.#entries.has(cameraId)) {
        this.#pending.push({ cameraId, at: new Date(now).toISOString(), from: last.state, to: 'unknown', reason: 'restart' });
      }
    }
    await this.deps.tickets.load();
    await this.#flush();
  }

  /**
   * Re-reads the approved cameras: new ones are scheduled, retired ones forgotten. With `ids`,
   * only those cameras (a "check now", or the cameras changed since the last look); without, all.
   */
  async refresh(options: { ids?: readonly string[] } = {}): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const ids = options.ids;
    // SQLite caps the variables of one statement: large change sets take the full path.
    if (ids && ids.length > 500) return this.refresh();
    const [cameras, profiles, sealed] = await Promise.all([
      this.deps.health.monitoredCameras(EVERYTHING, ids),
      this.deps.health.approvedProfiles(ids),
      this.deps.health.approvedSealedCredentials(ids),
    ]);
    const seen = new Set<string>();
    for (const camera of cameras) {
      seen.add(camera.id);
      const entry = this.#entries.get(camera.id);
      if (entry) {
        entry.camera = camera;
        entry.profiles = profiles.get(camera.id) ?? [];
        entry.sealed = sealed.get(camera.id) ?? null;
        continue;
      }
      const tier = this.#tier(camera, now);
      this.#entries.set(camera.id, {
        camera,
        profiles: profiles.get(camera.id) ?? [],
        sealed: sealed.get(camera.id) ?? null,
        opened: null,
        addresses: null,
        addressesOf: null,
        due: firstDue(camera.id, this.deps.settings.intervalMs[tier], now),
        // Media checks decode video: spread them over their own, longer cadence too.
        mediaDue: firstDue(`${camera.id}/media`, this.deps.settings.mediaIntervalMs[tier], now),
        running: null,
      });
      if (!this.#records.has(camera.id)) this.#records.set(camera.id, unknownRecord(now, 'restart'));
    }
    for (const id of ids ?? [...this.#entries.keys()]) {
      if (!seen.has(id)) this.#forget(id);
    }
    if (!ids) {
      this.#fullRefreshAt = now;
      this.#refreshedAt = now;
    }
    this.#windows = await this.deps.health.windows(null, new Date(now).toISOString());
  }

  #forget(id: string): void {
    this.#entries.delete(id);
    this.#records.delete(id);
    this.#recent.delete(id);
    this.#lastMedia.delete(id);
  }

  /** Cameras changed since the last look (a little overlap: a write may land as we read). */
  async #refreshChanged(now: number): Promise<void> {
    const since = new Date(this.#refreshedAt - 2000).toISOString();
    const changed = await this.deps.health.changedCameraIds(since);
    if (changed.length > 0) await this.refresh({ ids: changed });
    this.#refreshedAt = now;
    this.#windows = await this.deps.health.windows(null, new Date(now).toISOString());
  }

  /** One scheduler beat: maintenance windows, then every due check that fits the bounds. */
  async tick(): Promise<void> {
    if (this.#stopped) return;
    const now = this.deps.clock.now().getTime();
    if (now - this.#fullRefreshAt >= this.deps.settings.fullRefreshMs) await this.refresh();
    else if (now - this.#refreshedAt >= this.deps.settings.refreshMs) await this.#refreshChanged(now);
    this.#applyMaintenance(now);
    const due: Entry[] = [];
    for (const e of this.#entries.values()) {
      if (e.due <= now && !e.running) due.push(e);
    }
    due.sort((a, b) => a.due - b.due);
    this.#queue = due;
    this.#queueAt = 0;
    this.#pump();
    await this.#flush();
  }

  /**
   * Starts queued checks while there is room; called by the tick and whenever a check ends, so a
   * sweep is not held to `concurrency` checks per tick.
   */
  #pump(): void {
    while (this.#running < this.deps.settings.concurrency && this.#queueAt < this.#queue.length) {
      const entry = this.#queue[this.#queueAt++]!;
      if (entry.running || !this.#entries.has(entry.camera.id) || this.#records.get(entry.camera.id)?.state === 'maintenance') continue;
      const now = this.deps.clock.now().getTime();
      const withMedia = entry.mediaDue <= now && this.#mediaRunning < this.deps.settings.mediaConcurrency;
      // Tracked in #inFlight (settle() awaits it); #launch never rejects.
      void this.#launch(entry, withMedia, now);
    }
  }

  /** Runs every due check and waits for all of them: what a test or a benchmark calls a sweep. */
  async sweep(): Promise<void> {
    await this.tick();
    await this.settle();
  }

  /** Waits for the checks in flight, then stores their transitions. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
    await this.#flush();
  }

  /** "Check now": a full ladder including the media check; waits for a check already running. */
  async checkNow(cameraId: string): Promise<CheckSummary | null> {
    // Re-read first: a technician who just fixed the address or the password checks the fix.
    await this.refresh({ ids: [cameraId] });
    const entry = this.#entries.get(cameraId);
    if (!entry) return null;
    while (entry.running) await entry.running;
    const summary = await this.#launch(entry, true, this.deps.clock.now().getTime());
    await this.#flush();
    return summary;
  }

  /** Forces every camera's next check to now (tests, and after a network outage is fixed). */
  makeAllDue(withMedia = false): void {
    const now = this.deps.clock.now().getTime();
    for (const entry of this.#entries.values()) {
      entry.due = now;
      if (withMedia) entry.mediaDue = now;
    }
  }

  record(cameraId: string): HealthRecord | undefined {
    return this.#records.get(cameraId);
  }

  recent(cameraId: string): readonly CheckSummary[] {
    return this.#recent.get(cameraId) ?? [];
  }

  /** Ids of the monitored cameras in `state` now (the catalog's health filter). */
  idsIn(state: HealthState): string[] {
    const ids: string[] = [];
    for (const [id, record] of this.#records) if (record.state === state && this.#entries.has(id)) ids.push(id);
    return ids;
  }

  /** Every monitored camera with its record (for the online rate now and the problem list). */
  *states(): Generator<{ camera: MonitoredCamera; record: HealthRecord }> {
    for (const entry of this.#entries.values()) {
      const record = this.#records.get(entry.camera.id);
      if (record) yield { camera: entry.camera, record };
    }
  }

  /** State, tier in force and owner type of every monitored camera: what the gauges count. */
  *samples(): Generator<{ state: string; tier: Tier; ownerType: string }> {
    const now = this.deps.clock.now().getTime();
    for (const { camera, record } of this.states()) yield { state: record.state, tier: this.#tier(camera, now), ownerType: camera.ownerType };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.settle();
  }

  #tier(camera: MonitoredCamera, now: number): Tier {
    const override = camera.tierOverride && camera.tierOverrideExpiresAt ? { tier: camera.tierOverride, expiresAt: camera.tierOverrideExpiresAt } : null;
    return effectiveTier(camera.tier, override, new Date(now));
  }

  #launch(entry: Entry, withMedia: boolean, now: number): Promise<CheckSummary> {
    const random = this.deps.random ?? Math.random;
    const tier = this.#tier(entry.camera, now);
    entry.due = nextDue(now, this.deps.settings.intervalMs[tier], this.deps.settings.jitter, random());
    if (withMedia) {
      entry.mediaDue = nextDue(now, this.deps.settings.mediaIntervalMs[tier], this.deps.settings.jitter, random());
      this.#mediaRunning += 1;
    }
    this.#running += 1;
    const run = this.#check(entry, withMedia)
      .catch((err: unknown): CheckSummary => {
        this.deps.logger.error({ err, camera: entry.camera.id }, 'health check bookkeeping failed');
        return { at: new Date(now).toISOString(), verdict: 'down', reason: 'internal_error', warnings: [], steps: [] };
      })
      .finally(() => {
        this.#running -= 1;
        if (withMedia) this.#mediaRunning -= 1;
        entry.running = null;
        this.#inFlight.delete(run);
        if (!this.#stopped) this.#pump();
      });
    entry.running = run;
    this.#inFlight.add(run);
    return run;
  }

  async #check(entry: Entry, withMedia: boolean): Promise<CheckSummary> {
    const camera = entry.camera;
    const steps = await this.#probe(entry, withMedia);
    for (const step of steps) this.deps.events.onStep(step);
    const now = this.deps.clock.now().getTime();
    const media = steps.find((s) => s.step === 'media');
    if (media) this.#lastMedia.set(camera.id, { ok: media.ok, reason: media.ok ? 'ok' : media.reason, at: now });
    const lastMedia = this.#lastMedia.get(camera.id);
    const tier = this.#tier(camera, now);
    // A media verdict stands until the next media check is due (twice its interval at most).
    const mediaStillValid = lastMedia && now - lastMedia.at <= 2 * Math.max(this.deps.settings.mediaIntervalMs[tier], this.deps.settings.intervalMs[tier]);
    const observation = verdictOf(steps, mediaStillValid ? lastMedia : null);
    const summary: CheckSummary = { at: new Date(now).toISOString(), verdict: observation.verdict, reason: observation.reason, warnings: observation.warnings, steps };
    const recent = this.#recent.get(camera.id) ?? [];
    recent.unshift(summary);
    if (recent.length > RECENT) recent.length = RECENT;
    this.#recent.set(camera.id, recent);

    const record = this.#records.get(camera.id) ?? unknownRecord(now);
    if (record.state === 'maintenance' || !this.#entries.has(camera.id)) return summary;
    const step = observe(record, observation, this.deps.policy, now);
    this.#records.set(camera.id, step.record);
    if (step.transition) this.#store(camera.id, step.transition);
    this.deps.tickets.consider(camera, tier, step.record, now);
    return summary;
  }

  async #probe(entry: Entry, withMedia: boolean): Promise<StepResult[]> {
    const addresses = this.#addresses(entry);
    if (!addresses) return [{ step: 'rtsp', ok: false, reason: 'no_stream', ms: 0, message: 'the camera has no RTSP stream' }];
    if (entry.sealed !== null && entry.opened?.sealed !== entry.sealed) {
      const login = this.deps.credentials.open(entry.camera.id, entry.sealed);
      entry.opened = { sealed: entry.sealed, username: login.username, password: login.password };
    }
    const credentials = entry.sealed === null ? null : entry.opened;
    const target: CheckTarget = {
      cameraId: entry.camera.id,
      rtsp: addresses.rtsp,
      mediaUrl: addresses.mediaUrl,
      username: credentials?.username ?? null,
      password: credentials?.password ?? null,
      onvifUrl: entry.camera.onvifAddress,
    };
    return this.deps.ladder.run(target, withMedia);
  }

  /** Where a camera's checks go, worked out once per profile change (thousands of checks a minute). */
  #addresses(entry: Entry): Entry['addresses'] {
    if (entry.addressesOf === entry.profiles) return entry.addresses;
    const main = entry.profiles.find((p) => p.kind === 'main') ?? entry.profiles[0];
    const sub = entry.profiles.find((p) => p.kind === 'sub');
    entry.addressesOf = entry.profiles;
    entry.addresses = main
      ? { rtsp: { url: buildStreamUrl(main), host: main.host, port: main.port ?? (main.scheme === 'rtsps' ? 322 : 554), secure: main.scheme === 'rtsps' }, mediaUrl: buildStreamUrl(sub ?? main) }
      : null;
    return entry.addresses;
  }

  #applyMaintenance(now: number): void {
    const active = new Set(this.#windows.filter((w) => Date.parse(w.starts_at) <= now && Date.parse(w.ends_at) > now).map((w) => w.camera_id));
    for (const [cameraId, record] of this.#records) {
      const step = active.has(cameraId) ? enterMaintenance(record, now) : record.state === 'maintenance' ? leaveMaintenance(record, now) : null;
      if (!step?.transition) continue;
      this.#records.set(cameraId, step.record);
      this.#store(cameraId, step.transition);
      const entry = this.#entries.get(cameraId);
      // Out of maintenance: check soon, with media, rather than at the old schedule.
      if (entry && step.record.state === 'unknown') {
        entry.due = now;
        entry.mediaDue = now;
      }
    }
  }

  /** A maintenance window was added or removed: re-read windows now. */
  async windowsChanged(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    this.#windows = await this.deps.health.windows(null, new Date(now).toISOString());
    this.#applyMaintenance(now);
    await this.#flush();
  }

  #store(cameraId: string, t: Transition): void {
    this.#pending.push({ cameraId, at: new Date(t.at).toISOString(), from: t.from, to: t.to, reason: t.reason });
  }

  async #flush(): Promise<void> {
    const rows = this.#pending.splice(0);
    try {
      await this.deps.health.insertTransitions(rows);
    } catch (err) {
      // A camera deleted meanwhile (foreign key): keep the rest.
      this.deps.logger.warn({ err, rows: rows.length }, 'could not store health transitions in one batch; storing one by one');
      for (const row of rows) await this.deps.health.insertTransitions([row]).catch(() => undefined);
    }
    await this.deps.tickets.flush();
  }
}
