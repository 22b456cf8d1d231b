import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface CameraCount {
  readonly lifecycle: string;
  readonly tier: string;
  readonly ownerType: string;
  readonly count: number;
}

/** One monitored camera's health, for the health gauges (no camera label leaves this file). */
export interface HealthSample {
  readonly state: string;
  readonly tier: string;
  readonly ownerType: string;
}

export interface MetricSources {
  cameraCounts(): Promise<readonly CameraCount[]>;
  healthSamples(): Iterable<HealthSample>;
  activeRelays(): number;
  activeViewers(): number;
}

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly relayRestarts: Counter<'reason'>;
  readonly relayStartSeconds: Histogram;
  readonly streamBytes: Counter;
  readonly probeSeconds: Histogram<'step'>;
  readonly probes: Counter<'step' | 'result'>;
  readonly ticketsOpened: Counter<'owner_type'>;
}

/**
 * The one metrics registry of the app (not prom-client's global one, so two apps in one test
 * process do not collide). Labels are bounded sets only: no camera, user or IP labels.
 */
export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  // The event-loop lag monitor wakes the loop at this precision: 10 ms (the default) costs ~1.5 % of a core when idle.
  collectDefaultMetrics({ register: registry, prefix: 'vigil_', eventLoopMonitoringPrecision: 100 });
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
    help: 'From starting ffmpeg to the first LL-HLS part in the playlist',
    buckets: [0.5, 1, 1.5, 2, 3, 4, 6, 8, 12],
    registers: [registry],
  });
  const streamBytes = new Counter({ name: 'vigil_stream_bytes_total', help: 'Playlist, segment and part bytes served', registers: [registry] });
  registerHealthGauges(registry, sources);
  const probeSeconds = new Histogram({
    name: 'vigil_probe_duration_seconds',
    help: 'Health probe step duration by step (tcp, rtsp, onvif, media)',
    labelNames: ['step'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const probes = new Counter({ name: 'vigil_probes_total', help: 'Health probe steps by step and result (ok or reason code)', labelNames: ['step', 'result'] as const, registers: [registry] });
  const ticketsOpened = new Counter({ name: 'vigil_repair_tickets_opened_total', help: 'Repair tickets opened, by owner type', labelNames: ['owner_type'] as const, registers: [registry] });
  return { registry, httpDuration, relayRestarts, relayStartSeconds, streamBytes, probeSeconds, probes, ticketsOpened };
}

/** Cameras by health state, and the online rate now by owner type and by tier. */
function registerHealthGauges(registry: Registry, sources: MetricSources): void {
  new Gauge({
    name: 'vigil_camera_health',
    help: 'Approved cameras by health state, tier in force and owner type',
    labelNames: ['state', 'tier', 'owner_type'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, { labels: { state: string; tier: string; owner_type: string }; n: number }>();
      for (const s of sources.healthSamples()) {
        const key = `${s.state}|${s.tier}|${s.ownerType}`;
        const entry = counts.get(key) ?? { labels: { state: s.state, tier: s.tier, owner_type: s.ownerType }, n: 0 };
        entry.n += 1;
        counts.set(key, entry);
      }
      for (const { labels, n } of counts.values()) this.set(labels, n);
    },
  });
  const rateGauge = (name: string, help: string, label: 'owner_type' | 'tier', pick: (s: HealthSample) => string) =>
    new Gauge({
      name,
      help,
      labelNames: [label] as const,
      registers: [registry],
      collect() {
        this.reset();
        const tally = new Map<string, { online: number; counted: number }>();
        for (const s of sources.healthSamples()) {
          if (s.state !== 'online' && s.state !== 'degraded' && s.state !== 'offline') continue;
          const t = tally.get(pick(s)) ?? { online: 0, counted: 0 };
          t.counted += 1;
          if (s.state === 'online') t.online += 1;
          tally.set(pick(s), t);
        }
        for (const [value, t] of tally) this.set({ [label]: value } as Record<typeof label, string>, t.online / t.counted);
      },
    });
  rateGauge('vigil_online_rate', 'Online rate now (online ÷ online, degraded and offline) by owner type', 'owner_type', (s) => s.ownerType);
  rateGauge('vigil_online_rate_by_tier', 'Online rate now by tier in force', 'tier', (s) => s.tier);
}
