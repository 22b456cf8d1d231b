import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { OwnerType } from '../../domain/catalog.js';
import type { Lifecycle } from '../../domain/camera-lifecycle.js';
import type { Page, PageRequest, Sort } from '../../domain/paging.js';
import type { Tier } from '../../domain/tier.js';
import { EVERYTHING, type Scope } from '../../domain/scope.js';
import { likePattern } from '../db-errors.js';
import type { CameraRow, CameraUpdate, Database, NewCameraRow, StreamProfileRow } from '../schema.js';

type Db = Kysely<Database>;

export const CAMERA_SORT_KEYS = ['name', 'nationalCode', 'createdAt', 'updatedAt', 'tier'] as const;
export type CameraSortKey = (typeof CAMERA_SORT_KEYS)[number];

export interface CameraFilter {
  readonly organisationId?: string | undefined;
  readonly ownerType?: OwnerType | undefined;
  /** Path of a region: the region and all below it. */
  readonly regionPath?: string | undefined;
  /** Matches the tier in force at `now` (overrides included). */
  readonly tier?: Tier | undefined;
  readonly lifecycle?: Lifecycle | undefined;
  /** Case-insensitive text in the name or the address. */
  readonly q?: string | undefined;
  /** Only these cameras (the health filter: ids the monitor reports in a state). */
  readonly ids?: readonly string[] | undefined;
  /** Only cameras this user registered. */
  readonly submittedBy?: string | undefined;
}

/** A camera row with what hangs off it. */
export interface CameraRecord {
  readonly row: CameraRow;
  readonly profiles: readonly StreamProfileRow[];
  readonly hasCredentials: boolean;
}

export interface DuplicateKeys {
  readonly addressKeys: readonly string[];
  readonly serialKey: string | null;
  readonly macAddress: string | null;
  readonly onvifEndpointRef: string | null;
}

export interface Conflict {
  readonly cameraId: string;
  readonly field: 'stream' | 'serialNumber' | 'macAddress' | 'onvifEndpointRef';
}

type CameraEb = ExpressionBuilder<Database, 'cameras'>;
type ScopedEb = ExpressionBuilder<Database, 'cameras' | 'regions'>;

/**
 * The caller's scope as SQL over cameras joined with regions: their organisations' cameras, or
 * cameras placed in their region subtrees. An empty scope matches nothing.
 */
export function cameraScopeSql(eb: ScopedEb, scope: Scope) {
  if (scope.all) return sql<boolean>`1 = 1`;
  const parts = [
    ...(scope.organisationIds.length > 0 ? [eb('cameras.organisation_id', 'in', [...scope.organisationIds])] : []),
    ...scope.regionPaths.map((p) => sql<boolean>`regions.path like ${likePattern(p, 'prefix')} escape '\\'`),
  ];
  return parts.length > 0 ? eb.or(parts) : sql<boolean>`1 = 0`;
}

/** The tier in force at `nowIso`, as SQL, so filters and sorts agree with the API's effectiveTier. */
function effectiveTierSql(eb: CameraEb, nowIso: string) {
  return eb
    .case()
    .when(eb.and([eb('cameras.tier_override', 'is not', null), eb('cameras.tier_override_expires_at', '>', nowIso)]))
    .then(eb.ref('cameras.tier_override'))
    .else(eb.ref('cameras.tier'))
    .end();
}

function tierRankSql(eb: CameraEb, nowIso: string) {
  const tier = effectiveTierSql(eb, nowIso);
  return eb.case(tier).when('key').then(0).when('attention').then(1).else(2).end();
}

const SORT_COLUMNS = {
  name: 'cameras.name',
  nationalCode: 'cameras.national_code',
  createdAt: 'cameras.created_at',
  updatedAt: 'cameras.updated_at',
} as const;

/** Cameras, their stream profiles and whether credentials exist. Portable SQL only. */
export class CameraRepository {
  constructor(private readonly db: Db) {}

  /** The camera, if it exists and is in `scope`. */
  async findById(id: string, scope: Scope = EVERYTHING, db: Db = this.db): Promise<CameraRecord | undefined> {
    const row = await db
      .selectFrom('cameras')
      .innerJoin('regions', 'regions.id', 'cameras.region_id')
      .selectAll('cameras')
      .where('cameras.id', '=', id)
      .where((eb) => cameraScopeSql(eb, scope))
      .executeTakeFirst();
    if (!row) return undefined;
    const [record] = await this.withChildren([row], db);
    return record;
  }

