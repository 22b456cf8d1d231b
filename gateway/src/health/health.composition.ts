import type { Kysely } from 'kysely';
import type { ProcessLauncher } from '../adapters/process/process-launcher.js';
import { RtspAuthProxy } from '../adapters/rtsp/rtsp-auth-proxy.js';
import type { Config } from '../config/config.schema.js';
import type { Clock } from '../domain/clock.js';
import type { HealthPolicy } from '../domain/health-state.js';
import type { Tier } from '../domain/tier.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { NodeCronScheduler } from '../scheduler/node-cron.scheduler.js';
import type { AuditService } from '../services/audit.service.js';
import type { CameraCredentialService } from '../services/camera-credential.service.js';
import type { CameraService } from '../services/camera.service.js';
import { HealthService } from '../services/health.service.js';
import { OnlineRateService } from '../services/online-rate.service.js';
import { TicketService } from '../services/ticket.service.js';
import type { HealthRepository } from '../storage/repositories/health.repository.js';
import type { RegionRepository } from '../storage/repositories/region.repository.js';
import type { Database } from '../storage/schema.js';
import { HealthMonitor } from './health-monitor.js';
import { MediaChecker } from './media-checker.js';
import { ProbeLadder } from './probe-ladder.js';
import { TicketKeeper } from './ticket-keeper.js';

export interface HealthParts {
  readonly monitor: HealthMonitor;
  readonly service: HealthService;
  readonly onlineRate: OnlineRateService;
  readonly tickets: TicketService;
  /** The credential proxy of media checks; snapshots read through it too. */
  readonly proxy: RtspAuthProxy;
  stop(): Promise<void>;
}

const perTier = (values: Readonly<Record<Tier, number>>, unitMs: number): Record<Tier, number> => ({
  key: values.key * unitMs,
  attention: values.attention * unitMs,
  general: values.general * unitMs,
});

export function healthPolicyOf(h: Config['health']): HealthPolicy {
  return {
    failuresToOffline: h.failuresToOffline,
    degradedToDegraded: h.degradedToDegraded,
    successesToOnline: h.successesToOnline,
    flapping: { changes: h.flapping.changes, windowMs: h.flapping.windowMinutes * 60_000, settleAfter: h.flapping.settleAfter },
  };
}

/** Wires the health engine from the configuration; starts the scheduler when health is enabled. */
export async function buildHealth(deps: {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly repository: HealthRepository;
  readonly cameras: CameraService;
  readonly credentials: CameraCredentialService;
  readonly regions: RegionRepository;
  readonly audit: AuditService;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Starts the media checks' ffmpegs off the API's thread. */
  readonly launcher: ProcessLauncher;
  /** The metrics, once built (they read the monitor, so they come after it). */
  readonly metrics: () => Metrics | null;
}): Promise<HealthParts> {
  const h = deps.config.health;
  const logger = deps.logger.child({ component: 'health' });
  const proxy = new RtspAuthProxy();
  await proxy.start();
  const media = new MediaChecker(
    { ffmpegPath: deps.config.media.ffmpegPath, sampleSeconds: h.mediaSampleSeconds, minDurationSeconds: h.stillSeconds, socketTimeoutS: Math.max(1, h.timeoutMs / 1000) },
    proxy,
    deps.launcher,
    logger,
  );
  const keeper = new TicketKeeper(deps.repository, perTier(h.ticketAfterMinutes, 60_000), logger, {
    onOpened: (_ticket, ownerType) => deps.metrics()?.ticketsOpened.inc({ owner_type: ownerType }),
  });
  const stepMetrics = new Map<string, { seconds: { observe(v: number): void }; count: { inc(): void } }>();
  const monitor = new HealthMonitor({
    health: deps.repository,
    credentials: deps.credentials,
    ladder: new ProbeLadder({ timeoutMs: h.timeoutMs }, media),
    tickets: keeper,
    clock: deps.clock,
    logger,
    policy: healthPolicyOf(h),
    settings: {
      intervalMs: perTier(h.intervalSeconds, 1000),
      mediaIntervalMs: perTier(h.mediaIntervalSeconds, 1000),
      jitter: h.jitter,
      concurrency: h.concurrency,
      mediaConcurrency: h.mediaConcurrency,
      refreshMs: 5000,
      fullRefreshMs: 600_000,
    },
    events: {
      onStep: (step) => {
        const m = deps.metrics();
        if (!m) return;
        // Label children are looked up once: thousands of steps a minute.
        const result = step.ok ? 'ok' : step.reason;
        let child = stepMetrics.get(`${step.step}|${result}`);
        if (!child) {
          child = { seconds: m.probeSeconds.labels(step.step), count: m.probes.labels(step.step, result) };
          stepMetrics.set(`${step.step}|${result}`, child);
        }
        child.seconds.observe(step.ms / 1000);
        child.count.inc();
      },
    },
  });
  await monitor.start();
  const scheduler = new NodeCronScheduler(logger);
  if (h.enabled) scheduler.every('health-sweep', 1, () => monitor.tick());
  const service = new HealthService({
    db: deps.db,
    monitor,
    health: deps.repository,
    cameras: deps.cameras,
    audit: deps.audit,
    clock: deps.clock,
    ticketFor: (id) => keeper.openFor(id)?.id ?? null,
  });
  return {
    monitor,
    service,
    onlineRate: new OnlineRateService({ monitor, health: deps.repository, regions: deps.regions, clock: deps.clock }),
    tickets: new TicketService({ health: deps.repository, clock: deps.clock }),
    proxy,
    async stop() {
      await scheduler.stop();
      await monitor.stop();
      await proxy.stop();
    },
  };
}
