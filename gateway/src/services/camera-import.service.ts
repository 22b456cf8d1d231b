import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { VigilError } from '../domain/errors.js';
import { mayOnlyStaffSet } from '../domain/roles.js';
import { TIERS } from '../domain/tier.js';
import type { OrganisationRepository } from '../storage/repositories/organisation.repository.js';
import type { RegionRepository } from '../storage/repositories/region.repository.js';
import type { Database, OrganisationRow, RegionRow } from '../storage/schema.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.service.js';
import type { CameraCreateInput } from './camera.input.js';
import type { CameraService } from './camera.service.js';

/**
 * The CSV import format (served as a template by GET /api/imports/template). One camera a row;
 * `organisation` is an organisation id or its exact name, `region` a region id or its
 * administrative code; `username` and `password` come together or not at all.
 */
export const IMPORT_COLUMNS = [
  'name',
  'organisation',
  'region',
  'tier',
  'main_url',
  'sub_url',
  'username',
  'password',
  'latitude',
  'longitude',
  'address',
  'manufacturer',
  'model',
  'serial_number',
  'mac_address',
  'description',
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['name', 'region', 'main_url'];

const optional = (max: number) => z.string().max(max).transform((v) => (v === '' ? undefined : v));
const number = z
  .string()
  .transform((v) => (v === '' ? undefined : Number(v)))
  .refine((v) => v === undefined || Number.isFinite(v), 'must be a number');
const rowSchema = z.object({
  name: z.string().min(1, 'required').max(128),
  organisation: optional(128),
  region: z.string().min(1, 'required').max(64),
  tier: z
    .string()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || (TIERS as readonly string[]).includes(v), `must be one of ${TIERS.join(', ')}`),
  main_url: z.string().min(1, 'required').max(2048),
  sub_url: optional(2048),
  username: optional(128),
  password: optional(256),
  latitude: number,
  longitude: number,
  address: optional(256),
  manufacturer: optional(128),
  model: optional(128),
  serial_number: optional(128),
  mac_address: optional(64),
  description: optional(1000),
});

/** The API's field names, as the CSV calls them. */
const COLUMN_OF: Record<string, Column> = {
  organisationId: 'organisation',
  regionId: 'region',
  'profiles.main': 'main_url',
  'profiles.sub': 'sub_url',
  serialNumber: 'serial_number',
  macAddress: 'mac_address',
  credentials: 'password',
};

export interface RowProblem {
  readonly column: string | null;
  readonly code: string;
  readonly message: string;
}

export interface RowReport {
  /** Line in the file (the header is line 1). */
  readonly row: number;
  readonly status: 'valid' | 'created' | 'exists' | 'error' | 'skipped';
  readonly cameraId: string | null;
  readonly problems: readonly RowProblem[];
}

export interface ImportReport {
  readonly dryRun: boolean;
  readonly committed: boolean;
  readonly totals: Readonly<Record<RowReport['status'] | 'rows', number>>;
  readonly rows: readonly RowReport[];
}

class RollBack extends Error {}

/**
 * Bulk registration from CSV. A dry run validates every row exactly as the API would (each row
 * goes through the camera service inside a transaction that is rolled back) and reports row,
 * column, code and message; a commit stores the chosen rows in one transaction — all of them or,
 * when any has a problem, none. Rows whose stream is already registered for the same organisation
 * under the same name are `exists`, so importing the same file twice changes nothing.
 */
