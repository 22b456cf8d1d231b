import { stringify } from 'csv-stringify/sync';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import { addExposure, bucketExposures, cameraExposure, countState, NO_COUNTS, NO_EXPOSURE, rateNow, rateOf, splitSpan, type Exposure, type Interval, type StateChange, type StateCounts } from '../domain/online-rate.js';
import { effectiveTier, TIERS } from '../domain/tier.js';
import type { HealthState } from '../domain/health-state.js';
import type { HealthMonitor } from '../health/health-monitor.js';
import type { HealthRepository, MonitoredCamera } from '../storage/repositories/health.repository.js';
import type { RegionRepository } from '../storage/repositories/region.repository.js';
import type { Actor } from './actor.js';

export const RATE_GROUPINGS = ['ownerType', 'organisation', 'region', 'tier'] as const;
export type RateGrouping = (typeof RATE_GROUPINGS)[number];
export const RATE_WINDOWS = ['now', '1h', '24h', '7d', '30d'] as const;
export type RateWindow = (typeof RATE_WINDOWS)[number];

const WINDOW_MS: Record<Exclude<RateWindow, 'now'>, number> = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

/** Windows a series can span, and how many points each has (5 min, 1 h, 6 h and 1 day apart). */
export const SERIES_WINDOWS = ['1h', '24h', '7d', '30d'] as const;
export type SeriesWindow = (typeof SERIES_WINDOWS)[number];
const SERIES_POINTS: Record<SeriesWindow, number> = { '1h': 12, '24h': 24, '7d': 28, '30d': 30 };

export interface RateSeries {
  readonly groupBy: RateGrouping;
  readonly window: SeriesWindow;
  readonly regionId: string | null;
  /** Start of each bucket; every rate array has one value per bucket. */
  readonly buckets: readonly string[];
  readonly bucketMs: number;
  readonly groups: ReadonlyArray<{ key: string; label: string; rates: Array<number | null> }>;
  readonly total: { rates: Array<number | null> };
}

export interface RateGroup {
  readonly key: string;
  readonly label: string;
  /** Approved cameras in the group (today's catalog). */
  readonly cameras: number;
  /** Cameras by state now. */
  readonly counts: StateCounts;
  /** Online ÷ counted, 0…1; null when nothing counted. Time-weighted for windows other than now. */
  readonly rate: number | null;
  /** Share of the window's camera-time whose state was known (time windows only). */
  readonly coverage: number | null;
  readonly onlineHours: number | null;
  readonly countedHours: number | null;
}

export interface RateReport {
  readonly groupBy: RateGrouping;
  readonly window: RateWindow;
  readonly from: string | null;
  readonly to: string;
  readonly regionId: string | null;
  readonly groups: readonly RateGroup[];
  readonly total: RateGroup;
}

interface Accumulator {
  key: string;
  label: string;
  cameras: number;
  counts: StateCounts;
  exposure: Exposure;
}

/**
 * The online rate (DESIGN.md §4) now or time-weighted over a window, grouped by owner type,
 * organisation, region subtree or tier, over the approved cameras in the caller's scope.
 */
export class OnlineRateService {
  constructor(
    private readonly deps: {
      readonly monitor: HealthMonitor;
      readonly health: HealthRepository;
      readonly regions: RegionRepository;
      readonly clock: Clock;
    },
  ) {}

