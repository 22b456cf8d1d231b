import type { Kysely } from 'kysely';
import type { OwnerType } from '../../domain/catalog.js';
import type { Page, PageRequest } from '../../domain/paging.js';
import { likePattern } from '../db-errors.js';
import type { Database, OrganisationRow, OrganisationTable } from '../schema.js';
import { sql } from 'kysely';
import { EVERYTHING, type Scope } from '../../domain/scope.js';

type Db = Kysely<Database>;

export interface OrganisationFilter {
  readonly ownerType?: OwnerType | undefined;
  readonly regionId?: string | undefined;
  readonly q?: string | undefined;
}

/** Camera owners: government departments, businesses, residential communities. */
export class OrganisationRepository {
  constructor(private readonly db: Db) {}

  /** The organisation, if it exists and is in `scope` (one of the user's, or placed in their regions). */
  findById(id: string, db: Db = this.db, scope: Scope = EVERYTHING): Promise<OrganisationRow | undefined> {
    return this.#scoped(db, scope).selectAll('organisations').where('organisations.id', '=', id).executeTakeFirst();
  }

  #scoped(db: Db, scope: Scope) {
    const q = db.selectFrom('organisations').leftJoin('regions', 'regions.id', 'organisations.region_id');
    if (scope.all) return q;
    return q.where((eb) => {
      const parts = [
        ...(scope.organisationIds.length > 0 ? [eb('organisations.id', 'in', [...scope.organisationIds])] : []),
        ...scope.regionPaths.map((p) => sql<boolean>`regions.path like ${likePattern(p, 'prefix')} escape '\\'`),
      ];
      return parts.length > 0 ? eb.or(parts) : sql<boolean>`1 = 0`;
    });
  }

  findByNameKey(nameKey: string, db: Db = this.db): Promise<OrganisationRow | undefined> {
    return db.selectFrom('organisations').selectAll().where('name_key', '=', nameKey).executeTakeFirst();
  }

  async list(filter: OrganisationFilter, scope: Scope, page: PageRequest, db: Db = this.db): Promise<Page<OrganisationRow>> {
    let q = this.#scoped(db, scope);
    if (filter.ownerType) q = q.where('organisations.owner_type', '=', filter.ownerType);
    if (filter.regionId) q = q.where('organisations.region_id', '=', filter.regionId);
    if (filter.q) q = q.where(sql<boolean>`lower(organisations.name) like ${likePattern(filter.q.toLowerCase(), 'contains')} escape '\\'`);
    const { n } = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const items = await q.selectAll('organisations').orderBy('organisations.name').orderBy('organisations.id').limit(page.limit).offset(page.offset).execute();
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
