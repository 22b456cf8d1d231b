import type { Kysely } from 'kysely';
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

/** Append-only record of changes. Written in the same transaction as the change it describes. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async append(event: AuditEventInput, db: Db = this.db): Promise<void> {
    await db
      .insertInto('audit_events')
      .values({
        at: event.at,
        actor: event.actor,
        action: event.action,
        object_type: event.objectType,
        object_id: event.objectId,
        details: event.details ? JSON.stringify(event.details) : null,
      })
      .execute();
  }

  forObject(objectType: string, objectId: string, db: Db = this.db): Promise<AuditEventRow[]> {
    return db
      .selectFrom('audit_events')
      .selectAll()
      .where('object_type', '=', objectType)
      .where('object_id', '=', objectId)
      .orderBy('id')
      .execute();
  }
}
