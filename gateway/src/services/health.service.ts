import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OwnerType } from '../domain/catalog.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { HealthState } from '../domain/health-state.js';
import type { Page, PageRequest } from '../domain/paging.js';
import { inScope } from '../domain/scope.js';
import { effectiveTier, type Tier } from '../domain/tier.js';
import type { CheckSummary, HealthMonitor } from '../health/health-monitor.js';
import type { HealthRepository } from '../storage/repositories/health.repository.js';
import type { Database, MaintenanceWindowRow } from '../storage/schema.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.service.js';
import type { CameraService } from './camera.service.js';

export interface CameraHealth {
  readonly cameraId: string;
  readonly monitored: boolean;
  readonly state: HealthState;
  readonly reason: string;
  readonly since: string;
  readonly flapping: boolean;
  readonly lastCheckedAt: string | null;
  readonly warnings: readonly string[];
  /** From the last successful RTSP and ONVIF steps. */
  readonly codec: string | null;
  readonly clockSkewMs: number | null;
  readonly recent: readonly CheckSummary[];
  readonly transitions: ReadonlyArray<{ at: string; from: string; to: string; reason: string }>;
  readonly openTicketId: string | null;
}

export interface Problem {
  readonly cameraId: string;
  readonly name: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly ownerType: OwnerType;
  readonly tier: Tier;
  readonly state: HealthState;
  readonly reason: string;
  readonly since: string;
  readonly ageSeconds: number;
  readonly flapping: boolean;
}

export interface ProblemFilter {
  readonly state?: 'offline' | 'degraded' | undefined;
  readonly ownerType?: OwnerType | undefined;
  readonly organisationId?: string | undefined;
  readonly tier?: Tier | undefined;
}

export interface MaintenanceInput {
  readonly startsAt: string;
  readonly endsAt: string;
  readonly reason: string;
}

