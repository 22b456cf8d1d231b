import type { Kysely } from 'kysely';
import { EVERYTHING, type Scope } from '../domain/scope.js';
import type { UserRecord } from '../storage/repositories/user.repository.js';
import type { Database } from '../storage/schema.js';

/** A user's scope: everything for admins; otherwise their organisations and their region's subtree. */
export async function scopeOf(user: UserRecord, db: Kysely<Database>): Promise<Scope> {
  if (user.row.role === 'admin') return EVERYTHING;
  const regionPaths: string[] = [];
  if (user.row.region_id) {
    const region = await db.selectFrom('regions').select('path').where('id', '=', user.row.region_id).executeTakeFirst();
    if (region) regionPaths.push(region.path);
  }
  return { all: false, organisationIds: [...user.organisationIds], regionPaths };
}
