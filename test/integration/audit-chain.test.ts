import { execFile } from 'node:child_process';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cameraBody, seedCatalog } from '../helpers/catalog-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let vigil: TestVigil;

beforeAll(async () => {
  vigil = await startTestVigil();
  const catalog = await seedCatalog(vigil.app);
  for (let i = 0; i < 5; i++) await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog));
});
afterAll(async () => vigil?.dispose());

/** Runs `vigil audit verify` against the test's data folder, as a technician would. */
function verifyCommand(): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/vigil.js'), 'audit', 'verify'], { cwd: ROOT, env: { ...process.env, VIGIL_DATA_DIR: vigil.dataDir } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, out: stdout + stderr });
    });
  });
}

/** Tampers with the database file directly, as someone with shell access could. */
function tamper(sql: string): void {
  const db = new BetterSqlite3(path.join(vigil.dataDir, 'vigil.sqlite'));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

describe('audit hash chain', () => {
  it('records logins, user changes and catalog changes, chained', async () => {
    const res = await call(vigil.app, 'get', '/api/audit?limit=500');
    const actions = (res.body as { items: Array<{ action: string }> }).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'login.succeeded', 'token.created', 'region.created', 'organisation.created', 'camera.created']));
    expect((await call(vigil.app, 'get', '/api/audit/verify')).body).toMatchObject({ intact: true, firstBreak: null });
    expect(await verifyCommand()).toMatchObject({ code: 0, out: expect.stringMatching(/audit log intact: \d+ records/) });
  });

  it('detects an altered record and names it', async () => {
    tamper("update audit_events set actor = 'someone-else' where id = 4");
    expect((await call(vigil.app, 'get', '/api/audit/verify')).body).toMatchObject({ intact: false, firstBreak: { id: 4, problem: 'altered' } });
    const cli = await verifyCommand();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('record 4 is altered');
  });

  it.each([
    ['a record in the middle', (last: number) => `delete from audit_events where id = ${last - 3}`, (last: number) => last - 3],
    ['the newest record (cut off the end)', (last: number) => `delete from audit_events where id = ${last}`, (last: number) => last],
  ])('detects a deleted record: %s', async (_what, statement, expectedId) => {
    const fresh = await startTestVigil();
    try {
      const fixture = await seedCatalog(fresh.app);
      await call(fresh.app, 'post', '/api/cameras', cameraBody(fixture));
      const db = new BetterSqlite3(path.join(fresh.dataDir, 'vigil.sqlite'));
      let last: number;
      try {
        last = (db.prepare('select max(id) as id from audit_events').get() as { id: number }).id;
        db.exec(statement(last));
      } finally {
        db.close();
      }
      expect((await call(fresh.app, 'get', '/api/audit/verify')).body).toMatchObject({ intact: false, firstBreak: { id: expectedId(last), problem: 'missing' } });
    } finally {
      await fresh.dispose();
    }
  });

  it('refuses to let the API change or delete audit records (there is no such route)', async () => {
    expect((await call(vigil.app, 'delete', '/api/audit')).status).toBe(404);
    expect((await call(vigil.app, 'patch', '/api/audit', {})).status).toBe(404);
  });
});
