import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OwnerType } from '../domain/catalog.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { Page, PageRequest } from '../domain/paging.js';
import { uniqueViolation } from '../storage/db-errors.js';
import type { OrganisationFilter, OrganisationRepository } from '../storage/repositories/organisation.repository.js';
import type { RegionRepository } from '../storage/repositories/region.repository.js';
import type { Database, OrganisationRow } from '../storage/schema.js';
import type { Actor, AuditService } from './audit.service.js';

export interface OrganisationInput {
  readonly name: string;
  readonly ownerType: OwnerType;
  readonly industryCode?: string | null | undefined;
  readonly regionId?: string | null | undefined;
  readonly contactName?: string | null | undefined;
  readonly contactPhone?: string | null | undefined;
  readonly contactEmail?: string | null | undefined;
}

export interface OrganisationView {
  readonly id: string;
  readonly name: string;
  readonly ownerType: OwnerType;
  readonly industryCode: string | null;
  readonly regionId: string | null;
  readonly contactName: string | null;
  readonly contactPhone: string | null;
  readonly contactEmail: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

function view(row: OrganisationRow): OrganisationView {
  return {
    id: row.id,
    name: row.name,
    ownerType: row.owner_type,
    industryCode: row.industry_code,
    regionId: row.region_id,
    contactName: row.contact_name,
    contactPhone: row.contact_phone,
    contactEmail: row.contact_email,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const nameKey = (name: string) => name.trim().toLowerCase();

/** Camera owners. An organisation that still owns cameras cannot be deleted. */
export class OrganisationService {
  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly organisations: OrganisationRepository;
      readonly regions: RegionRepository;
      readonly audit: AuditService;
      readonly clock: Clock;
    },
  ) {}

  async get(id: string, actor: Actor): Promise<OrganisationView> {
    const row = await this.deps.organisations.findById(id, this.deps.db, actor.scope);
    if (!row) throw new VigilError('ORGANISATION_NOT_FOUND', `organisation ${id} does not exist`);
    return view(row);
  }

  async list(filter: OrganisationFilter, page: PageRequest, actor: Actor): Promise<Page<OrganisationView>> {
    const result = await this.deps.organisations.list(filter, actor.scope, page);
    return { ...result, items: result.items.map(view) };
  }

  async create(input: OrganisationInput, actor: Actor): Promise<OrganisationView> {
    const id = randomUUID();
    const at = this.deps.clock.now().toISOString();
    await this.write(async (trx) => {
      await this.checkRegion(input.regionId, trx);
      await this.checkName(input.name, null, trx);
      await this.deps.organisations.insert(
        {
          id,
          name: input.name.trim(),
          name_key: nameKey(input.name),
          owner_type: input.ownerType,
          industry_code: input.industryCode ?? null,
          region_id: input.regionId ?? null,
          contact_name: input.contactName ?? null,
          contact_phone: input.contactPhone ?? null,
          contact_email: input.contactEmail ?? null,
          created_at: at,
          updated_at: at,
        },
        trx,
      );
      await this.deps.audit.record(trx, actor, 'organisation.created', { type: 'organisation', id }, { name: input.name });
    });
    return this.get(id, actor);
  }

  async update(id: string, input: Partial<OrganisationInput>, actor: Actor): Promise<OrganisationView> {
    await this.write(async (trx) => {
      if (!(await this.deps.organisations.findById(id, trx))) throw new VigilError('ORGANISATION_NOT_FOUND', `organisation ${id} does not exist`);
      if (input.regionId !== undefined) await this.checkRegion(input.regionId, trx);
      if (input.name !== undefined) await this.checkName(input.name, id, trx);
      await this.deps.organisations.update(
        id,
        {
          ...(input.name !== undefined && { name: input.name.trim(), name_key: nameKey(input.name) }),
          ...(input.ownerType !== undefined && { owner_type: input.ownerType }),
          ...(input.industryCode !== undefined && { industry_code: input.industryCode }),
          ...(input.regionId !== undefined && { region_id: input.regionId }),
          ...(input.contactName !== undefined && { contact_name: input.contactName }),
          ...(input.contactPhone !== undefined && { contact_phone: input.contactPhone }),
          ...(input.contactEmail !== undefined && { contact_email: input.contactEmail }),
          updated_at: this.deps.clock.now().toISOString(),
        },
        trx,
      );
      await this.deps.audit.record(trx, actor, 'organisation.updated', { type: 'organisation', id }, { fields: Object.keys(input) });
    });
    return this.get(id, actor);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.write(async (trx) => {
      if (!(await this.deps.organisations.findById(id, trx))) throw new VigilError('ORGANISATION_NOT_FOUND', `organisation ${id} does not exist`);
      const cameras = await this.deps.organisations.cameraCount(id, trx);
      if (cameras > 0) throw new VigilError('ORGANISATION_IN_USE', `the organisation owns ${cameras} camera(s)`, { cameras });
      await this.deps.organisations.delete(id, trx);
      await this.deps.audit.record(trx, actor, 'organisation.deleted', { type: 'organisation', id });
    });
  }

  private async write(work: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
    try {
      await this.deps.db.transaction().execute(work);
    } catch (err) {
      if (uniqueViolation(err)) throw new VigilError('DUPLICATE_ORGANISATION', 'an organisation with this name exists');
      throw err;
    }
  }

  private async checkRegion(regionId: string | null | undefined, trx: Kysely<Database>): Promise<void> {
    if (regionId && !(await this.deps.regions.findById(regionId, trx))) {
      throw new VigilError('REGION_NOT_FOUND', `region ${regionId} does not exist`, { field: 'regionId' });
    }
  }

  private async checkName(name: string, exceptId: string | null, trx: Kysely<Database>): Promise<void> {
    const existing = await this.deps.organisations.findByNameKey(nameKey(name), trx);
    if (existing && existing.id !== exceptId) {
      throw new VigilError('DUPLICATE_ORGANISATION', `an organisation named "${existing.name}" exists`, { existingOrganisationId: existing.id });
    }
  }
}
