import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { AuditRepository } from '../storage/repositories/audit.repository.js';
import type { Database } from '../storage/schema.js';

/** Who is acting. Until accounts exist (issue 4) every API caller is "anonymous". */
export interface Actor {
  readonly id: string;
}

export const ANONYMOUS: Actor = { id: 'anonymous' };
export const SYSTEM: Actor = { id: 'system' };

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
      { at: this.clock.now().toISOString(), actor: actor.id, action, objectType: object.type, objectId: object.id, details },
      db,
    );
  }
}
