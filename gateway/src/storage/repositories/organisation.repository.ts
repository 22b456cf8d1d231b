import type { Kysely } from 'kysely';
import type { OwnerType } from '../../domain/catalog.js';
import type { Page, PageRequest } from '../../domain/paging.js';
import { likePattern } from '../db-errors.js';
import type { Database, OrganisationRow, OrganisationTable } from '../schema.js';
import { sql } from 'kysely';

type Db = Kysely<Database>;

export interface OrganisationFilter {
  readonly ownerType?: OwnerType | undefined;
  readonly regionId?: string | undefined;
  readonly q?: string | undefined;
}

/** Camera owners: government departments, businesses, residential communities. */
export class OrganisationRepository {
  constructor(private readonly db: Db) {}

  findById(id: string, db: Db = this.db): Promise<OrganisationRow | undefined> {
    return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByNameKey(nameKey: string, db: Db = this.db): Promise<OrganisationRow | undefined> {
    return db.selectFrom('organisations').selectAll().where('name_key', '=', nameKey).executeTakeFirst();
  }

  async list(filter: OrganisationFilter, page: PageRequest, db: Db = this.db): Promise<Page<OrganisationRow>> {
    let q = db.selectFrom('organisations');
    if (filter.ownerType) q = q.where('owner_type', '=', filter.ownerType);
    if (filter.regionId) q = q.where('region_id', '=', filter.regionId);
    if (filter.q) q = q.where(sql<boolean>`lower(name) like ${likePattern(filter.q.toLowerCase(), 'contains')} escape '\\'`);
    const { n } = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const items = await q.selectAll().orderBy('name').orderBy('id').limit(page.limit).offset(page.offset).execute();
    return { items, total: Number(n), ...page };
  }

  async insert(row: OrganisationTable, db: Db = this.db): Promise<void> {
    await db.insertInto('organisations').values(row).execute();
  }

  async update(id: string, patch: Partial<Omit<OrganisationTable, 'id'>>, db: Db = this.db): Promise<void> {
    await db.updateTable('organisations').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('organisations').where('id', '=', id).execute();
  }

  async cameraCount(id: string, db: Db = this.db): Promise<number> {
    const row = await db
      .selectFrom('cameras')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('organisation_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
