import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { AuditRepository } from '../storage/repositories/audit.repository.js';
import type { Actor } from './actor.js';
import type { Database } from '../storage/schema.js';

export type { Actor } from './actor.js';

/** Records changes; callers pass their transaction so the record commits with the change. */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  record(
    db: Kysely<Database>,
    actor: Actor,
    action: string,
    object: { type: string; id: string | null },
    details?: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    return this.repo.append(
      { at: this.clock.now().toISOString(), actor: actor.username, action, objectType: object.type, objectId: object.id, details },
      db,
    );
  }
}
