import express, { type Express } from 'express';
import type { Logger } from './logging/logger.js';
import type { Metrics } from './metrics/metrics.js';
import { apiNotFound, errorHandler } from './http/error-handler.js';
import { mountRoutes } from './http/mount.js';
import { requestLog } from './http/request-log.js';
import type { Route } from './http/route.js';
import { cameraRoutes } from './http/routes/camera.routes.js';
import { organisationRoutes } from './http/routes/organisation.routes.js';
import { regionRoutes } from './http/routes/region.routes.js';
import { systemRoutes, type SystemDeps } from './http/routes/system.routes.js';
import type { CameraService } from './services/camera.service.js';
import type { CameraCredentialService } from './services/camera-credential.service.js';
import type { OrganisationService } from './services/organisation.service.js';
import type { RegionService } from './services/region.service.js';

export interface AppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly cameras: CameraService;
  readonly credentials: CameraCredentialService;
  readonly organisations: OrganisationService;
  readonly regions: RegionService;
  readonly system: Omit<SystemDeps, 'registry'>;
  readonly limits: { readonly defaultPageSize: number; readonly maxPageSize: number; readonly bodyLimitKb: number };
  /** Folder of the web UI's static files; none in API-only tests. */
  readonly webRoot?: string;
}

/** Every route of the app, in mounting order. */
export function allRoutes(deps: AppDeps): Route[] {
  const routes: Route[] = [];
  routes.push(
    ...systemRoutes({ ...deps.system, registry: deps.metrics.registry }, () => routes),
    ...organisationRoutes(deps.organisations, deps.limits),
    ...regionRoutes(deps.regions),
    ...cameraRoutes(deps.cameras, deps.credentials, deps.limits),
  );
  return routes;
}

/** Builds the express app from its dependencies without listening, so tests can call it directly. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(deps.logger, deps.metrics));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.use(express.json({ limit: `${deps.limits.bodyLimitKb}kb`, strict: true }));
  const router = express.Router();
  mountRoutes(router, allRoutes(deps));
  app.use(router);
  app.use('/api', apiNotFound);
  if (deps.webRoot) app.use(express.static(deps.webRoot, { index: 'index.html', maxAge: '5m' }));
  app.use(errorHandler(deps.logger));
  return app;
}
