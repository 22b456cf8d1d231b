import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../gateway/src/config/config.loader.js';
import { createVigil, type Vigil } from '../../gateway/src/composition.js';
import type { Clock } from '../../gateway/src/domain/clock.js';
import { createLogger, type Logger } from '../../gateway/src/logging/logger.js';
import { SecretRedactor } from '../../gateway/src/logging/secret-redactor.js';
import { setDefaultToken } from './catalog-fixture.js';

export const ADMIN_PASSWORD = 'test-root-password-0001';

export interface TestVigil extends Vigil {
  readonly dataDir: string;
  /** An API token of the first admin (who has no one-time password to change). */
  readonly adminToken: string;
  /** Every log line written so far. */
  readonly logs: string[];
  readonly logger: Logger;
  /** Closes the app and removes its data folder. */
  dispose(): Promise<void>;
}

/** A Vigil on a real SQLite file in a fresh temporary folder, logging into memory. */
export async function startTestVigil(options: { clock?: Clock; env?: Record<string, string>; config?: Record<string, unknown>; webRoot?: string } = {}): Promise<TestVigil> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-test-'));
  // Scheduled health checks stay off unless a test asks: catalog tests register cameras at
  // made-up addresses, and nothing may be probed outside loopback.
  const config = loadConfig({
    env: { VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'debug', VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, ...options.env },
    cwd: process.cwd(),
    overrides: { health: { enabled: false }, ...options.config },
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: 'debug', redactor, destination });
  const vigil = await createVigil({ config, logger, redactor, ...(options.clock && { clock: options.clock }), ...(options.webRoot && { webRoot: options.webRoot }), print: () => undefined });
  const login = await vigil.services.auth.login('admin', ADMIN_PASSWORD, '127.0.0.1');
  const { token: adminToken } = await vigil.services.auth.createToken(login.principal, 'tests');
  setDefaultToken(vigil.app, adminToken);
  return {
    ...vigil,
    adminToken,
    dataDir,
    logs,
    logger,
    async dispose() {
      await vigil.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set(iso) {
      now = new Date(iso);
    },
    advance(ms) {
      now = new Date(now.getTime() + ms);
    },
  };
}
