import { sql, type Kysely } from 'kysely';
import type { Migration, SqlDialect } from './migrations/migration.js';
import type { Database } from './schema.js';

export interface MigrationReport {
  readonly applied: readonly string[];
}

/**
 * Brings the schema up to date: runs each migration not yet recorded, in list order, each in its
 * own transaction together with its record, so a failed migration leaves nothing half done.
 * Refuses a database that has migrations this build does not know (it was opened by a newer Vigil).
 */
export async function migrate(
  db: Kysely<Database>,
  migrations: readonly Migration[],
  dialect: SqlDialect,
): Promise<MigrationReport> {
  await db.schema
    .createTable('vigil_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom('vigil_migrations').select('name').execute()).map((r) => r.name));
  const known = new Set(migrations.map((m) => m.name));
  const unknown = [...done].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`database has migrations this version does not know: ${unknown.join(', ')}`);
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    await db.transaction().execute(async (trx) => {
      await migration.up(trx, dialect);
      await trx.insertInto('vigil_migrations').values({ name: migration.name, applied_at: new Date().toISOString() }).execute();
    });
    applied.push(migration.name);
  }
  return { applied };
}

/** A cheap round trip, for readiness checks. */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
