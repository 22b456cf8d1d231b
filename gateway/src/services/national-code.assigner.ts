import type { Kysely } from 'kysely';
import type { OwnerType } from '../domain/catalog.js';
import { VigilError } from '../domain/errors.js';
import { nationalCodePrefix, nextNationalCode } from '../domain/national-code.js';
import type { CameraRepository } from '../storage/repositories/camera.repository.js';
import type { RegionRepository } from '../storage/repositories/region.repository.js';
import type { Database } from '../storage/schema.js';

export interface OwnerCodes {
  readonly industry: string;
  readonly network: string;
}

export interface NationalCodeSettings {
  readonly typeCode: string;
  readonly government: OwnerCodes;
  readonly business: OwnerCodes;
  readonly residential: OwnerCodes;
}

/**
 * Picks the national code of a new camera: the administrative code of its region (the nearest
 * one at or above it), the owner's industry and network codes, and the next free serial.
 * Runs inside the creating transaction so the serial it reads is the one it takes.
 */
export class NationalCodeAssigner {
  constructor(
    private readonly deps: { readonly cameras: CameraRepository; readonly regions: RegionRepository; readonly settings: NationalCodeSettings },
  ) {}

  async assign(regionId: string, ownerType: OwnerType, industryCode: string | null, trx: Kysely<Database>): Promise<string> {
    const region = await this.deps.regions.findById(regionId, trx);
    const ancestry = region ? await this.deps.regions.ancestry(region, trx) : [];
    const adminCode = [...ancestry].reverse().find((r) => r.admin_code !== null)?.admin_code;
    if (!adminCode) {
      throw new VigilError('VALIDATION_FAILED', 'the region has no administrative code above it', { field: 'regionId' });
    }
    const owner = this.deps.settings[ownerType];
    const prefix = nationalCodePrefix({
      adminCode,
      industryCode: industryCode ?? owner.industry,
      typeCode: this.deps.settings.typeCode,
      networkCode: owner.network,
    });
    if (!prefix.ok) throw new VigilError('VALIDATION_FAILED', prefix.reason, { field: 'regionId' });
    const code = nextNationalCode(prefix.prefix, await this.deps.cameras.highestSerial(prefix.prefix, trx));
    if (!code.ok) throw new VigilError('NATIONAL_CODE_EXHAUSTED', code.reason);
    return code.code;
  }
}
