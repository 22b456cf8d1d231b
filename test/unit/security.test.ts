import { mkdtempSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyError, loadEncryptionKey } from '../../gateway/src/security/encryption-key.js';
import { SecretBox } from '../../gateway/src/security/secret-box.js';
import { SecretRedactor } from '../../gateway/src/logging/secret-redactor.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('p@ss word', 'camera-1');
    expect(sealed).not.toContain('p@ss');
    expect(box.open(sealed, 'camera-1')).toBe('p@ss word');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c'));
  });

  it('refuses a value sealed for another camera, altered, or under another key', () => {
    const sealed = box.seal('secret', 'camera-1');
    expect(() => box.open(sealed, 'camera-2')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'camera-1')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'camera-1')).toThrow();
  });
});

describe('loadEncryptionKey', () => {
  it('creates a 0600 key file on first start and reads the same key later', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-key-'));
    const file = path.join(dir, 'nested', 'secret.key');
    const first = loadEncryptionKey(null, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBe(32);
    expect(loadEncryptionKey(null, file).equals(first)).toBe(true);
  });

  it('prefers the environment key', () => {
    const key = randomBytes(32);
    expect(loadEncryptionKey(key.toString('base64'), '/nonexistent/never-created').equals(key)).toBe(true);
    expect(loadEncryptionKey(key.toString('hex'), '/nonexistent/never-created').equals(key)).toBe(true);
  });

  it('refuses a short key and a key file others can read', () => {
    expect(() => loadEncryptionKey('c2hvcnQ=', '/x')).toThrow(KeyError);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-key-'));
    const file = path.join(dir, 'secret.key');
    writeFileSync(file, randomBytes(32).toString('base64'));
    chmodSync(file, 0o644);
    expect(() => loadEncryptionKey(null, file)).toThrow(/readable by others/);
  });
});

describe('SecretRedactor', () => {
  it('redacts raw, JSON-escaped and URL-encoded spellings', () => {
    const r = new SecretRedactor();
    const secret = 'a"b\\c d/e%f';
    r.add(secret);
    expect(r.redact(`x ${secret} y`)).toBe('x [REDACTED] y');
    expect(r.redact(JSON.stringify({ m: `pw=${secret}` }))).not.toContain('a\\"b');
    expect(r.redact(`rtsp://u:${encodeURIComponent(secret)}@h`)).toBe('rtsp://u:[REDACTED]@h');
  });

  it('ignores values too short to redact safely and keeps other text', () => {
    const r = new SecretRedactor();
    r.add('abc');
    expect(r.redact('abc abc')).toBe('abc abc');
  });

  it('stays bounded', () => {
    const r = new SecretRedactor(6);
    for (let i = 0; i < 10; i++) r.add(`secret-number-${i}`);
    expect(r.redact('secret-number-0')).toBe('secret-number-0');
    expect(r.redact('secret-number-9')).toBe('[REDACTED]');
  });
});
