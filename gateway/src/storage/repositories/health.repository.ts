import { sql, type Kysely } from 'kysely';
import type { OwnerType } from '../../domain/catalog.js';
import type { HealthState } from '../../domain/health-state.js';
import type { Tier } from '../../domain/tier.js';
import type { Scope } from '../../domain/scope.js';
import type { Database, MaintenanceWindowRow, RepairTicketRow, StreamProfileRow } from '../schema.js';
import { cameraScopeSql } from './camera.repository.js';

type Db = Kysely<Database>;

export interface TransitionRow {
  readonly cameraId: string;
  readonly at: string;
  readonly from: HealthState;
  readonly to: HealthState;
  readonly reason: string;
}

/** An approved camera as health checks and the online rate see it. */
export interface MonitoredCamera {
  readonly id: string;
  readonly name: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly ownerType: OwnerType;
  readonly regionId: string;
  readonly regionPath: string;
  readonly tier: Tier;
  readonly tierOverride: Tier | null;
  readonly tierOverrideExpiresAt: string | null;
  readonly onvifAddress: string | null;
}

/** Transitions, maintenance windows and repair tickets. Portable SQL only. */
export class HealthRepository {
  constructor(private readonly db: Db) {}

  /** Approved cameras in `scope` (all of them for the scheduler), with their grouping keys. */
  async monitoredCameras(scope: Scope, ids?: readonly string[]): Promise<MonitoredCamera[]> {
    if (ids?.length === 0) return [];
    let query = this.db
      .selectFrom('cameras')
      .innerJoin('organisations', 'organisations.id', 'cameras.organisation_id')
      .innerJoin('regions', 'regions.id', 'cameras.region_id')
      .where('cameras.lifecycle', '=', 'approved')
      .where((eb) => cameraScopeSql(eb as never, scope))
      .select([
        'cameras.id as id',
        'cameras.name as name',
        'cameras.organisation_id as organisationId',
        'organisations.name as organisationName',
        'organisations.owner_type as ownerType',
        'cameras.region_id as regionId',
        'regions.path as regionPath',
        'cameras.tier as tier',
        'cameras.tier_override as tierOverride',
        'cameras.tier_override_expires_at as tierOverrideExpiresAt',
        'cameras.onvif_address as onvifAddress',
      ]);
    if (ids) query = query.where('cameras.id', 'in', [...ids]);
    return query.execute();
  }

  /** Ids of cameras changed (edited, approved, retired, new credentials) at or after `since`. */
  async changedCameraIds(since: string): Promise<string[]> {
    const rows = await this.db.selectFrom('cameras').select('id').where('updated_at', '>=', since).execute();
    return rows.map((r) => r.id);
  }

  /** The stream profiles of approved cameras, for the checks. */
  async approvedProfiles(ids?: readonly string[]): Promise<Map<string, StreamProfileRow[]>> {
    let query = this.db
      .selectFrom('camera_stream_profiles')
      .innerJoin('cameras', 'cameras.id', 'camera_stream_profiles.camera_id')
      .where('cameras.lifecycle', '=', 'approved')
      .selectAll('camera_stream_profiles');
    if (ids) query = ids.length === 0 ? query.where(sql<boolean>`1 = 0`) : query.where('cameras.id', 'in', [...ids]);
    const rows = await query.execute();
    const map = new Map<string, StreamProfileRow[]>();
    for (const row of rows) {
      const list = map.get(row.camera_id) ?? [];
      list.push(row);
      map.set(row.camera_id, list);
    }
    return map;
  }

  /** Sealed credentials of approved cameras (still encrypted: opened per check). */
  async approvedSealedCredentials(ids?: readonly string[]): Promise<Map<string, string>> {
    let query = this.db
      .selectFrom('camera_credentials')
      .innerJoin('cameras', 'cameras.id', 'camera_credentials.camera_id')
      .where('cameras.lifecycle', '=', 'approved')
      .select(['camera_credentials.camera_id', 'camera_credentials.sealed']);
    if (ids) query = ids.length === 0 ? query.where(sql<boolean>`1 = 0`) : query.where('cameras.id', 'in', [...ids]);
    const rows = await query.execute();
    return new Map(rows.map((r) => [r.camera_id, r.sealed]));
  }

  async insertTransitions(rows: readonly TransitionRow[], db: Db = this.db): Promise<void> {
    if (rows.length === 0) return;
    // SQLite allows 32766 variables per statement; 5 columns a row.
    for (let i = 0; i < rows.length; i += 1000) {
      await db
        .insertInto('health_transitions')
        .values(rows.slice(i, i + 1000).map((r) => ({ camera_id: r.cameraId, at: r.at, from_state: r.from, to_state: r.to, reason: r.reason })))
        .execute();
    }
  }

  /** The latest transition of each camera that has one. */
  async latestStates(): Promise<Map<string, { state: HealthState; at: string }>> {
    const rows = await this.db
      .selectFrom('health_transitions as t')
      .where('t.id', 'in', (eb) => eb.selectFrom('health_transitions').select((e) => e.fn.max('id').as('id')).groupBy('camera_id'))
      .select(['t.camera_id', 't.to_state', 't.at'])
      .execute();
    return new Map(rows.map((r) => [r.camera_id, { state: r.to_state, at: r.at }]));
  }

