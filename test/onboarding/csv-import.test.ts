import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, seedCatalog, seenBodies, type Catalog } from '../helpers/catalog-fixture.js';
import { tokenFor } from '../helpers/tenant-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

let vigil: TestVigil;
let catalog: Catalog;

interface Report {
  dryRun: boolean;
  committed: boolean;
  totals: Record<string, number>;
  rows: Array<{ row: number; status: string; cameraId: string | null; problems: Array<{ column: string | null; code: string; message: string }> }>;
}

async function importCsv(csv: string, query: string, token = vigil.adminToken) {
  const res = await request(vigil.app).post(`/api/imports?${query}`).set('authorization', `Bearer ${token}`).set('content-type', 'text/csv').send(csv);
  seenBodies.push(res.text);
  return res;
}

const HEADER = 'name,organisation,region,tier,main_url,sub_url,username,password,latitude,longitude,address';
const good = (n: number) => `Imported ${n},City Traffic Bureau,330106,general,rtsp://10.20.0.${n}:554/main,rtsp://10.20.0.${n}:554/sub,admin,csv-secret-${n},30.27,120.15,Road ${n}`;

beforeAll(async () => {
  vigil = await startTestVigil();
  catalog = await seedCatalog(vigil.app);
});

afterAll(async () => {
  await vigil?.dispose();
});

const total = async () => ((await call(vigil.app, 'get', '/api/cameras?limit=1')).body as { total: number }).total;

