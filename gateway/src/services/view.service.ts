import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OwnerType } from '../domain/catalog.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { Database, CameraViewRow } from '../storage/schema.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.service.js';
import type { CameraService } from './camera.service.js';

export interface ViewRecord {
  readonly id: string;
  readonly cameraId: string;
  readonly organisationId: string;
  readonly username: string;
  readonly reason: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

function view(row: CameraViewRow): ViewRecord {
  return {
    id: row.id,
    cameraId: row.camera_id,
    organisationId: row.organisation_id,
    username: row.username,
    reason: row.reason,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

type Db = Kysely<Database>;

/**
 * Every live view is recorded — who, which camera, when it started and ended, and why — both in
 * the hash-chained audit log and in a table the camera's owner can read (transparency). Viewing a
 * camera of an owner type named in the policy needs a reason.
 */
export class ViewService {
  constructor(
    private readonly deps: {
      readonly db: Db;
      readonly cameras: CameraService;
      readonly audit: AuditService;
      readonly clock: Clock;
      readonly reasonRequiredFor: readonly OwnerType[];
    },
  ) {}

  async start(cameraId: string, reason: string | null, actor: Actor): Promise<ViewRecord> {
    const id = randomUUID();
    await this.deps.db.transaction().execute(async (trx) => {
      const camera = await this.deps.cameras.require(cameraId, actor, trx);
      if (camera.row.lifecycle === 'retired') throw new VigilError('INVALID_LIFECYCLE_TRANSITION', 'a retired camera cannot be viewed');
      const owner = await trx.selectFrom('organisations').select('owner_type').where('id', '=', camera.row.organisation_id).executeTakeFirstOrThrow();
      if (!reason && this.deps.reasonRequiredFor.includes(owner.owner_type)) {
        throw new VigilError('REASON_REQUIRED', `viewing a ${owner.owner_type} camera needs a reason`, { field: 'reason', ownerType: owner.owner_type });
      }
      const at = this.deps.clock.now().toISOString();
      await trx
        .insertInto('camera_views')
        .values({ id, camera_id: cameraId, organisation_id: camera.row.organisation_id, user_id: actor.id, username: actor.username, reason, started_at: at, ended_at: null })
        .execute();
      await this.deps.audit.record(trx, actor, 'view.started', { type: 'camera', id: cameraId }, { viewId: id, reason });
    });
    return this.#get(id);
  }

  /** Ends one of the caller's own views (an admin may end anyone's). Ending twice changes nothing. */
  async end(viewId: string, actor: Actor): Promise<ViewRecord> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('camera_views').selectAll().where('id', '=', viewId).executeTakeFirst();
      if (!row || (row.user_id !== actor.id && actor.role !== 'admin')) throw new VigilError('VIEW_NOT_FOUND', `view ${viewId} does not exist`);
      if (row.ended_at) return;
      const at = this.deps.clock.now().toISOString();
      await trx.updateTable('camera_views').set({ ended_at: at }).where('id', '=', viewId).execute();
      await this.deps.audit.record(trx, actor, 'view.ended', { type: 'camera', id: row.camera_id }, { viewId, startedAt: row.started_at });
    });
    return this.#get(viewId);
  }

  /** Ends a view whose player went quiet (the relay saw no request from it for a while). */
  async endIdle(viewId: string, actor: Actor): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('camera_views').selectAll().where('id', '=', viewId).executeTakeFirst();
      if (!row || row.ended_at) return;
      await trx.updateTable('camera_views').set({ ended_at: this.deps.clock.now().toISOString() }).where('id', '=', viewId).execute();
      await this.deps.audit.record(trx, actor, 'view.ended', { type: 'camera', id: row.camera_id }, { viewId, startedAt: row.started_at, user: row.username, why: 'player stopped requesting' });
    });
  }

  /** Who viewed an organisation's cameras, newest first: for the owner's own admin or integrator. */
  async forOrganisation(organisationId: string, page: { limit: number; offset: number }, actor: Actor): Promise<{ items: Array<ViewRecord & { cameraName: string | null }>; total: number; limit: number; offset: number }> {
    const exists = await this.deps.db.selectFrom('organisations').select('id').where('id', '=', organisationId).executeTakeFirst();
    // Transparency is for the owner: only their own people (or admins) see it, regions do not count.
    const own = actor.scope.all || actor.scope.organisationIds.includes(organisationId);
    if (!exists || !own) {
      throw new VigilError('ORGANISATION_NOT_FOUND', `organisation ${organisationId} does not exist`);
    }
    const q = this.deps.db.selectFrom('camera_views').where('organisation_id', '=', organisationId);
    const { n } = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('started_at', 'desc').limit(page.limit).offset(page.offset).execute();
    const ids = [...new Set(rows.map((r) => r.camera_id))];
    const names = new Map(ids.length === 0 ? [] : (await this.deps.db.selectFrom('cameras').select(['id', 'name']).where('id', 'in', ids).execute()).map((c) => [c.id, c.name]));
    return { items: rows.map((r) => ({ ...view(r), cameraName: names.get(r.camera_id) ?? null })), total: Number(n), ...page };
  }

  async #get(id: string): Promise<ViewRecord> {
    return view(await this.deps.db.selectFrom('camera_views').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  }
}
