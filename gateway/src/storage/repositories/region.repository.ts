import type { Kysely } from 'kysely';
import type { Database, RegionRow, RegionTable } from '../schema.js';

type Db = Kysely<Database>;

/** Regions and their tree. A subtree is found by prefix on the materialised `path`. */
export class RegionRepository {
  constructor(private readonly db: Db) {}

  findById(id: string, db: Db = this.db): Promise<RegionRow | undefined> {
    return db.selectFrom('regions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByAdminCode(code: string, db: Db = this.db): Promise<RegionRow | undefined> {
    return db.selectFrom('regions').selectAll().where('admin_code', '=', code).executeTakeFirst();
  }

  list(filter: { parentId?: string | null; kind?: string }, db: Db = this.db): Promise<RegionRow[]> {
    let q = db.selectFrom('regions').selectAll();
    if (filter.parentId === null) q = q.where('parent_id', 'is', null);
    else if (filter.parentId !== undefined) q = q.where('parent_id', '=', filter.parentId);
    if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind as RegionTable['kind']);
    return q.orderBy('path').execute();
  }

  /** The region and everything below it, ordered so parents come before children. */
  subtree(path: string, db: Db = this.db): Promise<RegionRow[]> {
    return db.selectFrom('regions').selectAll().where('path', 'like', `${path}%`).orderBy('path').execute();
  }

  /** The regions on the way from the root to `region`, root first, the region itself last. */
  async ancestry(region: RegionRow, db: Db = this.db): Promise<RegionRow[]> {
    const ids = region.path.split('/').filter(Boolean);
    const rows = await db.selectFrom('regions').selectAll().where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is RegionRow => r !== undefined);
  }

  async insert(row: RegionTable, db: Db = this.db): Promise<void> {
    await db.insertInto('regions').values(row).execute();
  }

  async update(id: string, patch: Partial<Omit<RegionTable, 'id'>>, db: Db = this.db): Promise<void> {
    await db.updateTable('regions').set(patch).where('id', '=', id).execute();
  }

  /** Rewrites the paths of a moved subtree: every path starting with `from` now starts with `to`. */
  async movePaths(from: string, to: string, db: Db = this.db): Promise<void> {
    const rows = await this.subtree(from, db);
    for (const row of rows) {
      await db.updateTable('regions').set({ path: to + row.path.slice(from.length) }).where('id', '=', row.id).execute();
    }
  }

  async delete(id: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('regions').where('id', '=', id).execute();
  }

  /** What still hangs off a region: child regions, organisations and cameras. */
  async usage(id: string, db: Db = this.db): Promise<{ children: number; organisations: number; cameras: number }> {
    const count = async (table: 'regions' | 'organisations' | 'cameras', column: 'parent_id' | 'region_id') => {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where(column, '=', id)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return {
      children: await count('regions', 'parent_id'),
      organisations: await count('organisations', 'region_id'),
      cameras: await count('cameras', 'region_id'),
    };
  }
}
