import type { Kysely } from 'kysely';
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
