import { sql, type Kysely } from 'kysely';
import type { Page, PageRequest } from '../../domain/paging.js';
import type { Role } from '../../domain/roles.js';
import { likePattern } from '../db-errors.js';
import type { Database, UserRow, UserTable } from '../schema.js';

type Db = Kysely<Database>;

export interface UserRecord {
  readonly row: UserRow;
  readonly organisationIds: readonly string[];
}

/** Accounts and the organisations each one is scoped to. */
export class UserRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string, db: Db = this.db): Promise<UserRecord | undefined> {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.#withOrganisations(row, db) : undefined;
  }

  async findByUsername(username: string, db: Db = this.db): Promise<UserRecord | undefined> {
    const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row ? this.#withOrganisations(row, db) : undefined;
  }

  async list(db: Db = this.db): Promise<UserRecord[]> {
    const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
    const links = await db.selectFrom('user_organisations').selectAll().execute();
    return rows.map((row) => ({ row, organisationIds: links.filter((l) => l.user_id === row.id).map((l) => l.organisation_id) }));
  }

  /** One page of users, by username; `q` matches the username or display name, any case. */
  async page(filter: { q?: string | undefined; role?: Role | undefined }, page: PageRequest, db: Db = this.db): Promise<Page<UserRecord>> {
    let q = db.selectFrom('users');
    if (filter.role) q = q.where('role', '=', filter.role);
    if (filter.q) {
      const pattern = likePattern(filter.q.toLowerCase(), 'contains');
      q = q.where(sql<boolean>`(lower(username) like ${pattern} escape '\\' or lower(coalesce(display_name, '')) like ${pattern} escape '\\')`);
    }
    const { n } = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('username').limit(page.limit).offset(page.offset).execute();
    const ids = rows.map((r) => r.id);
    const links = ids.length === 0 ? [] : await db.selectFrom('user_organisations').selectAll().where('user_id', 'in', ids).execute();
    return { items: rows.map((row) => ({ row, organisationIds: links.filter((l) => l.user_id === row.id).map((l) => l.organisation_id) })), total: Number(n), ...page };
  }

  async count(db: Db = this.db): Promise<number> {
    const { n } = await db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }

  async insert(row: UserTable, organisationIds: readonly string[], db: Db = this.db): Promise<void> {
    await db.insertInto('users').values(row).execute();
    await this.setOrganisations(row.id, organisationIds, db);
  }

  async update(id: string, patch: Partial<Omit<UserTable, 'id'>>, db: Db = this.db): Promise<void> {
    await db.updateTable('users').set(patch).where('id', '=', id).execute();
  }

  async setOrganisations(userId: string, organisationIds: readonly string[], db: Db = this.db): Promise<void> {
    await db.deleteFrom('user_organisations').where('user_id', '=', userId).execute();
    for (const organisationId of new Set(organisationIds)) {
      await db.insertInto('user_organisations').values({ user_id: userId, organisation_id: organisationId }).execute();
    }
  }

  async #withOrganisations(row: UserRow, db: Db): Promise<UserRecord> {
    const links = await db.selectFrom('user_organisations').select('organisation_id').where('user_id', '=', row.id).execute();
    return { row, organisationIds: links.map((l) => l.organisation_id) };
  }
}
