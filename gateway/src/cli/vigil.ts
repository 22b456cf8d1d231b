/**
 * `vigil` — the command line for technicians and admins at the gateway's machine.
 *
 *   vigil audit verify    checks the audit log's hash chain; exit 0 when intact, 1 at the first
 *                         altered or missing record (which it names)
 *   vigil discover        runs an ONVIF discovery on the gateway and prints progress and devices
 *   vigil import FILE.csv checks (or with --commit, imports) a CSV of cameras
 *
 * `audit verify` reads the gateway's configuration (VIGIL_CONFIG, VIGIL_DATA_DIR, …); `discover`
 * and `import` talk to a running gateway (VIGIL_URL, VIGIL_TOKEN).
 */
import { ConfigError, loadConfig } from '../config/config.loader.js';
import { discoverCommand } from './discover.command.js';
import { importCommand } from './import.command.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { MIGRATIONS } from '../storage/migrations/index.js';
import { migrate } from '../storage/migrator.js';
import { openSqlite } from '../storage/sqlite.database.js';

const USAGE = [
  'usage: vigil audit verify',
  '       vigil discover --target CIDR:PORT|HOST:PORT … [--interface NAME …] [--timeout-ms MS] [--username USER]  (password: VIGIL_CAMERA_PASSWORD)',
  '       vigil import FILE.csv [--commit] [--rows 2-40,45]',
  'discover and import talk to the gateway at VIGIL_URL (default http://127.0.0.1:8080) with the API token in VIGIL_TOKEN',
].join('\n');

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
  if (group === 'discover') return discoverCommand(argv.slice(1), process.env, (l) => console.log(l));
  if (group === 'import') return importCommand(argv.slice(1), process.env, (l) => console.log(l));
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