  async report(groupBy: RateGrouping, window: RateWindow, regionId: string | null, actor: Actor): Promise<RateReport> {
    const now = this.deps.clock.now();
    const cameras = await this.deps.health.monitoredCameras(actor.scope);
    const keyOf = await this.#grouper(groupBy, regionId, now);
    const groups = new Map<string, Accumulator>();
    const total: Accumulator = { key: 'total', label: 'All cameras', cameras: 0, counts: NO_COUNTS, exposure: NO_EXPOSURE };
    const states = new Map([...this.deps.monitor.states()].map(({ camera, record }) => [camera.id, record.state]));

    let exposures: Map<string, Exposure> | null = null;
    let span: Interval | null = null;
    if (window !== 'now') {
      span = { from: now.getTime() - WINDOW_MS[window], to: now.getTime() };
      exposures = await this.#exposures(cameras, span);
    }
    for (const camera of cameras) {
      const group = keyOf(camera);
      if (!group) continue;
      const acc = groups.get(group.key) ?? { ...group, cameras: 0, counts: NO_COUNTS, exposure: NO_EXPOSURE };
      const state = states.get(camera.id) ?? 'unknown';
      const exposure = exposures?.get(camera.id) ?? NO_EXPOSURE;
      for (const target of [acc, total]) {
        target.cameras += 1;
        target.counts = countState(target.counts, state);
        target.exposure = addExposure(target.exposure, exposure);
      }
      groups.set(group.key, acc);
    }
    const shape = (a: Accumulator): RateGroup => {
      const windowMs = span ? (span.to - span.from) * a.cameras : 0;
      return {
        key: a.key,
        label: a.label,
        cameras: a.cameras,
        counts: a.counts,
        rate: span ? rateOf(a.exposure) : rateNow(a.counts),
        coverage: span && windowMs > 0 ? a.exposure.counted / windowMs : null,
        onlineHours: span ? a.exposure.online / 3600_000 : null,
        countedHours: span ? a.exposure.counted / 3600_000 : null,
      };
    };
    return {
      groupBy,
      window,
      from: span ? new Date(span.from).toISOString() : null,
      to: now.toISOString(),
      regionId,
      groups: [...groups.values()].map(shape).sort((a, b) => a.label.localeCompare(b.label)),
      total: shape(total),
    };
  }

  /** The report as CSV: one row per group, then the total. */
  toCsv(report: RateReport): string {
    const percent = (v: number | null) => (v === null ? '' : (v * 100).toFixed(2));
    const hours = (v: number | null) => (v === null ? '' : v.toFixed(2));
    const rows = [...report.groups, report.total].map((g) => [
      report.groupBy,
      g.key,
      g.label,
      report.window,
      g.cameras,
      g.counts.online,
      g.counts.degraded,
      g.counts.offline,
      g.counts.unknown,
      g.counts.maintenance,
      percent(g.rate),
      percent(g.coverage),
      hours(g.onlineHours),
      hours(g.countedHours),
    ]);
    return stringify(rows, {
      header: true,
      columns: ['group_by', 'key', 'label', 'window', 'cameras', 'online', 'degraded', 'offline', 'unknown', 'maintenance', 'rate_percent', 'coverage_percent', 'online_hours', 'counted_hours'],
    });
  }

  /** The online rate over time: one time-weighted rate per bucket, per group and in total. */
  async series(groupBy: RateGrouping, window: SeriesWindow, regionId: string | null, actor: Actor): Promise<RateSeries> {
    const now = this.deps.clock.now().getTime();
    const cameras = await this.deps.health.monitoredCameras(actor.scope);
    const keyOf = await this.#grouper(groupBy, regionId, new Date(now));
    const span = { from: now - WINDOW_MS[window], to: now };
    const buckets = splitSpan(span, SERIES_POINTS[window]);
    const history = await this.#history(cameras, span);
    const zero = () => buckets.map(() => NO_EXPOSURE);
    const groups = new Map<string, { key: string; label: string; exposures: Exposure[] }>();
    const total = zero();
    for (const camera of cameras) {
      const group = keyOf(camera);
      if (!group) continue;
      const { initial, changes, maintenance } = history.get(camera.id)!;
      const exposures = bucketExposures(initial, changes, maintenance, buckets);
      const acc = groups.get(group.key) ?? { ...group, exposures: zero() };
      exposures.forEach((e, i) => {
        acc.exposures[i] = addExposure(acc.exposures[i]!, e);
        total[i] = addExposure(total[i]!, e);
      });
      groups.set(group.key, acc);
    }
    return {
      groupBy,
      window,
      regionId,
      buckets: buckets.map((b) => new Date(b.from).toISOString()),
      bucketMs: Math.round(WINDOW_MS[window] / buckets.length),
      groups: [...groups.values()].sort((a, b) => a.label.localeCompare(b.label)).map((g) => ({ key: g.key, label: g.label, rates: g.exposures.map(rateOf) })),
      total: { rates: total.map(rateOf) },
    };
  }

