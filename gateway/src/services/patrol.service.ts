import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OwnerType } from '../domain/catalog.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { HealthReason, HealthState } from '../domain/health-state.js';
import type { Page, PageRequest } from '../domain/paging.js';
import { decodeCursor, encodeCursor, nextPage, START_CURSOR, type TierWeights } from '../domain/patrol-rotation.js';
import { TIERS, type Tier } from '../domain/tier.js';
import { uniqueViolation } from '../storage/db-errors.js';
import type { CameraRepository, PatrolCandidateRow } from '../storage/repositories/camera.repository.js';
import type { OrganisationRepository } from '../storage/repositories/organisation.repository.js';
import type { PatrolPlanRepository } from '../storage/repositories/patrol-plan.repository.js';
import type { RegionRepository } from '../storage/repositories/region.repository.js';
import type { Database, PatrolPlanRow } from '../storage/schema.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.service.js';

export const WALL_LAYOUTS = [1, 4, 9, 16, 25] as const;
export type WallLayout = (typeof WALL_LAYOUTS)[number];

export interface PatrolPlanInput {
  readonly name: string;
  readonly layout: WallLayout;
  readonly dwellSeconds: number;
  /** Relative patrol frequency per tier; 0 leaves the tier out. */
  readonly weights: TierWeights;
  readonly regionIds: readonly string[];
  readonly organisationIds: readonly string[];
}

