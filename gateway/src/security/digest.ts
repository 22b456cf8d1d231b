import { createHash } from 'node:crypto';

/** SHA-256 as lower-case hex: audit chain links and stored token/session hashes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
