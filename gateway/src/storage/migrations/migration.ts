import type { Kysely } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/** One schema change. `up` runs inside a transaction; it must use portable schema-builder calls. */
export interface Migration {
  readonly name: string;
  // Migrations see the database as it was then, not as schema.ts describes it now.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: SqlDialect): Promise<void>;
}
