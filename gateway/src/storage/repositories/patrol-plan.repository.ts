import type { Kysely } from 'kysely';
import type { Database, PatrolPlanRow, PatrolPlanTable } from '../schema.js';

type Db = Kysely<Database>;

/** Saved patrol plans. Plans are shared: no scope here (the cameras a plan shows are scoped). */
export class PatrolPlanRepository {
  constructor(private readonly db: Db) {}

  findById(id: string, db: Db = this.db): Promise<PatrolPlanRow | undefined> {
    return db.selectFrom('patrol_plans').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(page: { limit: number; offset: number }, db: Db = this.db): Promise<{ items: PatrolPlanRow[]; total: number }> {
    const { n } = await db.selectFrom('patrol_plans').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const items = await db.selectFrom('patrol_plans').selectAll().orderBy('name_key').orderBy('id').limit(page.limit).offset(page.offset).execute();
    return { items, total: Number(n) };
  }

  async insert(row: PatrolPlanTable, db: Db = this.db): Promise<void> {
    await db.insertInto('patrol_plans').values(row).execute();
  }

  async update(id: string, patch: Partial<Omit<PatrolPlanTable, 'id' | 'created_by' | 'created_at'>>, db: Db = this.db): Promise<void> {
    await db.updateTable('patrol_plans').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('patrol_plans').where('id', '=', id).execute();
  }
}
