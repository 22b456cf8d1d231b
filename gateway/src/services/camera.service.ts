import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { normaliseMac, normaliseSerial, PROFILE_KINDS, type OwnerType } from '../domain/catalog.js';
import { canDelete, transition, type Lifecycle, type LifecycleAction } from '../domain/camera-lifecycle.js';
import type { HealthState } from '../domain/health-state.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { Page, PageRequest, Sort } from '../domain/paging.js';
import { initialLifecycle } from '../domain/roles.js';
import { inScope } from '../domain/scope.js';
import { checkTierOverride, type Tier, type TierOverride } from '../domain/tier.js';
import { uniqueViolation } from '../storage/db-errors.js';
import type { CameraRecord, CameraRepository, CameraSortKey, Conflict } from '../storage/repositories/camera.repository.js';
import type { OrganisationRepository } from '../storage/repositories/organisation.repository.js';
import type { RegionRepository } from '../storage/repositories/region.repository.js';
import type { CameraUpdate, Database, OrganisationRow, RegionRow, StreamProfileRow } from '../storage/schema.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.service.js';
import type { CameraCreateInput, CameraUpdateInput } from './camera.input.js';
import type { CameraCredentialService } from './camera-credential.service.js';
import { cameraView, type CameraView } from './camera.view.js';
import type { NationalCodeAssigner } from './national-code.assigner.js';
import { resolveStreamProfile } from './stream-profile.resolver.js';

type Db = Kysely<Database>;

export interface CameraServiceDeps {
  readonly db: Db;
  readonly cameras: CameraRepository;
  readonly organisations: OrganisationRepository;
  readonly regions: RegionRepository;
  readonly credentials: CameraCredentialService;
  readonly nationalCodes: NationalCodeAssigner;
  readonly audit: AuditService;
  readonly clock: Clock;
  readonly maxTierOverrideDays: number;
  /** Live health from the monitor (absent in set-ups without one): shown in the catalog and filtered on. */
  readonly health?: CameraHealthLookup;
}

/** What the catalog asks the health monitor. */
export interface CameraHealthLookup {
  of(cameraId: string): { readonly state: HealthState; readonly reason: string; readonly since: number } | undefined;
  /** Ids of the monitored cameras in `state` now. */
  idsIn(state: HealthState): string[];
}

/** A camera's health as the catalog shows it; null while it is not monitored (not approved). */
export interface CatalogHealth {
  readonly state: HealthState;
  readonly reason: string;
  readonly since: string;
}

export interface CameraListQuery {
  readonly organisationId?: string | undefined;
  readonly ownerType?: OwnerType | undefined;
  readonly regionId?: string | undefined;
  readonly tier?: Tier | undefined;
  readonly health?: HealthState | undefined;
  /** "me": only the cameras the caller registered. */
  readonly submittedBy?: 'me' | undefined;
  readonly lifecycle?: Lifecycle | undefined;
  readonly q?: string | undefined;
}

/** Lookups a bulk caller may cache across rows (an import names the same few organisations). */
export interface CreateLookups {
  readonly organisation?: (id: string) => Promise<OrganisationRow | undefined>;
  readonly region?: (id: string) => Promise<RegionRow | undefined>;
}

/** How many times a create is retried when another writer took the same national code first. */
const CODE_RETRIES = 5;

function duplicate(conflict: Conflict): VigilError {
  const what = conflict.field === 'stream' ? 'stream address' : conflict.field;
  return new VigilError('DUPLICATE_CAMERA', `a camera with the same ${what} exists`, { field: conflict.field, existingCameraId: conflict.cameraId });
}

const notFound = (id: string) => new VigilError('CAMERA_NOT_FOUND', `camera ${id} does not exist`);

/**
 * The catalog of cameras: registration, edits, review and lifecycle. Every call is made for an
 * actor, and a camera outside the actor's scope is treated exactly like one that does not exist.
 */
export class CameraService {
  constructor(private readonly deps: CameraServiceDeps) {}

  async get(id: string, actor: Actor): Promise<CameraView & { health: CatalogHealth | null }> {
    return this.#withHealth(cameraView(await this.require(id, actor, this.deps.db), this.deps.clock.now()));
  }

