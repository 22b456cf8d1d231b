import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** Where it came from: the configured files, or the certificate Vigil made for itself. */
  readonly source: 'configured' | 'generated';
}

/**
 * The HTTPS listener's certificate: the configured files when given (production), else a
 * self-signed one made once per data folder (key mode 0600) and renewed when it nears expiry.
 * Browsers warn about it once; HTTP/2 is what a 25-tile wall needs, and browsers speak HTTP/2
 * only over TLS.
 */
export async function loadTlsMaterial(options: { certFile: string | null; keyFile: string | null; dataDir: string; now?: Date }): Promise<TlsMaterial> {
  if (options.certFile && options.keyFile) {
    return { cert: readFileSync(options.certFile, 'utf8'), key: readFileSync(options.keyFile, 'utf8'), source: 'configured' };
  }
  const now = options.now ?? new Date();
  const dir = path.join(options.dataDir, 'tls');
  const certFile = path.join(dir, 'self-signed.crt');
  const keyFile = path.join(dir, 'self-signed.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const validTo = new Date(new X509Certificate(cert).validTo);
    // Renewed a month ahead of expiry.
    if (validTo.getTime() - now.getTime() > 30 * 86_400_000) return { cert, key: readFileSync(keyFile, 'utf8'), source: 'generated' };
  }
  const notAfter = new Date(now.getTime() + 825 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'Vigil (self-signed)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 2, value: hostname() }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, source: 'generated' };
}