/** The health API: one camera's health, the problem list, "check now" and maintenance windows. */
export class HealthService {
  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly monitor: HealthMonitor;
      readonly health: HealthRepository;
      readonly cameras: CameraService;
      readonly audit: AuditService;
      readonly clock: Clock;
      readonly ticketFor: (cameraId: string) => string | null;
    },
  ) {}

  async cameraHealth(cameraId: string, actor: Actor): Promise<CameraHealth> {
    const camera = await this.deps.cameras.require(cameraId, actor);
    const record = this.deps.monitor.record(cameraId);
    const recent = this.deps.monitor.recent(cameraId);
    const transitions = await this.deps.health.recentTransitions(cameraId, 20);
    const lastStep = (step: string) => recent.flatMap((c) => c.steps).find((s) => s.step === step && s.ok);
    const rtsp = lastStep('rtsp');
    const onvif = lastStep('onvif');
    return {
      cameraId,
      monitored: record !== undefined,
      state: record?.state ?? 'unknown',
      reason: record?.reason ?? (camera.row.lifecycle === 'approved' ? 'new' : 'not_monitored'),
      since: new Date(record?.since ?? Date.parse(camera.row.lifecycle_changed_at)).toISOString(),
      flapping: record?.flapping ?? false,
      lastCheckedAt: recent[0]?.at ?? null,
      warnings: recent[0]?.warnings ?? [],
      codec: (rtsp?.ok && rtsp.detail?.codec) || null,
      clockSkewMs: onvif?.ok && onvif.detail?.clockSkewMs !== undefined ? onvif.detail.clockSkewMs : null,
      recent,
      transitions: transitions.map((t) => ({ at: t.at, from: t.from, to: t.to, reason: t.reason })),
      openTicketId: this.deps.ticketFor(cameraId),
    };
  }

  /** Offline and degraded cameras in the caller's scope, longest-standing first. */
  problems(filter: ProblemFilter, page: PageRequest, actor: Actor): Page<Problem> {
    const now = this.deps.clock.now();
    const items: Problem[] = [];
    for (const { camera, record } of this.deps.monitor.states()) {
      if (record.state !== 'offline' && record.state !== 'degraded') continue;
      if (filter.state && record.state !== filter.state) continue;
      if (!inScope(actor.scope, camera.organisationId, camera.regionPath)) continue;
      if (filter.ownerType && camera.ownerType !== filter.ownerType) continue;
      if (filter.organisationId && camera.organisationId !== filter.organisationId) continue;
      const override = camera.tierOverride && camera.tierOverrideExpiresAt ? { tier: camera.tierOverride, expiresAt: camera.tierOverrideExpiresAt } : null;
      const tier = effectiveTier(camera.tier, override, now);
      if (filter.tier && tier !== filter.tier) continue;
      items.push({
        cameraId: camera.id,
        name: camera.name,
        organisationId: camera.organisationId,
        organisationName: camera.organisationName,
        ownerType: camera.ownerType,
        tier,
        state: record.state,
        reason: record.reason,
        since: new Date(record.since).toISOString(),
        ageSeconds: Math.round((now.getTime() - record.since) / 1000),
        flapping: record.flapping,
      });
    }
    items.sort((a, b) => b.ageSeconds - a.ageSeconds || a.cameraId.localeCompare(b.cameraId));
    return { items: items.slice(page.offset, page.offset + page.limit), total: items.length, limit: page.limit, offset: page.offset };
  }

  async checkNow(cameraId: string, actor: Actor): Promise<{ check: CheckSummary; health: CameraHealth }> {
    const camera = await this.deps.cameras.require(cameraId, actor);
    if (camera.row.lifecycle !== 'approved') throw new VigilError('CAMERA_NOT_MONITORED', `the camera is ${camera.row.lifecycle}: only approved cameras are checked`);
    const check = await this.deps.monitor.checkNow(cameraId);
    if (!check) throw new VigilError('CAMERA_NOT_MONITORED', 'the camera is not monitored');
    return { check, health: await this.cameraHealth(cameraId, actor) };
  }

  async maintenanceWindows(cameraId: string, actor: Actor): Promise<MaintenanceWindowRow[]> {
    await this.deps.cameras.require(cameraId, actor);
    return this.deps.health.windows(cameraId, new Date(0).toISOString());
  }

  async addMaintenance(cameraId: string, input: MaintenanceInput, actor: Actor): Promise<MaintenanceWindowRow> {
    await this.deps.cameras.require(cameraId, actor);
    const starts = Date.parse(input.startsAt);
    const ends = Date.parse(input.endsAt);
    if (!(ends > starts)) throw new VigilError('VALIDATION_FAILED', 'endsAt must be after startsAt', { field: 'endsAt' });
    if (ends - starts > 31 * 86_400_000) throw new VigilError('VALIDATION_FAILED', 'a maintenance window lasts at most 31 days', { field: 'endsAt' });
    const now = this.deps.clock.now().toISOString();
    const row: MaintenanceWindowRow = {
      id: randomUUID(),
      camera_id: cameraId,
      starts_at: new Date(starts).toISOString(),
      ends_at: new Date(ends).toISOString(),
      reason: input.reason,
      created_by: actor.username,
      created_at: now,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.health.insertWindow(row, trx);
      await this.deps.audit.record(trx, actor, 'camera.maintenance.added', { type: 'camera', id: cameraId }, { windowId: row.id, startsAt: row.starts_at, endsAt: row.ends_at });
    });
    await this.deps.monitor.windowsChanged();
    return row;
  }

  async removeMaintenance(cameraId: string, windowId: string, actor: Actor): Promise<void> {
    await this.deps.cameras.require(cameraId, actor);
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await this.deps.health.deleteWindow(cameraId, windowId, trx))) throw new VigilError('MAINTENANCE_WINDOW_NOT_FOUND', `no maintenance window ${windowId} on this camera`);
      await this.deps.audit.record(trx, actor, 'camera.maintenance.removed', { type: 'camera', id: cameraId }, { windowId });
    });
    await this.deps.monitor.windowsChanged();
  }
}
