/**
 * `vigil` — the command line for technicians and admins at the gateway's machine.
 *
 *   vigil audit verify    checks the audit log's hash chain; exit 0 when intact, 1 at the first
 *                         altered or missing record (which it names)
 *
 * It reads the same configuration as the gateway (VIGIL_CONFIG, VIGIL_DATA_DIR, …).
 */
import { ConfigError, loadConfig } from '../config/config.loader.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { MIGRATIONS } from '../storage/migrations/index.js';
import { migrate } from '../storage/migrator.js';
import { openSqlite } from '../storage/sqlite.database.js';

const USAGE = 'usage: vigil audit verify';

async function auditVerify(): Promise<number> {
  const config = loadConfig({ env: process.env, cwd: process.cwd() });
  const database = openSqlite({ file: config.storage.databaseFile, busyTimeoutMs: config.storage.sqlite.busyTimeoutMs });
  try {
    await migrate(database.db, MIGRATIONS, 'sqlite');
    const result = await new AuditRepository(database.db).verify();
    if (result.break === null) {
      console.log(`audit log intact: ${result.checked} records`);
      return 0;
    }
    console.log(`audit log broken: record ${result.break.id} is ${result.break.problem} (${result.checked} records read)`);
    return 1;
  } finally {
    await database.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [group, command] = argv;
  if (group === 'audit' && command === 'verify') return auditVerify();
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`vigil: ${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
