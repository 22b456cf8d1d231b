import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where relays write: the configured folder, or one on tmpfs (/dev/shm) named after the data
 * folder, so two gateways on one machine (or two test runs) never share or reap each other's.
 */
export function relayRoot(configured: string | null, dataDir: string): string {
  if (configured) return path.resolve(configured);
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return path.join(base, `vigil-relay-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
}