  /** Series as CSV: one row per bucket and group, then the total. */
  seriesToCsv(series: RateSeries): string {
    const percent = (v: number | null | undefined) => (v === null || v === undefined ? '' : (v * 100).toFixed(2));
    const rows = [...series.groups, { key: 'total', label: 'All cameras', rates: series.total.rates }].flatMap((g) =>
      series.buckets.map((at, i) => [series.groupBy, g.key, g.label, at, percent(g.rates[i])]),
    );
    return stringify(rows, { header: true, columns: ['group_by', 'key', 'label', 'bucket_start', 'rate_percent'] });
  }

  async #exposures(cameras: readonly MonitoredCamera[], span: Interval): Promise<Map<string, Exposure>> {
    const result = new Map<string, Exposure>();
    for (const [id, h] of await this.#history(cameras, span)) result.set(id, cameraExposure(h.initial, h.changes, h.maintenance, span));
    return result;
  }

  /** Each camera's state at span.from, its changes inside the span and its maintenance windows. */
  async #history(cameras: readonly MonitoredCamera[], span: Interval): Promise<Map<string, { initial: HealthState | null; changes: StateChange[]; maintenance: Interval[] }>> {
    const from = new Date(span.from).toISOString();
    const to = new Date(span.to).toISOString();
    const ids = cameras.map((c) => c.id);
    const history = await this.deps.health.history(ids, from, to);
    const windows = new Map<string, Interval[]>();
    for (const w of await this.deps.health.windowsBetween(from, to)) {
      const list = windows.get(w.camera_id) ?? [];
      list.push({ from: Date.parse(w.starts_at), to: Date.parse(w.ends_at) });
      windows.set(w.camera_id, list);
    }
    const result = new Map<string, { initial: HealthState | null; changes: StateChange[]; maintenance: Interval[] }>();
    for (const id of ids) {
      const h = history.get(id);
      result.set(id, { initial: h?.initial ?? null, changes: (h?.changes ?? []).map((c) => ({ at: Date.parse(c.at), to: c.to })), maintenance: windows.get(id) ?? [] });
    }
    return result;
  }

  /** How a camera is assigned to a group; null leaves it out (outside the region asked for). */
  async #grouper(groupBy: RateGrouping, regionId: string | null, now: Date): Promise<(c: MonitoredCamera) => { key: string; label: string } | null> {
    switch (groupBy) {
      case 'ownerType':
        return (c) => ({ key: c.ownerType, label: c.ownerType });
      case 'organisation':
        return (c) => ({ key: c.organisationId, label: c.organisationName });
      case 'tier':
        return (c) => {
          const override = c.tierOverride && c.tierOverrideExpiresAt ? { tier: c.tierOverride, expiresAt: c.tierOverrideExpiresAt } : null;
          const tier = effectiveTier(c.tier, override, now);
          return { key: tier, label: `${TIERS.indexOf(tier) + 1} ${tier}` };
        };
      case 'region':
        return this.#regionGrouper(regionId);
    }
  }

  /**
   * Region subtrees: the children of `regionId` (the top-level regions when null), each with
   * every camera below it; cameras placed on `regionId` itself form its own group.
   */
  async #regionGrouper(regionId: string | null): Promise<(c: MonitoredCamera) => { key: string; label: string } | null> {
    const parent = regionId === null ? null : await this.deps.regions.findById(regionId);
    if (regionId !== null && !parent) throw new VigilError('REGION_NOT_FOUND', `region ${regionId} does not exist`);
    const parentPath = parent?.path ?? '/';
    const children = await this.deps.regions.list({ parentId: regionId });
    const names = new Map(children.map((r) => [r.id, r.name]));
    if (parent) names.set(parent.id, `${parent.name} (directly)`);
    return (c) => {
      if (!c.regionPath.startsWith(parentPath)) return null;
      const next = c.regionPath.slice(parentPath.length).split('/').find(Boolean);
      const key = next ?? regionId;
      if (!key) return null;
      return { key, label: names.get(key) ?? key };
    };
  }
}
