import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export const KEY_BYTES = 32;

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

function decodeKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new KeyError(`${origin}: the credential key must be ${KEY_BYTES} bytes, base64 or hex encoded`);
  }
  return key;
}

/**
 * The key that encrypts camera credentials at rest. It never lives in the database: it comes
 * from VIGIL_SECRET_KEY, or from a key file created on first start, readable by its owner only.
 * Losing the key means re-entering every camera's credentials, so the file is never rewritten.
 */
export function loadEncryptionKey(fromEnv: string | null, keyFile: string): Buffer {
  if (fromEnv !== null) return decodeKey(fromEnv, 'VIGIL_SECRET_KEY');
  mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so two processes starting at once cannot both create a key.
    const fd = openSync(keyFile, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES).toString('base64') + '\n');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KeyError(`${keyFile}: the key file is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  }
  return decodeKey(readFileSync(keyFile, 'utf8'), keyFile);
}
