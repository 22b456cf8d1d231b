import type { Kysely } from 'kysely';
import { canonicalAuditText, verifyChain, type ChainBreak } from '../../domain/audit-record.js';
import { sha256Hex } from '../../security/digest.js';
import type { AuditEventRow, Database } from '../schema.js';

type Db = Kysely<Database>;

export interface AuditEventInput {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string | null;
  /** Must never contain a secret: callers pass ids and changed field names, not values of credentials. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditQuery {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly objectType?: string | undefined;
  readonly objectId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/**
 * Append-only, hash-chained record of what happened. Written in the same transaction as the
 * change it describes; ids run 1, 2, 3, … without gaps, taken from the head row, whose
 * last hash also guards the end of the chain.
 */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async append(event: AuditEventInput, db: Db = this.db): Promise<void> {
    const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    const id = head.last_id + 1;
    const details = event.details ? JSON.stringify(event.details) : null;
    const hash = sha256Hex(canonicalAuditText(head.last_hash, { id, at: event.at, actor: event.actor, action: event.action, objectType: event.objectType, objectId: event.objectId, details }));
    await db
      .insertInto('audit_events')
      .values({ id, at: event.at, actor: event.actor, action: event.action, object_type: event.objectType, object_id: event.objectId, details, prev_hash: head.last_hash, hash })
      .execute();
    // The guard on last_id makes a concurrent writer that read the same head fail instead of forking the chain.
    const updated = await db.updateTable('audit_head').set({ last_id: id, last_hash: hash }).where('id', '=', 1).where('last_id', '=', head.last_id).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new Error('audit chain head moved during append');
  }

  async list(query: AuditQuery, page: { limit: number; offset: number }, db: Db = this.db): Promise<{ items: AuditEventRow[]; total: number }> {
    let q = db.selectFrom('audit_events');
    if (query.actor) q = q.where('actor', '=', query.actor);
    if (query.action) q = q.where('action', '=', query.action);
    if (query.objectType) q = q.where('object_type', '=', query.objectType);
    if (query.objectId) q = q.where('object_id', '=', query.objectId);
    if (query.from) q = q.where('at', '>=', query.from);
    if (query.to) q = q.where('at', '<', query.to);
    const { n } = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const items = await q.selectAll().orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
    return { items, total: Number(n) };
  }

  forObject(objectType: string, objectId: string, db: Db = this.db): Promise<AuditEventRow[]> {
    return db.selectFrom('audit_events').selectAll().where('object_type', '=', objectType).where('object_id', '=', objectId).orderBy('id').execute();
  }

  /** Checks the whole chain (every record, in id order); `break` is null when it is intact. */
  async verify(db: Db = this.db): Promise<{ checked: number; break: ChainBreak | null }> {
    const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    const rows = await db.selectFrom('audit_events').selectAll().orderBy('id').execute();
    const records = rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      details: r.details,
      prevHash: r.prev_hash ?? '',
      hash: r.hash ?? '',
    }));
    return { checked: records.length, break: verifyChain(records, { lastId: head.last_id, lastHash: head.last_hash }, sha256Hex) };
  }
}