  async list(filter: CameraFilter, scope: Scope, sort: Sort<CameraSortKey>, page: PageRequest, now: Date, db: Db = this.db): Promise<Page<CameraRecord>> {
    const nowIso = now.toISOString();
    let q = db
      .selectFrom('cameras')
      .innerJoin('organisations', 'organisations.id', 'cameras.organisation_id')
      .innerJoin('regions', 'regions.id', 'cameras.region_id')
      .where((eb) => cameraScopeSql(eb, scope));
    if (filter.organisationId) q = q.where('cameras.organisation_id', '=', filter.organisationId);
    if (filter.ownerType) q = q.where('organisations.owner_type', '=', filter.ownerType);
    if (filter.regionPath) q = q.where(sql<boolean>`regions.path like ${likePattern(filter.regionPath, 'prefix')} escape '\\'`);
    if (filter.lifecycle) q = q.where('cameras.lifecycle', '=', filter.lifecycle);
    if (filter.submittedBy) q = q.where('cameras.submitted_by', '=', filter.submittedBy);
    // One JSON parameter rather than one per id: a health filter can match 20,000 cameras.
    if (filter.ids) q = q.where(sql<boolean>`cameras.id in (select value from json_each(${JSON.stringify(filter.ids)}))`);
    if (filter.tier) {
      const tier = filter.tier;
      q = q.where((eb) => eb(effectiveTierSql(eb as unknown as CameraEb, nowIso), '=', tier));
    }
    if (filter.q) {
      const pattern = likePattern(filter.q.toLowerCase(), 'contains');
      q = q.where(
        sql<boolean>`(lower(cameras.name) like ${pattern} escape '\\' or lower(coalesce(cameras.address, '')) like ${pattern} escape '\\')`,
      );
    }
    const { n } = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    let rows = q.selectAll('cameras');
    rows =
      sort.key === 'tier'
        ? rows.orderBy((eb) => tierRankSql(eb as unknown as CameraEb, nowIso), sort.direction)
        : rows.orderBy(SORT_COLUMNS[sort.key], sort.direction);
    // Ties break by name, then id, so pages are stable and readable.
    if (sort.key !== 'name') rows = rows.orderBy('cameras.name');
    const items = await rows.orderBy('cameras.id').limit(page.limit).offset(page.offset).execute();
    return { items: await this.withChildren(items, db), total: Number(n), ...page };
  }

