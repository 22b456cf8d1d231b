import path from 'node:path';
import express, { type Express } from 'express';
import type { Logger } from './logging/logger.js';
import type { Metrics } from './metrics/metrics.js';
import { authenticate } from './http/authenticate.js';
import { apiNotFound, errorHandler } from './http/error-handler.js';
import { mountRoutes } from './http/mount.js';
import { requestLog } from './http/request-log.js';
import type { Route } from './http/route.js';
import { auditRoutes } from './http/routes/audit.routes.js';
import { cameraRoutes } from './http/routes/camera.routes.js';
import { organisationRoutes } from './http/routes/organisation.routes.js';
import { regionRoutes } from './http/routes/region.routes.js';
import { sessionRoutes } from './http/routes/session.routes.js';
import { streamRoutes } from './http/routes/stream.routes.js';
import { healthRoutes } from './http/routes/health.routes.js';
import { onboardingRoutes } from './http/routes/onboarding.routes.js';
import { patrolRoutes } from './http/routes/patrol.routes.js';
import { systemRoutes, type SystemDeps } from './http/routes/system.routes.js';
import { tokenRoutes } from './http/routes/token.routes.js';
import { userRoutes } from './http/routes/user.routes.js';
import type { AuthService } from './services/auth.service.js';
import type { CameraService } from './services/camera.service.js';
import type { CameraCredentialService } from './services/camera-credential.service.js';
import type { OrganisationService } from './services/organisation.service.js';
import type { RegionService } from './services/region.service.js';
import type { StreamService } from './services/stream.service.js';
import type { HealthService } from './services/health.service.js';
import type { OnlineRateService } from './services/online-rate.service.js';
import type { TicketService } from './services/ticket.service.js';
import type { DiscoveryService } from './services/discovery.service.js';
import type { CameraImportService } from './services/camera-import.service.js';
import type { SnapshotService } from './services/snapshot.service.js';
import type { PatrolService } from './services/patrol.service.js';
import type { StreamProbeService } from './services/stream-probe.service.js';
import type { UserService } from './services/user.service.js';
import type { ViewService } from './services/view.service.js';
import type { AuditRepository } from './storage/repositories/audit.repository.js';

/** The services the HTTP routes call; the composition root builds them. */
export interface AppServices {
  readonly auth: AuthService;
  readonly users: UserService;
  readonly cameras: CameraService;
  readonly credentials: CameraCredentialService;
  readonly organisations: OrganisationService;
  readonly regions: RegionService;
  readonly views: ViewService;
  readonly streams: StreamService;
  readonly health: HealthService;
  readonly onlineRate: OnlineRateService;
  readonly tickets: TicketService;
  readonly discovery: DiscoveryService;
  readonly imports: CameraImportService;
  readonly probes: StreamProbeService;
  readonly patrol: PatrolService;
  readonly snapshots: SnapshotService;
  readonly audit: AuditRepository;
}

export interface AppDeps extends AppServices {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly system: Omit<SystemDeps, 'registry'>;
  readonly limits: { readonly defaultPageSize: number; readonly maxPageSize: number; readonly bodyLimitKb: number; readonly importMaxKb: number };
  readonly sessionTtlMs: number;
  /** Proxies whose X-Forwarded-For is believed; from anyone else the header is ignored. */
  readonly trustedProxies: readonly string[];
  /** Folder of the web UI's static files; none in API-only tests. */
  readonly webRoot?: string;
}

/** Every route of the app, in mounting order. */
export function allRoutes(deps: AppDeps): Route[] {
  const routes: Route[] = [];
  routes.push(
    ...systemRoutes({ ...deps.system, registry: deps.metrics.registry }, () => routes),
    ...sessionRoutes(deps.auth, deps.users, deps.sessionTtlMs),
    ...tokenRoutes(deps.auth),
    ...userRoutes(deps.users, deps.limits),
    ...organisationRoutes(deps.organisations, deps.limits),
    ...regionRoutes(deps.regions),
    ...cameraRoutes(deps.cameras, deps.credentials, deps.limits),
    ...auditRoutes(deps.audit, deps.views, deps.limits),
    ...streamRoutes(deps.streams, deps.snapshots),
    ...healthRoutes(deps.health, deps.onlineRate, deps.tickets, deps.limits),
    ...onboardingRoutes(deps.discovery, deps.imports, deps.probes),
    ...patrolRoutes(deps.patrol, deps.limits),
  );
  return routes;
}

/** Builds the express app from its dependencies without listening, so tests can call it directly. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // req.ip is the socket's address unless the connection comes from a configured proxy.
  app.set('trust proxy', deps.trustedProxies.length > 0 ? [...deps.trustedProxies] : false);
  app.use(requestLog(deps.logger, deps.metrics));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  app.use(express.json({ limit: `${deps.limits.bodyLimitKb}kb`, strict: true }));
  // CSV imports are the one non-JSON body, and larger.
  app.use(express.text({ type: 'text/csv', limit: `${deps.limits.importMaxKb}kb` }));
  app.use(authenticate(deps.auth));
  const router = express.Router();
  mountRoutes(router, allRoutes(deps));
  app.use(router);
  app.use('/api', apiNotFound);
  if (deps.webRoot) {
    // Built assets have content hashes in their names and never change; index.html must be re-read
    // so a new build takes effect.
    app.use(
      express.static(deps.webRoot, {
        index: 'index.html',
        maxAge: '1y',
        immutable: true,
        setHeaders: (res, file) => {
          if (!file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'no-cache');
        },
      }),
    );
  }
  app.use(errorHandler(deps.logger));
  return app;
}
