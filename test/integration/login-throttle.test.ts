import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

let vigil: TestVigil;
let proxied: TestVigil;

beforeAll(async () => {
  vigil = await startTestVigil();
  // A second gateway behind a proxy on 127.0.0.1, whose X-Forwarded-For it believes.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-proxy-'));
  const file = path.join(dir, 'vigil.yaml');
  writeFileSync(file, 'server:\n  trustedProxies: ["127.0.0.1", "::1", "::ffff:127.0.0.1"]\n');
  proxied = await startTestVigil({ env: { VIGIL_CONFIG: file } });
});
afterAll(async () => {
  await vigil?.dispose();
  await proxied?.dispose();
});

async function attempt(app: TestVigil['app'], password: string, forwardedFor?: string, username = 'admin') {
  let req = request(app).post('/api/session');
  if (forwardedFor) req = req.set('x-forwarded-for', forwardedFor);
  return req.send({ username, password });
}

describe('login throttling', () => {
  it('throttles 1,000 wrong passwords, spoofed X-Forwarded-For or not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i++) {
      // An untrusted client makes up a new address each time: it must not help.
      const res = await attempt(vigil.app, `wrong-password-${i}`, `203.0.113.${i % 250}`);
      statuses.push(res.status);
    }
    const checked = statuses.filter((s) => s === 401).length;
    const throttled = statuses.filter((s) => s === 429).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(throttled).toBeGreaterThanOrEqual(995);
    const last = await attempt(vigil.app, 'wrong-password-last');
    expect(last.status).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(last.body).toMatchObject({ error: { code: 'LOGIN_THROTTLED' } });
    // Even the right password waits out the lock: the attacker learns nothing from it.
    expect((await attempt(vigil.app, ADMIN_PASSWORD)).status).toBe(429);
  });

  it('records failed and throttled logins in the audit log', async () => {
    const failed = await vigil.services.audit.list({ action: 'login.failed' }, { limit: 100, offset: 0 });
    const throttled = await vigil.services.audit.list({ action: 'login.throttled' }, { limit: 1, offset: 0 });
    expect(failed.total).toBeGreaterThanOrEqual(1);
    expect(throttled.total).toBeGreaterThanOrEqual(995);
  });

  it('behind a trusted TLS-terminating proxy, marks the session cookie Secure', async () => {
    const res = await request(proxied.app).post('/api/session').set('x-forwarded-proto', 'https').set('x-forwarded-for', '198.51.100.20').send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toContain('Secure');
    // The same header from an untrusted peer changes nothing.
    const direct = await startTestVigil();
    try {
      const spoofed = await request(direct.app).post('/api/session').set('x-forwarded-proto', 'https').send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(spoofed.status).toBe(200);
      expect(String(spoofed.headers['set-cookie'])).toContain('HttpOnly');
      expect(String(spoofed.headers['set-cookie'])).not.toContain('Secure');
    } finally {
      await direct.dispose();
    }
  });

  it('behind a trusted proxy, keys on the forwarded client address', async () => {
    // One client hammers and is locked out...
    for (let i = 0; i < 6; i++) await attempt(proxied.app, 'wrong-password-x', '198.51.100.7', 'nobody');
    expect((await attempt(proxied.app, 'wrong-password-x', '198.51.100.7', 'nobody-else')).status).toBe(429);
    // ...while another client behind the same proxy still gets its password checked.
    expect((await attempt(proxied.app, ADMIN_PASSWORD, '198.51.100.8')).status).toBe(200);
  });
});