  #withHealth(view: CameraView): CameraView & { health: CatalogHealth | null } {
    const record = this.deps.health?.of(view.id);
    return { ...view, health: record ? { state: record.state, reason: record.reason, since: new Date(record.since).toISOString() } : null };
  }

  /** The camera record for other services (views, relays), scope-checked. */
  async require(id: string, actor: Actor, db: Db = this.deps.db): Promise<CameraRecord> {
    const record = await this.deps.cameras.findById(id, actor.scope, db);
    if (!record) throw notFound(id);
    return record;
  }

  async list(query: CameraListQuery, sort: Sort<CameraSortKey>, page: PageRequest, actor: Actor): Promise<Page<CameraView & { health: CatalogHealth | null }>> {
    let regionPath: string | undefined;
    if (query.regionId) {
      const region = await this.deps.regions.findById(query.regionId);
      if (!region) throw new VigilError('REGION_NOT_FOUND', `region ${query.regionId} does not exist`);
      regionPath = region.path;
    }
    const now = this.deps.clock.now();
    const { health, submittedBy, ...filter } = query;
    let ids: string[] | undefined;
    if (health) {
      if (!this.deps.health) throw new VigilError('VALIDATION_FAILED', 'health is not monitored here', { field: 'health' });
      ids = this.deps.health.idsIn(health);
    }
    const result = await this.deps.cameras.list({ ...filter, regionPath, ids, submittedBy: submittedBy === 'me' ? actor.id : undefined }, actor.scope, sort, page, now);
    return { ...result, items: result.items.map((r) => this.#withHealth(cameraView(r, now))) };
  }

  async create(input: CameraCreateInput, actor: Actor): Promise<CameraView> {
    for (let attempt = 1; ; attempt++) {
      try {
        const id = await this.deps.db.transaction().execute((trx) => this.createWithin(trx, input, actor));
        return await this.get(id, actor);
      } catch (err) {
        const violation = uniqueViolation(err);
        if (violation?.column === 'national_code' && attempt < CODE_RETRIES) continue;
        if (violation) throw new VigilError('DUPLICATE_CAMERA', 'a camera with the same identity or stream address exists', { field: violation.column });
        throw err;
      }
    }
  }

  /**
   * Validates and inserts one camera inside the caller's transaction (the API's create, and each
   * row of a CSV import, so both refuse exactly the same things). Returns the new camera's id.
   */
  async createWithin(trx: Db, input: CameraCreateInput, actor: Actor, lookups: CreateLookups = {}): Promise<string> {
    const now = this.deps.clock.now();
    const id = randomUUID();
    this.checkOverride(input.tierOverride, now);
    const mac = this.mac(input.macAddress);
    this.checkLocation(input.latitude ?? null, input.longitude ?? null);
    const profiles = [resolveStreamProfile(id, 'main', input.profiles.main)];
    if (input.profiles.sub) profiles.push(resolveStreamProfile(id, 'sub', input.profiles.sub));
    this.checkDistinctProfiles(profiles);
    if (input.credentials) this.deps.credentials.remember(input.credentials);
    const lifecycle = input.lifecycle ?? (actor.role === 'system' ? 'approved' : initialLifecycle(actor.role));
    const organisation = await (lookups.organisation ?? ((oid: string) => this.deps.organisations.findById(oid, trx)))(input.organisationId);
    const region = await (lookups.region ?? ((rid: string) => this.deps.regions.findById(rid, trx)))(input.regionId);
    // An organisation the actor cannot see does not exist for them. A region-scoped user (a
    // district's technician) may register a camera placed inside their region for any owner:
    // the camera is then in their scope, as every camera of that region is.
    if (!organisation || !inScope(actor.scope, organisation.id, region?.path ?? null)) {
      throw new VigilError('ORGANISATION_NOT_FOUND', `organisation ${input.organisationId} does not exist`, { field: 'organisationId' });
    }
    if (!region) throw new VigilError('REGION_NOT_FOUND', `region ${input.regionId} does not exist`, { field: 'regionId' });
    const serialKey = input.serialNumber ? normaliseSerial(input.serialNumber) : null;
    const conflict = await this.deps.cameras.findConflict(
      { addressKeys: profiles.map((p) => p.address_key), serialKey, macAddress: mac, onvifEndpointRef: input.onvifEndpointRef ?? null },
      null,
      trx,
    );
    if (conflict) throw duplicate(conflict);
    const nationalCode = await this.deps.nationalCodes.assign(region.id, organisation.owner_type, organisation.industry_code, trx);
    const at = now.toISOString();
    await this.deps.cameras.insert(
      {
        id,
        national_code: nationalCode,
        name: input.name,
        manufacturer: input.manufacturer ?? null,
        model: input.model ?? null,
        serial_number: input.serialNumber ?? null,
        serial_key: serialKey,
        mac_address: mac,
        hardware_id: input.hardwareId ?? null,
        onvif_endpoint_ref: input.onvifEndpointRef ?? null,
        onvif_address: input.onvifAddress ?? null,
        organisation_id: organisation.id,
        region_id: region.id,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        address: input.address ?? null,
        description: input.description ?? null,
        tier: input.tier ?? 'general',
        tier_override: input.tierOverride?.tier ?? null,
        tier_override_expires_at: input.tierOverride ? new Date(input.tierOverride.expiresAt).toISOString() : null,
        lifecycle,
        lifecycle_reason: null,
        lifecycle_changed_at: at,
        source: input.source ?? 'rtsp',
        submitted_by: actor.role === 'system' ? null : actor.id,
        created_at: at,
        updated_at: at,
      },
      trx,
    );
    for (const profile of profiles) await this.deps.cameras.upsertProfile(profile, trx);
    if (input.credentials) await this.deps.credentials.store(id, input.credentials, at, trx);
    await this.deps.audit.record(trx, actor, 'camera.created', { type: 'camera', id }, { nationalCode, lifecycle, hasCredentials: Boolean(input.credentials) });
    return id;
  }

  async update(id: string, input: CameraUpdateInput, actor: Actor): Promise<CameraView> {
    const now = this.deps.clock.now();
    const at = now.toISOString();
    this.checkOverride(input.tierOverride, now);
    const { patch, changed } = this.patchOf(input);
    const profiles: StreamProfileRow[] = [];
    const removeSub = input.profiles?.sub === null;
    for (const kind of PROFILE_KINDS) {
      const given = input.profiles?.[kind];
      if (given) profiles.push(resolveStreamProfile(id, kind, given));
    }
    if (input.profiles) changed.push('profiles');
    if (input.credentials !== undefined) {
      changed.push('credentials');
      if (input.credentials) this.deps.credentials.remember(input.credentials);
    }

    try {
      await this.deps.db.transaction().execute(async (trx) => {
        const current = await this.require(id, actor, trx);
        // An integrator's change to an approved camera would skip review: staff change those.
        if (actor.role === 'integrator' && current.row.lifecycle !== 'pending' && current.row.lifecycle !== 'rejected') {
          throw new VigilError('INVALID_LIFECYCLE_TRANSITION', `an integrator cannot change a camera that is ${current.row.lifecycle}`, { lifecycle: current.row.lifecycle });
        }
        if (input.organisationId) {
          const organisation = await this.deps.organisations.findById(input.organisationId, trx);
          if (!organisation || !inScope(actor.scope, organisation.id, null)) {
            throw new VigilError('ORGANISATION_NOT_FOUND', `organisation ${input.organisationId} does not exist`, { field: 'organisationId' });
          }
        }
        if (input.regionId && !(await this.deps.regions.findById(input.regionId, trx))) {
          throw new VigilError('REGION_NOT_FOUND', `region ${input.regionId} does not exist`, { field: 'regionId' });
        }
        this.checkLocation(patch.latitude === undefined ? current.row.latitude : patch.latitude, patch.longitude === undefined ? current.row.longitude : patch.longitude);
        const after = new Map(current.profiles.map((p) => [p.kind, p]));
        for (const p of profiles) after.set(p.kind, p);
        if (removeSub) after.delete('sub');
        this.checkDistinctProfiles([...after.values()]);
        const conflict = await this.deps.cameras.findConflict(
          { addressKeys: profiles.map((p) => p.address_key), serialKey: patch.serial_key ?? null, macAddress: patch.mac_address ?? null, onvifEndpointRef: patch.onvif_endpoint_ref ?? null },
          id,
          trx,
        );
        if (conflict) throw duplicate(conflict);
        // A rejected camera that its integrator fixed goes back into the review queue.
        const resubmit = actor.role === 'integrator' && current.row.lifecycle === 'rejected';
        await this.deps.cameras.update(id, { ...patch, ...(resubmit && { lifecycle: 'pending', lifecycle_reason: null, lifecycle_changed_at: at }), updated_at: at }, trx);
        for (const profile of profiles) await this.deps.cameras.upsertProfile(profile, trx);
        if (removeSub) await this.deps.cameras.deleteProfile(id, 'sub', trx);
        if (input.credentials) await this.deps.credentials.store(id, input.credentials, at, trx);
        if (input.credentials === null) await this.deps.credentials.clear(id, actor, trx);
        await this.deps.audit.record(trx, actor, 'camera.updated', { type: 'camera', id }, { fields: changed, ...(resubmit && { resubmitted: true }) });
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new VigilError('DUPLICATE_CAMERA', 'a camera with the same identity or stream address exists');
      throw err;
    }
    return this.get(id, actor);
  }

  /** approve / reject (reviewers), retire (admins): a lifecycle step with its reason, audited. */
  async changeLifecycle(id: string, action: LifecycleAction, reason: string | null, actor: Actor): Promise<CameraView> {
    if (action === 'reject' && !reason) throw new VigilError('REASON_REQUIRED', 'a rejection needs a reason', { field: 'reason' });
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.require(id, actor, trx);
      const next = transition(current.row.lifecycle, action);
      if (!next.ok) throw new VigilError('INVALID_LIFECYCLE_TRANSITION', next.reason, { lifecycle: current.row.lifecycle });
      const at = this.deps.clock.now().toISOString();
      await this.deps.cameras.update(id, { lifecycle: next.to, lifecycle_reason: reason, lifecycle_changed_at: at, updated_at: at }, trx);
      const verb = { approve: 'approved', reject: 'rejected', retire: 'retired', resubmit: 'resubmitted' }[action];
      await this.deps.audit.record(trx, actor, `camera.${verb}`, { type: 'camera', id }, { from: current.row.lifecycle, reason });
    });
    return this.get(id, actor);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.require(id, actor, trx);
      if (!canDelete(current.row.lifecycle)) {
        throw new VigilError('CAMERA_NOT_DELETABLE', 'an approved camera has history: retire it before deleting it', { lifecycle: current.row.lifecycle });
      }
      await this.deps.cameras.delete(id, trx);
      await this.deps.audit.record(trx, actor, 'camera.deleted', { type: 'camera', id }, { nationalCode: current.row.national_code });
    });
  }

  private patchOf(input: CameraUpdateInput): { patch: CameraUpdate; changed: string[] } {
    const patch: CameraUpdate = {};
    const changed: string[] = [];
    const set = <K extends keyof CameraUpdate>(field: string, column: K, value: CameraUpdate[K] | undefined) => {
      if (value === undefined) return;
      patch[column] = value;
      changed.push(field);
    };
    set('name', 'name', input.name);
    set('manufacturer', 'manufacturer', input.manufacturer);
    set('model', 'model', input.model);
    if (input.serialNumber !== undefined) {
      set('serialNumber', 'serial_number', input.serialNumber);
      patch.serial_key = input.serialNumber ? normaliseSerial(input.serialNumber) : null;
    }
    if (input.macAddress !== undefined) set('macAddress', 'mac_address', this.mac(input.macAddress));
    set('hardwareId', 'hardware_id', input.hardwareId);
    set('onvifEndpointRef', 'onvif_endpoint_ref', input.onvifEndpointRef);
    set('onvifAddress', 'onvif_address', input.onvifAddress);
    set('organisationId', 'organisation_id', input.organisationId);
    set('regionId', 'region_id', input.regionId);
    set('latitude', 'latitude', input.latitude);
    set('longitude', 'longitude', input.longitude);
    set('address', 'address', input.address);
    set('description', 'description', input.description);
    set('tier', 'tier', input.tier);
    if (input.tierOverride !== undefined) {
      set('tierOverride', 'tier_override', input.tierOverride?.tier ?? null);
      patch.tier_override_expires_at = input.tierOverride ? new Date(input.tierOverride.expiresAt).toISOString() : null;
    }
    return { patch, changed };
  }

  private checkOverride(override: TierOverride | null | undefined, now: Date): void {
    if (!override) return;
    const check = checkTierOverride(override, now, this.deps.maxTierOverrideDays);
    if (!check.ok) throw new VigilError('INVALID_TIER_OVERRIDE', `tierOverride: ${check.reason}`, { field: 'tierOverride.expiresAt' });
  }

  private mac(raw: string | null | undefined): string | null {
    if (raw === undefined || raw === null || raw === '') return null;
    const mac = normaliseMac(raw);
    if (mac === null) throw new VigilError('VALIDATION_FAILED', 'macAddress: not a MAC address', { field: 'macAddress' });
    return mac;
  }

  private checkLocation(latitude: number | null, longitude: number | null): void {
    if ((latitude === null) !== (longitude === null)) {
      throw new VigilError('VALIDATION_FAILED', 'latitude and longitude go together', { field: latitude === null ? 'latitude' : 'longitude' });
    }
    // The HTTP schema bounds these too; imports and other callers come through here.
    if (latitude !== null && !(latitude >= -90 && latitude <= 90)) throw new VigilError('VALIDATION_FAILED', 'latitude must be between -90 and 90', { field: 'latitude' });
    if (longitude !== null && !(longitude >= -180 && longitude <= 180)) throw new VigilError('VALIDATION_FAILED', 'longitude must be between -180 and 180', { field: 'longitude' });
  }

  private checkDistinctProfiles(profiles: readonly StreamProfileRow[]): void {
    const [a, b] = profiles;
    if (a && b && a.address_key === b.address_key) {
      throw new VigilError('VALIDATION_FAILED', 'profiles.sub must differ from profiles.main', { field: 'profiles.sub' });
    }
  }
}

