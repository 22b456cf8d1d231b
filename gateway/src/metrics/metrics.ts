import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface CameraCount {
  readonly lifecycle: string;
  readonly tier: string;
  readonly ownerType: string;
  readonly count: number;
}

export interface MetricSources {
  cameraCounts(): Promise<readonly CameraCount[]>;
  activeRelays(): number;
  activeViewers(): number;
}

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly relayRestarts: Counter<'reason'>;
  readonly relayStartSeconds: Histogram;
  readonly streamBytes: Counter;
}

/**
 * The one metrics registry of the app (not prom-client's global one, so two apps in one test
 * process do not collide). Labels are bounded sets only: no camera, user or IP labels.
 */
export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  new Gauge({
    name: 'vigil_cameras',
    help: 'Cameras in the catalog by lifecycle, tier in force and owner type',
    labelNames: ['lifecycle', 'tier', 'owner_type'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await sources.cameraCounts()) this.set({ lifecycle: c.lifecycle, tier: c.tier, owner_type: c.ownerType }, c.count);
    },
  });
  new Gauge({
    name: 'vigil_relays_active',
    help: 'HLS relays running (one ffmpeg each)',
    registers: [registry],
    collect() {
      this.set(sources.activeRelays());
    },
  });
  new Gauge({
    name: 'vigil_stream_viewers',
    help: 'Live views with a player still requesting',
    registers: [registry],
    collect() {
      this.set(sources.activeViewers());
    },
  });
  const httpDuration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const relayRestarts = new Counter({ name: 'vigil_relay_restarts_total', help: 'Relay restarts by reason', labelNames: ['reason'] as const, registers: [registry] });
  const relayStartSeconds = new Histogram({
    name: 'vigil_relay_start_seconds',
    help: 'From starting ffmpeg to the first segment in the playlist',
    buckets: [0.5, 1, 1.5, 2, 3, 4, 6, 8, 12],
    registers: [registry],
  });
  const streamBytes = new Counter({ name: 'vigil_stream_bytes_total', help: 'Playlist and segment bytes served', registers: [registry] });
  return { registry, httpDuration, relayRestarts, relayStartSeconds, streamBytes };
}
