import type { Express } from 'express';
import { ffmpegAvailability } from './adapters/ffmpeg/ffmpeg-availability.js';
import { createApp, type AppServices } from './app.js';
import type { Config } from './config/config.schema.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { Logger } from './logging/logger.js';
import type { SecretRedactor } from './logging/secret-redactor.js';
import { createMetrics } from './metrics/metrics.js';
import { loadEncryptionKey } from './security/encryption-key.js';
import { SecretBox } from './security/secret-box.js';
import { AuditService } from './services/audit.service.js';
import { AuthService } from './services/auth.service.js';
import { ensureFirstAdmin } from './services/bootstrap.js';
import { CameraService } from './services/camera.service.js';
import { CameraCredentialService } from './services/camera-credential.service.js';
import { LoginThrottle } from './services/login-throttle.service.js';
import { NationalCodeAssigner } from './services/national-code.assigner.js';
import { OrganisationService } from './services/organisation.service.js';
import { RegionService } from './services/region.service.js';
import { StreamService } from './services/stream.service.js';
import { ProcessLauncher } from './adapters/process/process-launcher.js';
import { RelayManager } from './relay/relay-manager.js';
import type { HealthMonitor } from './health/health-monitor.js';
import { StreamTokens } from './security/stream-token.js';
import { relayRoot } from './relay/relay-root.js';
import { UserService } from './services/user.service.js';
import { ViewService } from './services/view.service.js';
import { MIGRATIONS } from './storage/migrations/index.js';
import { HealthRepository } from './storage/repositories/health.repository.js';
import { DiscoveryService } from './services/discovery.service.js';
import { CameraImportService } from './services/camera-import.service.js';
import { SnapshotService } from './services/snapshot.service.js';
import { PatrolService } from './services/patrol.service.js';
import { PatrolPlanRepository } from './storage/repositories/patrol-plan.repository.js';
import { StreamProbeService } from './services/stream-probe.service.js';
import { buildHealth } from './health/health.composition.js';
import { migrate, ping } from './storage/migrator.js';
import { AuditRepository } from './storage/repositories/audit.repository.js';
import { CameraRepository } from './storage/repositories/camera.repository.js';
import { CredentialRepository } from './storage/repositories/credential.repository.js';
import { OrganisationRepository } from './storage/repositories/organisation.repository.js';
import { RegionRepository } from './storage/repositories/region.repository.js';
import { SessionRepository } from './storage/repositories/session.repository.js';
import { UserRepository } from './storage/repositories/user.repository.js';
import { openSqlite } from './storage/sqlite.database.js';

export const VERSION = '0.1.0';

export interface Vigil {
  readonly app: Express;
  readonly services: AppServices & { readonly relays: RelayManager; readonly monitor: HealthMonitor };
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
  /** Where the first admin's one-time password is printed; stderr by default. */
  readonly print?: (line: string) => void;
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