  /**
   * For the time-weighted online rate: each camera's state in force at `from` (its last
   * transition before it) and its transitions in [from, to), in time order.
   */
  async history(cameraIds: readonly string[], from: string, to: string): Promise<Map<string, { initial: HealthState | null; changes: Array<{ at: string; to: HealthState }> }>> {
    const result = new Map<string, { initial: HealthState | null; changes: Array<{ at: string; to: HealthState }> }>();
    for (const id of cameraIds) result.set(id, { initial: null, changes: [] });
    if (cameraIds.length === 0) return result;
    const before = await this.db
      .selectFrom('health_transitions as t')
      .where('t.id', 'in', (eb) =>
        eb.selectFrom('health_transitions').where('at', '<', from).select((e) => e.fn.max('id').as('id')).groupBy('camera_id'),
      )
      .select(['t.camera_id', 't.to_state'])
      .execute();
    for (const row of before) {
      const entry = result.get(row.camera_id);
      if (entry) entry.initial = row.to_state;
    }
    const inside = await this.db
      .selectFrom('health_transitions')
      .where('at', '>=', from)
      .where('at', '<', to)
      .select(['camera_id', 'at', 'to_state'])
      .orderBy('id')
      .execute();
    for (const row of inside) result.get(row.camera_id)?.changes.push({ at: row.at, to: row.to_state });
    return result;
  }

  async recentTransitions(cameraId: string, limit: number): Promise<TransitionRow[]> {
    const rows = await this.db
      .selectFrom('health_transitions')
      .where('camera_id', '=', cameraId)
      .orderBy('id', 'desc')
      .limit(limit)
      .select(['camera_id', 'at', 'from_state', 'to_state', 'reason'])
      .execute();
    return rows.map((r) => ({ cameraId: r.camera_id, at: r.at, from: r.from_state, to: r.to_state, reason: r.reason }));
  }

  // --- maintenance windows ---

  async insertWindow(row: MaintenanceWindowRow, db: Db = this.db): Promise<void> {
    await db.insertInto('maintenance_windows').values(row).execute();
  }

  async deleteWindow(cameraId: string, id: string, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom('maintenance_windows').where('camera_id', '=', cameraId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Windows of a camera (all cameras when null) that end after `after`. */
  async windows(cameraId: string | null, after: string): Promise<MaintenanceWindowRow[]> {
    let query = this.db.selectFrom('maintenance_windows').selectAll().where('ends_at', '>', after);
    if (cameraId !== null) query = query.where('camera_id', '=', cameraId);
    return query.orderBy('starts_at').execute();
  }

  /** Windows overlapping [from, to). */
  async windowsBetween(from: string, to: string): Promise<MaintenanceWindowRow[]> {
    return this.db.selectFrom('maintenance_windows').selectAll().where('ends_at', '>', from).where('starts_at', '<', to).execute();
  }

  // --- repair tickets ---

  async openTickets(): Promise<RepairTicketRow[]> {
    return this.db.selectFrom('repair_tickets').selectAll().where('closed_at', 'is', null).execute();
  }

  async insertTicket(row: RepairTicketRow): Promise<void> {
    await this.db.insertInto('repair_tickets').values(row).execute();
  }

  async closeTicket(id: string, closedAt: string): Promise<void> {
    await this.db.updateTable('repair_tickets').set({ closed_at: closedAt }).where('id', '=', id).where('closed_at', 'is', null).execute();
  }

  /** Tickets of cameras in `scope`, newest first, optionally only open or closed ones. */
  async tickets(scope: Scope, filter: { state?: 'open' | 'closed' | undefined; cameraId?: string | undefined; since?: string | undefined }, limit: number, offset: number) {
    let query = this.db
      .selectFrom('repair_tickets')
      .innerJoin('cameras', 'cameras.id', 'repair_tickets.camera_id')
      .innerJoin('regions', 'regions.id', 'cameras.region_id')
      .innerJoin('organisations', 'organisations.id', 'repair_tickets.organisation_id')
      .where((eb) => cameraScopeSql(eb as never, scope));
    if (filter.state === 'open') query = query.where('repair_tickets.closed_at', 'is', null);
    if (filter.state === 'closed') query = query.where('repair_tickets.closed_at', 'is not', null);
    if (filter.cameraId) query = query.where('repair_tickets.camera_id', '=', filter.cameraId);
    if (filter.since) query = query.where((eb) => eb.or([eb('repair_tickets.closed_at', 'is', null), eb('repair_tickets.opened_at', '>=', filter.since!)]));
    const total = await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const items = await query
      .select([
        'repair_tickets.id as id',
        'repair_tickets.camera_id as cameraId',
        'cameras.name as cameraName',
        'repair_tickets.organisation_id as organisationId',
        'organisations.name as organisationName',
        'organisations.owner_type as ownerType',
        'repair_tickets.tier as tier',
        'repair_tickets.state as state',
        'repair_tickets.reason as reason',
        'repair_tickets.down_since as downSince',
        'repair_tickets.opened_at as openedAt',
        'repair_tickets.closed_at as closedAt',
      ])
      .orderBy('repair_tickets.opened_at', 'desc')
      .orderBy('repair_tickets.id')
      .limit(limit)
      .offset(offset)
      .execute();
    return { items, total: Number(total.n) };
  }

  /** Every ticket of cameras in `scope` opened since `since` or still open, with grouping keys. */
  async ticketsForStats(scope: Scope, since: string) {
    return this.db
      .selectFrom('repair_tickets')
      .innerJoin('cameras', 'cameras.id', 'repair_tickets.camera_id')
      .innerJoin('regions', 'regions.id', 'cameras.region_id')
      .innerJoin('organisations', 'organisations.id', 'repair_tickets.organisation_id')
      .where((eb) => cameraScopeSql(eb as never, scope))
      .where((eb) => eb.or([eb('repair_tickets.closed_at', 'is', null), eb('repair_tickets.opened_at', '>=', since)]))
      .select([
        'repair_tickets.organisation_id as organisationId',
        'organisations.name as organisationName',
        'organisations.owner_type as ownerType',
        'repair_tickets.down_since as downSince',
        'repair_tickets.closed_at as closedAt',
      ])
      .execute();
  }
}
