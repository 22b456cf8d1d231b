import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

export interface SqliteOptions {
  /** A file path, or ":memory:" for tests. */
  readonly file: string;
  readonly busyTimeoutMs: number;
}

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * Opens the embedded store. WAL lets readers run beside the writer; synchronous=FULL makes a
 * commit durable before the API acknowledges it (a write survives kill -9 and power loss);
 * foreign keys are off by default in SQLite and must be switched on per connection.
 */
export function openSqlite(options: SqliteOptions): OpenDatabase {
  // The folder holds the database and the key file: its owner only.
  if (options.file !== ':memory:') mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
  const sqlite = new BetterSqlite3(options.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    close: () => db.destroy(),
  };
}
