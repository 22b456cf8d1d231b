import { rmSync } from 'node:fs';
import { decideUnderCap, isIdle, takeStartToken, type StartBucket } from '../domain/relay-policy.js';
import { VigilError } from '../domain/errors.js';
import type { Logger } from '../logging/logger.js';
import { AnswerCache } from './answer-cache.js';
import { KEPT_ANSWERS } from './live-window.js';
import { reapOrphans } from './relay-pid-files.js';
import { RelaySupervisor, type RelayEvents, type RelayLoad, type RelaySettings, type RelaySpec } from './relay-supervisor.js';
import { ThreadedRtspAuthProxy } from '../adapters/rtsp/rtsp-proxy-thread.js';
import type { ProcessLauncher } from '../adapters/process/process-launcher.js';

export interface RelayLimits {
  /** Most relays at once; at the cap, higher tiers displace lower ones. */
  readonly maxRelays: number;
  /** Most H.265 → H.264 transcodes at once (each costs a good part of a core). */
  readonly maxTranscodes: number;
  readonly startsPerSecond: number;
  readonly startBurst: number;
  readonly idleMs: number;
  /** Bytes of parts and segments kept for other viewers, all relays together. */
  readonly answerCacheBytes: number;
}

/**
 * All relays of the gateway: one per camera, profile and codec mode, shared by every viewer.
 * Starts them on demand under a start-rate limit and a cap, stops idle ones, and at boot kills
 * whatever a previous, hard-killed run left behind.
 */
export class RelayManager {
  readonly #relays = new Map<string, RelaySupervisor>();
  readonly #proxy: ThreadedRtspAuthProxy;
  #bucket: StartBucket;
  #sweeper: NodeJS.Timeout | null = null;
  /** The answers every relay keeps for its other viewers, within one budget. */
  readonly #answers: AnswerCache;
  readonly #load: RelayLoad = { startsInFlight: () => [...this.#relays.values()].filter((r) => r.starting).length };

  constructor(
    private readonly settings: RelaySettings,
    private readonly limits: RelayLimits,
    private readonly launcher: ProcessLauncher,
    private readonly logger: Logger,
    private readonly events: RelayEvents,
  ) {
    this.#bucket = { tokens: limits.startBurst, atMs: Date.now() };
    this.#answers = new AnswerCache(limits.answerCacheBytes, KEPT_ANSWERS);
    this.#proxy = new ThreadedRtspAuthProxy(logger);
  }

  async start(): Promise<void> {
    const reaped = reapOrphans(this.settings.root, (pid) => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    });
    if (reaped > 0) this.logger.warn({ reaped }, 'killed relays left by a previous run');
    await this.#proxy.start();
    this.#sweeper = setInterval(() => void this.#stopIdle(), 1000);
  }

  get size(): number {
    return this.#relays.size;
  }

  get(key: string): RelaySupervisor | undefined {
    return this.#relays.get(key);
  }

  pids(): number[] {
    return [...this.#relays.values()].map((r) => r.pid).filter((p): p is number => p !== undefined);
  }

  /** The running relay for `spec`, started if needed; marks it as just requested. */
  async open(spec: RelaySpec): Promise<RelaySupervisor> {
    const existing = this.#relays.get(spec.key);
    if (existing) {
      existing.lastRequestAt = Date.now();
      return existing;
    }
    if (spec.transcodeToH264 && spec.codec === 'h265') {
      const transcodes = [...this.#relays.values()].filter((r) => r.spec.transcodeToH264 && r.spec.codec === 'h265').length;
      if (transcodes >= this.limits.maxTranscodes) throw new VigilError('STREAM_CAPACITY', 'too many transcodes running; ask for the original codec');
    }
    const decision = decideUnderCap(
      [...this.#relays.values()].map((r) => ({ key: r.spec.key, tier: r.spec.tier, lastRequestAtMs: r.lastRequestAt })),
      this.limits.maxRelays,
      spec.tier,
    );
    if (!decision.start) throw new VigilError('STREAM_CAPACITY', 'the relay cap is reached');
    if (decision.evict) await this.close(decision.evict);
    // A wall opening 64 tiles at once starts them at a steady pace, not all in the same instant.
    for (;;) {
      const taken = takeStartToken(this.#bucket, Date.now(), this.limits.startsPerSecond, this.limits.startBurst);
      this.#bucket = taken.bucket;
      if (taken.waitMs === 0) break;
      await new Promise((resolve) => setTimeout(resolve, taken.waitMs));
    }
    const raced = this.#relays.get(spec.key);
    if (raced) return raced;
    const relay = new RelaySupervisor(spec, this.settings, this.#proxy, this.launcher, this.logger, this.events, this.#load, this.#answers);
    this.#relays.set(spec.key, relay);
    relay.start();
    return relay;
  }

  async close(key: string): Promise<void> {
    const relay = this.#relays.get(key);
    if (!relay) return;
    this.#relays.delete(key);
    await relay.stop();
  }

  async #stopIdle(): Promise<void> {
    const now = Date.now();
    for (const relay of [...this.#relays.values()]) {
      if (!relay.awaited && isIdle(relay.lastRequestAt, now, this.limits.idleMs)) {
        this.logger.info({ relay: relay.spec.key }, 'relay idle: stopping');
        await this.close(relay.spec.key);
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    await Promise.all([...this.#relays.keys()].map((key) => this.close(key)));
    await this.#proxy.stop();
    // Every relay has removed its folder; the root goes too, or each data folder a test or a demo
    // ever used would leave an empty one on tmpfs.
    rmSync(this.settings.root, { recursive: true, force: true });
  }
}