    const masterKey = loadEncryptionKey(config.secrets.encryptionKey, config.security.keyFile);
    const secretBox = new SecretBox(masterKey);
    const repos = {
      cameras: new CameraRepository(db),
      organisations: new OrganisationRepository(db),
      regions: new RegionRepository(db),
      credentials: new CredentialRepository(db),
      users: new UserRepository(db),
      sessions: new SessionRepository(db),
      audit: new AuditRepository(db),
    };
    const audit = new AuditService(repos.audit, clock);
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
      // The monitor is built later (it needs the camera services); these run only once it exists.
      health: { of: (id) => health.monitor.record(id), idsIn: (state) => health.monitor.idsIn(state) },
    });
    const organisations = new OrganisationService({ db, organisations: repos.organisations, regions: repos.regions, audit, clock });
    const regions = new RegionService({ db, regions: repos.regions, audit, clock });
    const users = new UserService({ db, users: repos.users, sessions: repos.sessions, audit, clock });
    const login = config.security.login;
    const minutes = 60_000;
    const throttle = new LoginThrottle(
      {
        perClient: { freeAttempts: login.attemptsPerClient, windowMs: login.windowMinutes * minutes, baseLockMs: login.lockSeconds * 1000, maxLockMs: login.maxLockMinutes * minutes },
        perUser: { freeAttempts: login.attemptsPerUser, windowMs: login.windowMinutes * minutes, baseLockMs: login.lockSeconds * 1000, maxLockMs: login.maxLockMinutes * minutes },
      },
      clock,
    );
    const sessionTtlMs = config.security.sessionTtlHours * 3600_000;
    const auth = new AuthService({ db, users: repos.users, sessions: repos.sessions, audit, throttle, clock, sessionTtlMs });
    const views = new ViewService({ db, cameras, audit, clock, reasonRequiredFor: config.viewing.reasonRequiredFor });
    await ensureFirstAdmin({
      users: repos.users,
      userService: users,
      adminPassword: config.secrets.adminPassword,
      logger,
      redactor,
      print: options.print ?? ((line) => process.stderr.write(`${line}\n`)),
    });
    await repos.sessions.deleteExpired(clock.now().toISOString());
    const r = config.relay;
    // Assigned below; the relay events and metric sources read them only once running.
    let metrics: ReturnType<typeof createMetrics> | null = null;
    // One set of launcher threads for every ffmpeg Vigil starts: relays, media checks, snapshots.
    const launcher = new ProcessLauncher(logger);
    const relays = new RelayManager(
      {
        root: relayRoot(r.root, config.storage.dataDir),
        ffmpegPath: config.media.ffmpegPath,
        gopSeconds: r.gopSeconds,
        partTargetS: r.partSeconds,
        socketTimeoutS: r.socketTimeoutSeconds,
        playlistLength: r.playlistLength,
        transcodeKbps: r.transcodeKbps,
        stallFactor: r.stallFactor,
        startTimeoutMs: r.startTimeoutSeconds * 1000,
        backoff: { baseMs: 500, maxMs: 30_000, jitter: 0.3 },
        healthyAfterMs: 60_000,
        keyFrameProbeFromStarts: r.keyFrameProbeFromStarts,
      },
      { maxRelays: r.maxRelays, maxTranscodes: r.maxTranscodes, startsPerSecond: r.startsPerSecond, startBurst: r.startBurst, idleMs: r.idleSeconds * 1000, answerCacheBytes: r.answerCacheMiB * 2 ** 20 },
      launcher,
      logger,
      {
        onReady: (_key, ms) => metrics?.relayStartSeconds.observe(ms / 1000),
        onRestart: (_key, reason) => metrics?.relayRestarts.inc({ reason }),
      },
    );
    await relays.start();
    const streams = new StreamService({
      cameras,
      credentials,
      views,
      relays,
      tokens: new StreamTokens(masterKey),
      clock,
      logger,
      settings: { tokenTtlS: r.tokenTtlMinutes * 60, startTimeoutMs: r.startTimeoutSeconds * 1000, viewIdleMs: r.viewIdleSeconds * 1000 },
      onBytes: (n) => metrics?.streamBytes.inc(n),
    });
    streams.start();
    const health = await buildHealth({
      config,
      db,
      repository: new HealthRepository(db),
      cameras,
      credentials,
      regions: repos.regions,
      audit,
      clock,
      logger,
      launcher,
      metrics: () => metrics,
    });
    const discovery = new DiscoveryService({ cameras, cameraRepo: repos.cameras, clock, logger: logger.child({ component: 'discovery' }), settings: config.discovery, rememberSecret: (secret) => redactor.add(secret) });
    const imports = new CameraImportService({ db, cameras, organisations: repos.organisations, regions: repos.regions, audit, maxRows: config.imports.maxRows });
    const probes = new StreamProbeService(config.health.timeoutMs);
    const patrol = new PatrolService({
      db,
      plans: new PatrolPlanRepository(db),
      cameras: repos.cameras,
      regions: repos.regions,
      organisations: repos.organisations,
      audit,
      clock,
      healthOf: (id) => health.monitor.record(id),
    });
    const snapshots = new SnapshotService({
      cameras,
      credentials,
      views,
      proxy: health.proxy,
      launcher,
      logger: logger.child({ component: 'snapshot' }),
      settings: { ffmpegPath: config.media.ffmpegPath, socketTimeoutS: Math.max(1, config.health.timeoutMs / 1000), concurrency: 4 },
    });
    metrics = createMetrics({
      cameraCounts: () => repos.cameras.countsByGroup(clock.now()),
      healthSamples: () => health.monitor.samples(),
      activeRelays: () => relays.size,
      activeViewers: () => streams.viewers,
    });

    const app = createApp({
      logger,
      metrics,
      auth,
      users,
      cameras,
      credentials,
      organisations,
      regions,
      views,
      streams,
      health: health.service,
      onlineRate: health.onlineRate,
      tickets: health.tickets,
      discovery,
      imports,
      probes,
      patrol,
      snapshots,
      audit: repos.audit,
      system: { pingDatabase: () => ping(db), ffmpeg: ffmpegAvailability(config.media.ffmpegPath), version: VERSION },
      limits: { ...config.catalog, bodyLimitKb: config.server.bodyLimitKb, importMaxKb: config.imports.maxKb },
      sessionTtlMs,
      trustedProxies: config.server.trustedProxies,
      ...(options.webRoot && { webRoot: options.webRoot }),
    });
    const close = async () => {
      await health.stop();
      await streams.stop();
      await relays.stop();
      // Every child has ended by now (relays stopped, checks finished); the threads go last.
      await launcher.stop();
      await database.close();
    };
    return {
      app,
      services: { auth, users, cameras, credentials, organisations, regions, views, streams, relays, health: health.service, onlineRate: health.onlineRate, tickets: health.tickets, monitor: health.monitor, discovery, imports, probes, patrol, snapshots, audit: repos.audit },
      close,
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
