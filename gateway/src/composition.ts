import type { Express } from 'express';
import { ffmpegAvailability } from './adapters/ffmpeg/ffmpeg-availability.js';
import { createApp } from './app.js';
import type { Config } from './config/config.schema.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { Logger } from './logging/logger.js';
import type { SecretRedactor } from './logging/secret-redactor.js';
import { createMetrics } from './metrics/metrics.js';
import { loadEncryptionKey } from './security/encryption-key.js';
import { SecretBox } from './security/secret-box.js';
import { AuditService } from './services/audit.service.js';
import { CameraService } from './services/camera.service.js';
import { CameraCredentialService } from './services/camera-credential.service.js';
import { NationalCodeAssigner } from './services/national-code.assigner.js';
import { OrganisationService } from './services/organisation.service.js';
import { RegionService } from './services/region.service.js';
import { MIGRATIONS } from './storage/migrations/index.js';
import { migrate, ping } from './storage/migrator.js';
import { AuditRepository } from './storage/repositories/audit.repository.js';
import { CameraRepository } from './storage/repositories/camera.repository.js';
import { CredentialRepository } from './storage/repositories/credential.repository.js';
import { OrganisationRepository } from './storage/repositories/organisation.repository.js';
import { RegionRepository } from './storage/repositories/region.repository.js';
import { openSqlite } from './storage/sqlite.database.js';

export const VERSION = '0.1.0';

export interface Vigil {
  readonly app: Express;
  readonly services: {
    readonly cameras: CameraService;
    readonly credentials: CameraCredentialService;
    readonly organisations: OrganisationService;
    readonly regions: RegionService;
  };
  close(): Promise<void>;
}

export interface VigilOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly clock?: Clock;
  /** Overrides the database file (":memory:" in service tests). */
  readonly databaseFile?: string;
  readonly webRoot?: string;
}

/** Wires config → database → migrations → repositories → services → app. No listening here. */
export async function createVigil(options: VigilOptions): Promise<Vigil> {
  const { config, logger, redactor } = options;
  const clock = options.clock ?? systemClock;
  const database = openSqlite({ file: options.databaseFile ?? config.storage.databaseFile, busyTimeoutMs: config.storage.sqlite.busyTimeoutMs });
  try {
    const { db } = database;
    const report = await migrate(db, MIGRATIONS, 'sqlite');
    if (report.applied.length > 0) logger.info({ migrations: report.applied }, 'database migrated');

    const secretBox = new SecretBox(loadEncryptionKey(config.secrets.encryptionKey, config.security.keyFile));
    const repos = {
      cameras: new CameraRepository(db),
      organisations: new OrganisationRepository(db),
      regions: new RegionRepository(db),
      credentials: new CredentialRepository(db),
    };
    const audit = new AuditService(new AuditRepository(db), clock);
    const credentials = new CameraCredentialService({ db, cameras: repos.cameras, credentials: repos.credentials, audit, secretBox, redactor, clock });
    const cameras = new CameraService({
      db,
      cameras: repos.cameras,
      organisations: repos.organisations,
      regions: repos.regions,
      credentials,
      nationalCodes: new NationalCodeAssigner({ cameras: repos.cameras, regions: repos.regions, settings: config.catalog.nationalCode }),
      audit,
      clock,
      maxTierOverrideDays: config.catalog.maxTierOverrideDays,
    });
    const organisations = new OrganisationService({ db, organisations: repos.organisations, regions: repos.regions, audit, clock });
    const regions = new RegionService({ db, regions: repos.regions, audit, clock });
    const metrics = createMetrics(() => repos.cameras.countsByGroup(clock.now()));

    const app = createApp({
      logger,
      metrics,
      cameras,
      credentials,
      organisations,
      regions,
      system: { pingDatabase: () => ping(db), ffmpeg: ffmpegAvailability(config.media.ffmpegPath), version: VERSION },
      limits: { ...config.catalog, bodyLimitKb: config.server.bodyLimitKb },
      ...(options.webRoot && { webRoot: options.webRoot }),
    });
    return { app, services: { cameras, credentials, organisations, regions }, close: () => database.close() };
  } catch (err) {
    await database.close();
    throw err;
  }
}
