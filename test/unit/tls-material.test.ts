import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTlsMaterial } from '../../gateway/src/security/tls-material.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS material of the HTTPS listener', () => {
  it('makes a self-signed certificate for loopback once, keeps its key private, and reuses it', async () => {
    const first = await loadTlsMaterial({ certFile: null, keyFile: null, dataDir: dir });
    expect(first.source).toBe('generated');
    const cert = new X509Certificate(first.cert);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(first.key))).toBe(true);
    expect(statSync(path.join(dir, 'tls/self-signed.key')).mode & 0o777).toBe(0o600);
    const again = await loadTlsMaterial({ certFile: null, keyFile: null, dataDir: dir });
    expect(again.cert).toBe(first.cert);
  });

  it('renews a certificate that is about to expire', async () => {
    const first = await loadTlsMaterial({ certFile: null, keyFile: null, dataDir: dir });
    const validTo = new Date(new X509Certificate(first.cert).validTo);
    const later = await loadTlsMaterial({ certFile: null, keyFile: null, dataDir: dir, now: new Date(validTo.getTime() - 10 * 86_400_000) });
    expect(later.cert).not.toBe(first.cert);
  });

  it('uses the configured certificate and key when given', async () => {
    const own = await loadTlsMaterial({ certFile: null, keyFile: null, dataDir: path.join(dir, 'other') });
    writeFileSync(path.join(dir, 'own.crt'), own.cert);
    writeFileSync(path.join(dir, 'own.key'), own.key);
    const configured = await loadTlsMaterial({ certFile: path.join(dir, 'own.crt'), keyFile: path.join(dir, 'own.key'), dataDir: dir });
    expect(configured).toEqual({ cert: own.cert, key: own.key, source: 'configured' });
  });
});