export interface PatrolPlanView extends PatrolPlanInput {
  readonly id: string;
  /** The tiers the plan shows (weight above 0). */
  readonly tiers: Tier[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WallTile {
  readonly id: string;
  readonly name: string;
  readonly tier: Tier;
  readonly ownerType: OwnerType;
  readonly organisationName: string;
  readonly regionName: string;
  readonly health: { readonly state: HealthState; readonly reason: HealthReason | null };
}

export interface WallPage {
  readonly cameras: WallTile[];
  /** Pass back for the page after this one. */
  readonly cursor: string;
  /** Cameras the plan could show right now (in scope, approved, not offline or in maintenance). */
  readonly eligible: number;
}

/** States a wall never spends a tile on. */
const SKIPPED: ReadonlySet<HealthState> = new Set(['offline', 'maintenance']);

function view(row: PatrolPlanRow): PatrolPlanView {
  const weights = JSON.parse(row.weights) as TierWeights;
  return {
    id: row.id,
    name: row.name,
    layout: row.layout as WallLayout,
    dwellSeconds: row.dwell_seconds,
    weights,
    tiers: TIERS.filter((t) => weights[t] > 0),
    regionIds: JSON.parse(row.region_ids) as string[],
    organisationIds: JSON.parse(row.organisation_ids) as string[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Patrol plans (shared, audited) and the pages of a wall playing one. */
export class PatrolService {
  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly plans: PatrolPlanRepository;
      readonly cameras: CameraRepository;
      readonly regions: RegionRepository;
      readonly organisations: OrganisationRepository;
      readonly audit: AuditService;
      readonly clock: Clock;
      /** Health as the monitor sees it now; undefined when not monitored (yet). */
      readonly healthOf: (cameraId: string) => { state: HealthState; reason: HealthReason } | undefined;
    },
  ) {}

  async list(page: PageRequest): Promise<Page<PatrolPlanView>> {
    const result = await this.deps.plans.list(page);
    return { items: result.items.map(view), total: result.total, ...page };
  }

  async get(id: string): Promise<PatrolPlanView> {
    const row = await this.deps.plans.findById(id);
    if (!row) throw new VigilError('PATROL_PLAN_NOT_FOUND', `patrol plan ${id} does not exist`);
    return view(row);
  }

  async create(input: PatrolPlanInput, actor: Actor): Promise<PatrolPlanView> {
    const id = randomUUID();
    const at = this.deps.clock.now().toISOString();
    await this.#write(async (trx) => {
      await this.#checkReferences(input, trx);
      await this.deps.plans.insert({ id, ...this.#columns(input), created_by: actor.username, created_at: at, updated_at: at }, trx);
      await this.deps.audit.record(trx, actor, 'patrol-plan.created', { type: 'patrol-plan', id }, { name: input.name });
    });
    return this.get(id);
  }

  async update(id: string, input: PatrolPlanInput, actor: Actor): Promise<PatrolPlanView> {
    await this.#write(async (trx) => {
      if (!(await this.deps.plans.findById(id, trx))) throw new VigilError('PATROL_PLAN_NOT_FOUND', `patrol plan ${id} does not exist`);
      await this.#checkReferences(input, trx);
      await this.deps.plans.update(id, { ...this.#columns(input), updated_at: this.deps.clock.now().toISOString() }, trx);
      await this.deps.audit.record(trx, actor, 'patrol-plan.updated', { type: 'patrol-plan', id }, { name: input.name });
    });
    return this.get(id);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.#write(async (trx) => {
      const row = await this.deps.plans.findById(id, trx);
      if (!row) throw new VigilError('PATROL_PLAN_NOT_FOUND', `patrol plan ${id} does not exist`);
      await this.deps.plans.delete(id, trx);
      await this.deps.audit.record(trx, actor, 'patrol-plan.deleted', { type: 'patrol-plan', id }, { name: row.name });
    });
  }

  /**
   * The next page of a wall playing `planId` for this caller: cameras in the caller's scope only,
   * offline and maintenance ones skipped. `count` defaults to the layout (a full page); a wall
   * replacing one dead tile asks for 1 and excludes the tiles it still shows.
   */
  async next(planId: string, request: { cursor?: string | undefined; count?: number | undefined; exclude?: readonly string[] | undefined }, actor: Actor): Promise<WallPage> {
    const plan = await this.get(planId);
    const cursor = request.cursor ? decodeCursor(request.cursor) : START_CURSOR;
    if (!cursor) throw new VigilError('INVALID_PATROL_CURSOR', 'the cursor is not one this server gave out', { field: 'cursor' });
    const regionPaths: string[] = [];
    for (const regionId of plan.regionIds) {
      // A region deleted since the plan was saved narrows nothing.
      const region = await this.deps.regions.findById(regionId);
      if (region) regionPaths.push(region.path);
    }
    if (plan.regionIds.length > 0 && regionPaths.length === 0) return { cameras: [], cursor: encodeCursor(cursor), eligible: 0 };
    const rows = await this.deps.cameras.patrolCandidates({ tiers: plan.tiers, regionPaths, organisationIds: plan.organisationIds }, actor.scope, this.deps.clock.now());
    const eligible = rows.filter((r) => !SKIPPED.has(this.deps.healthOf(r.id)?.state ?? 'unknown'));
    const page = nextPage<PatrolCandidateRow>(eligible, plan.weights, cursor, { count: request.count ?? plan.layout, exclude: new Set(request.exclude ?? []) });
    return {
      cameras: page.picks.map((r) => {
        const health = this.deps.healthOf(r.id);
        return { ...r, health: { state: health?.state ?? 'unknown', reason: health?.reason ?? null } };
      }),
      cursor: encodeCursor(page.cursor),
      eligible: eligible.length,
    };
  }

  #columns(input: PatrolPlanInput) {
    return {
      name: input.name.trim(),
      name_key: input.name.trim().toLowerCase(),
      layout: input.layout,
      dwell_seconds: input.dwellSeconds,
      weights: JSON.stringify({ key: input.weights.key, attention: input.weights.attention, general: input.weights.general }),
      region_ids: JSON.stringify([...new Set(input.regionIds)]),
      organisation_ids: JSON.stringify([...new Set(input.organisationIds)]),
    };
  }

  async #checkReferences(input: PatrolPlanInput, trx: Kysely<Database>): Promise<void> {
    for (const id of input.regionIds) {
      if (!(await this.deps.regions.findById(id, trx))) throw new VigilError('REGION_NOT_FOUND', `region ${id} does not exist`, { field: 'regionIds' });
    }
    for (const id of input.organisationIds) {
      if (!(await this.deps.organisations.findById(id, trx))) throw new VigilError('ORGANISATION_NOT_FOUND', `organisation ${id} does not exist`, { field: 'organisationIds' });
    }
  }

  async #write(work: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
    try {
      await this.deps.db.transaction().execute(work);
    } catch (err) {
      if (uniqueViolation(err)) throw new VigilError('DUPLICATE_PATROL_PLAN', 'a patrol plan with this name exists', { field: 'name' });
      throw err;
    }
  }
}