  private async withChildren(rows: readonly CameraRow[], db: Db): Promise<CameraRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const profiles = await db.selectFrom('camera_stream_profiles').selectAll().where('camera_id', 'in', ids).execute();
    const creds = await db.selectFrom('camera_credentials').select('camera_id').where('camera_id', 'in', ids).execute();
    const withCreds = new Set(creds.map((c) => c.camera_id));
    return rows.map((row) => ({
      row,
      profiles: profiles.filter((p) => p.camera_id === row.id),
      hasCredentials: withCreds.has(row.id),
    }));
  }

  /** The first existing camera (other than `exceptId`) that is the same device or stream. */
  async findConflict(keys: DuplicateKeys, exceptId: string | null, db: Db = this.db): Promise<Conflict | null> {
    const other = exceptId ?? '';
    if (keys.onvifEndpointRef) {
      const hit = await db.selectFrom('cameras').select('id').where('onvif_endpoint_ref', '=', keys.onvifEndpointRef).where('id', '!=', other).executeTakeFirst();
      if (hit) return { cameraId: hit.id, field: 'onvifEndpointRef' };
    }
    if (keys.serialKey) {
      const hit = await db.selectFrom('cameras').select('id').where('serial_key', '=', keys.serialKey).where('id', '!=', other).executeTakeFirst();
      if (hit) return { cameraId: hit.id, field: 'serialNumber' };
    }
    if (keys.macAddress) {
      const hit = await db.selectFrom('cameras').select('id').where('mac_address', '=', keys.macAddress).where('id', '!=', other).executeTakeFirst();
      if (hit) return { cameraId: hit.id, field: 'macAddress' };
    }
    if (keys.addressKeys.length > 0) {
      const hit = await db
        .selectFrom('camera_stream_profiles')
        .select('camera_id')
        .where('address_key', 'in', [...keys.addressKeys])
        .where('camera_id', '!=', other)
        .executeTakeFirst();
      if (hit) return { cameraId: hit.camera_id, field: 'stream' };
    }
    return null;
  }

  /** The highest serial used under a 14-digit national-code prefix, 0 when none. */
  async highestSerial(prefix: string, db: Db = this.db): Promise<number> {
    const row = await db
      .selectFrom('cameras')
      .select('national_code')
      .where(sql<boolean>`national_code like ${likePattern(prefix, 'prefix')} escape '\\'`)
      .orderBy('national_code', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.national_code.slice(14)) : 0;
  }

  async insert(row: NewCameraRow, db: Db = this.db): Promise<void> {
    await db.insertInto('cameras').values(row).execute();
  }

  async update(id: string, patch: CameraUpdate, db: Db = this.db): Promise<void> {
    await db.updateTable('cameras').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('cameras').where('id', '=', id).execute();
  }

  async upsertProfile(profile: StreamProfileRow, db: Db = this.db): Promise<void> {
    const { camera_id: _c, kind: _k, ...rest } = profile;
    await db
      .insertInto('camera_stream_profiles')
      .values(profile)
      .onConflict((oc) => oc.columns(['camera_id', 'kind']).doUpdateSet(rest))
      .execute();
  }

  async deleteProfile(cameraId: string, kind: StreamProfileRow['kind'], db: Db = this.db): Promise<void> {
    await db.deleteFrom('camera_stream_profiles').where('camera_id', '=', cameraId).where('kind', '=', kind).execute();
  }

  /** Camera counts by lifecycle, tier in force and owner type, for metrics. */
  async countsByGroup(now: Date, db: Db = this.db): Promise<Array<{ lifecycle: Lifecycle; tier: Tier; ownerType: OwnerType; count: number }>> {
    const nowIso = now.toISOString();
    const rows = await db
      .selectFrom('cameras')
      .innerJoin('organisations', 'organisations.id', 'cameras.organisation_id')
      .select((eb) => [
        'cameras.lifecycle as lifecycle',
        effectiveTierSql(eb as unknown as CameraEb, nowIso).as('tier'),
        'organisations.owner_type as ownerType',
        eb.fn.countAll<number | string>().as('count'),
      ])
      .groupBy(['cameras.lifecycle', 'tier', 'organisations.owner_type'])
      .execute();
    return rows.map((r) => ({ lifecycle: r.lifecycle, tier: r.tier as Tier, ownerType: r.ownerType, count: Number(r.count) }));
  }

  /**
   * Approved cameras a patrol plan may show, in walking order (region, then name): lean rows, so a
   * wall over 20,000 cameras reads one narrow query per page.
   */
  async patrolCandidates(filter: PatrolFilter, scope: Scope, now: Date, db: Db = this.db): Promise<PatrolCandidateRow[]> {
    const nowIso = now.toISOString();
    let q = db
      .selectFrom('cameras')
      .innerJoin('organisations', 'organisations.id', 'cameras.organisation_id')
      .innerJoin('regions', 'regions.id', 'cameras.region_id')
      .where('cameras.lifecycle', '=', 'approved')
      .where((eb) => cameraScopeSql(eb, scope));
    if (filter.organisationIds.length > 0) q = q.where('cameras.organisation_id', 'in', [...filter.organisationIds]);
    if (filter.regionPaths.length > 0) {
      const paths = filter.regionPaths;
      q = q.where((eb) => eb.or(paths.map((p) => sql<boolean>`regions.path like ${likePattern(p, 'prefix')} escape '\\'`)));
    }
    q = q.where((eb) => eb(effectiveTierSql(eb as unknown as CameraEb, nowIso), 'in', [...filter.tiers]));
    const rows = await q
      .select((eb) => [
        'cameras.id as id',
        'cameras.name as name',
        effectiveTierSql(eb as unknown as CameraEb, nowIso).as('tier'),
        'organisations.name as organisationName',
        'organisations.owner_type as ownerType',
        'regions.name as regionName',
      ])
      .orderBy('regions.path')
      .orderBy('cameras.name')
      .orderBy('cameras.id')
      .execute();
    return rows.map((r) => ({ ...r, tier: r.tier as Tier }));
  }
}

export interface PatrolFilter {
  readonly tiers: readonly Tier[];
  /** Region subtrees (paths); empty: anywhere. */
  readonly regionPaths: readonly string[];
  /** Empty: every organisation. */
  readonly organisationIds: readonly string[];
}

export interface PatrolCandidateRow {
  readonly id: string;
  readonly name: string;
  readonly tier: Tier;
  readonly organisationName: string;
  readonly ownerType: OwnerType;
  readonly regionName: string;
}
