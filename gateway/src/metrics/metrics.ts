import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface CameraCount {
  readonly lifecycle: string;
  readonly tier: string;
  readonly ownerType: string;
  readonly count: number;
}

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * The one metrics registry of the app (not prom-client's global one, so two apps in one test
 * process do not collide). Labels are bounded sets only: no camera, user or IP labels.
 */
export function createMetrics(cameraCounts: () => Promise<readonly CameraCount[]>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  new Gauge({
    name: 'vigil_cameras',
    help: 'Cameras in the catalog by lifecycle, tier in force and owner type',
    labelNames: ['lifecycle', 'tier', 'owner_type'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await cameraCounts()) this.set({ lifecycle: c.lifecycle, tier: c.tier, owner_type: c.ownerType }, c.count);
    },
  });
  const httpDuration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpDuration };
}