describe('CSV import', () => {
  it('serves a template that itself imports cleanly (dry run)', async () => {
    const template = await call(vigil.app, 'get', '/api/imports/template');
    expect(template.headers['content-type']).toMatch(/^text\/csv/);
    expect(template.text.split('\n')[0]).toBe('name,organisation,region,tier,main_url,sub_url,username,password,latitude,longitude,address,manufacturer,model,serial_number,mac_address,description');
    const res = await importCsv(template.text, 'dryRun=true');
    expect(res.status).toBe(200);
    expect((res.body as Report).rows).toEqual([{ row: 2, status: 'valid', cameraId: null, problems: [] }]);
  });

  it('reports every problem of a mixed file by row, column and code, and stores nothing on a dry run', async () => {
    const before = await total();
    const csv = [
      HEADER,
      good(1),
      'No region,City Traffic Bureau,,general,rtsp://10.20.1.1/main,,,,,,',
      'Bad url,City Traffic Bureau,330106,general,rtsp://admin:pw@10.20.1.2/main,,,,,,',
      'Bad tier,City Traffic Bureau,330106,urgent,rtsp://10.20.1.3/main,,,,,,',
      'Lonely user,City Traffic Bureau,330106,general,rtsp://10.20.1.4/main,,admin,,,,',
      'Far away,City Traffic Bureau,330106,general,rtsp://10.20.1.5/main,,,,91,0,',
      'Nobody,Unknown Org,330106,general,rtsp://10.20.1.6/main,,,,,,',
      `Twin,City Traffic Bureau,330106,general,rtsp://10.20.0.1:554/main,,,,,,`,
      good(2),
    ].join('\n');
    const res = await importCsv(csv, 'dryRun=true');
    expect(res.status).toBe(200);
    const report = res.body as Report;
    const problems = Object.fromEntries(report.rows.map((r) => [r.row, r.problems.map((p) => `${p.column}:${p.code}`)]));
    expect(problems).toEqual({
      2: [],
      3: ['region:VALIDATION_FAILED'],
      4: ['main_url:INVALID_STREAM_URL'],
      5: ['tier:VALIDATION_FAILED'],
      6: ['password:VALIDATION_FAILED'],
      7: ['latitude:VALIDATION_FAILED'],
      8: ['organisation:ORGANISATION_NOT_FOUND'],
      9: ['main_url:DUPLICATE_IN_FILE'],
      10: [],
    });
    expect(report.totals).toMatchObject({ rows: 9, valid: 2, error: 7 });
    expect(await total()).toBe(before);
    // Secrets in the file never come back.
    expect(res.text).not.toContain('csv-secret');

    // A commit of the whole file is refused and stores nothing …
    const refused = await importCsv(csv, 'dryRun=false');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: 'IMPORT_HAS_ERRORS' } });
    expect(await total()).toBe(before);
    // … a commit of the good rows stores them, atomically.
    const chosen = await importCsv(csv, 'dryRun=false&rows=2,10');
    expect(chosen.status).toBe(200);
    expect((chosen.body as Report).totals).toMatchObject({ created: 2, skipped: 7 });
    expect(await total()).toBe(before + 2);
    const camera = (await call(vigil.app, 'get', `/api/cameras/${(chosen.body as Report).rows[0]!.cameraId}`)).body as Record<string, unknown>;
    expect(camera).toMatchObject({ name: 'Imported 1', source: 'csv', organisationId: catalog.governmentOrgId, regionId: catalog.districtId, hasCredentials: true, lifecycle: 'approved' });
  });

  it('is idempotent: the same file twice changes nothing', async () => {
    const csv = [HEADER, good(11), good(12), good(13)].join('\n');
    const first = await importCsv(csv, 'dryRun=false');
    expect((first.body as Report).totals).toMatchObject({ created: 3 });
    const after = await total();
    const second = await importCsv(csv, 'dryRun=false');
    expect(second.status).toBe(200);
    expect((second.body as Report).totals).toMatchObject({ created: 0, exists: 3 });
    expect((second.body as Report).rows.map((r) => r.cameraId)).toEqual((first.body as Report).rows.map((r) => r.cameraId));
    expect(await total()).toBe(after);
  });

  it('refuses what is not CSV, or lacks required columns', async () => {
    expect((await importCsv('name,colour\nx,red', 'dryRun=true')).body).toMatchObject({ error: { code: 'INVALID_CSV' } });
    expect((await importCsv('name,region\nx,330106', 'dryRun=true')).body).toMatchObject({ error: { code: 'INVALID_CSV', message: expect.stringContaining('main_url') } });
    expect((await importCsv(`${HEADER}\n"unterminated,x`, 'dryRun=true')).body).toMatchObject({ error: { code: 'INVALID_CSV' } });
    const json = await call(vigil.app, 'post', '/api/imports?dryRun=true', { rows: [] });
    expect(json.status).toBe(415);
  });

  it("lands an integrator's rows as pending, for their own organisation only", async () => {
    const created = await call(vigil.app, 'post', '/api/users', { username: 'csv-integrator', role: 'integrator', password: 'pw-integrator-long-enough-1', organisationIds: [catalog.businessOrgId] });
    expect(created.status).toBe(201);
    const token = await tokenFor(vigil.app, 'csv-integrator', 'pw-integrator-long-enough-1');
    const csv = [
      'name,organisation,region,tier,main_url',
      'Bank lobby,,330106,,rtsp://10.21.0.1/main',
      'Not ours,City Traffic Bureau,330106,,rtsp://10.21.0.2/main',
      'Tiered,,330106,key,rtsp://10.21.0.3/main',
    ].join('\n');
    const report = (await importCsv(csv, 'dryRun=true', token)).body as Report;
    expect(report.rows.map((r) => r.problems.map((p) => p.code))).toEqual([[], ['FIELD_NOT_ALLOWED'], ['FIELD_NOT_ALLOWED']]);
    const committed = (await importCsv(csv, 'dryRun=false&rows=2', token)).body as Report;
    const camera = (await call(vigil.app, 'get', `/api/cameras/${committed.rows[0]!.cameraId}`, undefined, token)).body as Record<string, unknown>;
    expect(camera).toMatchObject({ organisationId: catalog.businessOrgId, lifecycle: 'pending' });
  });

  it('vigil import: a dry run by default, --commit stores, problems by line', async () => {
    const server: Server = await new Promise((resolve) => {
      const srv = vigil.app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    try {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-')), 'cameras.csv');
      writeFileSync(file, [HEADER, good(31), 'Broken,City Traffic Bureau,330106,general,ftp://10.20.9.9/x,,,,,,'].join('\n'));
      const cli = (...args: string[]) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', 'gateway/src/cli/vigil.ts', 'import', file, ...args], {
          cwd: path.resolve(import.meta.dirname, '../..'),
          env: { ...process.env, VIGIL_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, VIGIL_TOKEN: vigil.adminToken },
        }).catch((err: { stdout: string; code: number }) => ({ stdout: err.stdout, code: err.code }));
      const before = await total();
      const dry = await cli();
      expect(dry.stdout).toContain('checking (dry run) 2 row(s)');
      expect(dry.stdout).toMatch(/line 3 main_url: INVALID_STREAM_URL/);
      const committed = await cli('--commit', '--rows', '2');
      expect(committed.stdout).toMatch(/created 1/);
      expect(committed.stdout).toContain('committed');
      expect(await total()).toBe(before + 1);
    } finally {
      server.close();
    }
  }, 60_000);
});