export class CameraImportService {
  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly cameras: CameraService;
      readonly organisations: OrganisationRepository;
      readonly regions: RegionRepository;
      readonly audit: AuditService;
      readonly maxRows: number;
    },
  ) {}

  template(): string {
    return stringify(
      [
        [...IMPORT_COLUMNS],
        ['Gate East', 'City Traffic Bureau', '330106', 'key', 'rtsp://10.0.0.5:554/Streaming/Channels/101', 'rtsp://10.0.0.5:554/Streaming/Channels/102', 'admin', 'camera-password', '30.2741', '120.1551', 'East gate, No. 1 Road', 'Hikvision', 'DS-2CD2143', 'DS-2CD2143-0001', '00:1a:2b:3c:4d:5e', 'Facing the road'],
      ],
    );
  }

  async run(text: string, options: { dryRun: boolean; rows: ReadonlySet<number> | null }, actor: Actor): Promise<ImportReport> {
    const records = this.#parse(text);
    const reports: RowReport[] = [];
    const organisations = new Map<string, Promise<OrganisationRow | undefined>>();
    const regions = new Map<string, Promise<RegionRow | undefined>>();
    let committed = false;
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        const created = new Set<string>();
        const lookups = {
          organisation: (key: string) => cached(organisations, key, () => this.#organisation(key, trx)),
          region: (key: string) => cached(regions, key, () => this.#region(key, trx)),
        };
        for (const [index, record] of records.entries()) {
          const row = index + 2;
          if (options.rows && !options.rows.has(row)) {
            reports.push({ row, status: 'skipped', cameraId: null, problems: [] });
            continue;
          }
          reports.push(await this.#importRow(trx, row, record, actor, lookups, created));
        }
        const failed = reports.some((r) => r.status === 'error');
        if (options.dryRun || failed) throw new RollBack();
        await this.deps.audit.record(trx, actor, 'camera.import', { type: 'import', id: null }, { created: created.size, rows: records.length });
        committed = true;
      });
    } catch (err) {
      if (!(err instanceof RollBack)) throw err;
    }
    const rows = reports.map((r): RowReport => (!committed && r.status === 'created' ? { ...r, status: 'valid', cameraId: null } : r));
    const totals = { rows: rows.length, valid: 0, created: 0, exists: 0, error: 0, skipped: 0 };
    for (const r of rows) totals[r.status] += 1;
    return { dryRun: options.dryRun, committed, totals, rows };
  }

  #parse(text: string): Array<Record<string, string>> {
    let records: string[][];
    try {
      const parsed: unknown = parse(text, { bom: true, relax_column_count: false, skip_empty_lines: true, trim: true, max_record_size: 16_384 });
      records = parsed as string[][];
    } catch (err) {
      throw new VigilError('INVALID_CSV', `the file is not valid CSV: ${(err as Error).message.slice(0, 200)}`);
    }
    const [header, ...body] = records;
    if (!header) throw new VigilError('INVALID_CSV', 'the file is empty: expected a header row');
    const columns = header.map((h) => h.toLowerCase());
    const unknown = columns.filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
    if (unknown.length > 0) throw new VigilError('INVALID_CSV', `unknown column(s): ${unknown.join(', ')}`, { columns: unknown });
    const missing = REQUIRED.filter((c) => !columns.includes(c));
    if (missing.length > 0) throw new VigilError('INVALID_CSV', `missing column(s): ${missing.join(', ')}`, { columns: missing });
    if (body.length > this.deps.maxRows) throw new VigilError('PAYLOAD_TOO_LARGE', `at most ${this.deps.maxRows} rows in one import`);
    return body.map((cells) => Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, cells[columns.indexOf(c)] ?? ''])));
  }

  async #importRow(
    trx: Kysely<Database>,
    row: number,
    record: Record<string, string>,
    actor: Actor,
    lookups: { organisation: (k: string) => Promise<OrganisationRow | undefined>; region: (k: string) => Promise<RegionRow | undefined> },
    created: Set<string>,
  ): Promise<RowReport> {
    const error = (problems: RowProblem[]): RowReport => ({ row, status: 'error', cameraId: null, problems });
    const shape = rowSchema.safeParse(record);
    if (!shape.success) return error(shape.error.issues.map((i) => ({ column: String(i.path[0] ?? ''), code: 'VALIDATION_FAILED', message: i.message })));
    const r = shape.data;
    if (Boolean(r.username) !== Boolean(r.password)) return error([{ column: r.username ? 'password' : 'username', code: 'VALIDATION_FAILED', message: 'username and password come together' }]);
    if (mayOnlyStaffSet(actor.role === 'system' ? 'admin' : actor.role) && r.tier) return error([{ column: 'tier', code: 'FIELD_NOT_ALLOWED', message: 'the tier is set by the police, not by integrators' }]);
    const organisation = await this.#organisationFor(r.organisation, actor, lookups);
    if (!organisation.ok) return error([organisation.problem]);
    const region = await lookups.region(r.region);
    const input: CameraCreateInput = {
      name: r.name,
      organisationId: organisation.id,
      regionId: region?.id ?? r.region,
      tier: r.tier as CameraCreateInput['tier'],
      source: 'csv',
      profiles: { main: { url: r.main_url }, ...(r.sub_url && { sub: { url: r.sub_url } }) },
      credentials: r.username && r.password ? { username: r.username, password: r.password } : null,
      latitude: r.latitude ?? null,
      longitude: r.longitude ?? null,
      address: r.address ?? null,
      manufacturer: r.manufacturer ?? null,
      model: r.model ?? null,
      serialNumber: r.serial_number ?? null,
      macAddress: r.mac_address ?? null,
      description: r.description ?? null,
    };
    await sql`savepoint import_row`.execute(trx);
    try {
      const id = await this.deps.cameras.createWithin(trx, input, actor, lookups);
      await sql`release savepoint import_row`.execute(trx);
      created.add(id);
      return { row, status: 'created', cameraId: id, problems: [] };
    } catch (err) {
      await sql`rollback to savepoint import_row`.execute(trx);
      await sql`release savepoint import_row`.execute(trx);
      if (!(err instanceof VigilError)) throw err;
      const existing = typeof err.details?.existingCameraId === 'string' ? err.details.existingCameraId : null;
      if (err.code === 'DUPLICATE_CAMERA' && existing) {
        if (created.has(existing)) return error([{ column: 'main_url', code: 'DUPLICATE_IN_FILE', message: 'an earlier row of this file registers the same camera' }]);
        const same = await trx.selectFrom('cameras').select(['organisation_id', 'name']).where('id', '=', existing).executeTakeFirst();
        if (same && same.organisation_id === organisation.id && same.name === r.name) return { row, status: 'exists', cameraId: existing, problems: [] };
      }
      const field = typeof err.details?.field === 'string' ? err.details.field : null;
      return error([{ column: field ? (COLUMN_OF[field] ?? field) : null, code: err.code, message: err.message }]);
    }
  }

  /** The row's organisation: given by id or name; an integrator's is always their own. */
  async #organisationFor(
    given: string | undefined,
    actor: Actor,
    lookups: { organisation: (k: string) => Promise<OrganisationRow | undefined> },
  ): Promise<{ ok: true; id: string } | { ok: false; problem: RowProblem }> {
    const own = !actor.scope.all && actor.scope.organisationIds.length === 1 ? actor.scope.organisationIds[0]! : null;
    if (actor.role === 'integrator') {
      if (!own) return { ok: false, problem: { column: 'organisation', code: 'FORBIDDEN', message: 'an integrator registers for exactly one organisation' } };
      const match = given ? await lookups.organisation(given) : undefined;
      if (given && match?.id !== own) return { ok: false, problem: { column: 'organisation', code: 'FIELD_NOT_ALLOWED', message: 'integrators register cameras for their own organisation only' } };
      return { ok: true, id: own };
    }
    if (!given) return { ok: false, problem: { column: 'organisation', code: 'VALIDATION_FAILED', message: 'required' } };
    const organisation = await lookups.organisation(given);
    return { ok: true, id: organisation?.id ?? given };
  }

  async #organisation(key: string, trx: Kysely<Database>): Promise<OrganisationRow | undefined> {
    return (await this.deps.organisations.findById(key, trx)) ?? (await trx.selectFrom('organisations').selectAll().where('name_key', '=', key.trim().toLowerCase()).executeTakeFirst());
  }

  async #region(key: string, trx: Kysely<Database>): Promise<RegionRow | undefined> {
    return (await this.deps.regions.findById(key, trx)) ?? (await this.deps.regions.findByAdminCode(key, trx));
  }
}

function cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let hit = map.get(key);
  if (!hit) {
    hit = load();
    map.set(key, hit);
  }
  return hit;
}
