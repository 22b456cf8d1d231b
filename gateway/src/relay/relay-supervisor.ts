import { rmSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { buildHlsArgv } from '../adapters/ffmpeg/hls-argv.js';
import { isStalled, restartDelayMs, type BackoffPolicy } from '../domain/relay-policy.js';
import type { Tier } from '../domain/tier.js';
import type { Logger } from '../logging/logger.js';
import { cleanDir, PlaylistFile, relayDirName, segmentWrittenRecently, writePidFile } from './relay-files.js';
import { SegmentCache } from './segment-cache.js';
import type { AuthProxy } from '../adapters/rtsp/rtsp-auth-proxy.js';
import type { LaunchedProcess } from '../adapters/process/launched-process.js';
import type { ProcessLauncher } from '../adapters/process/process-launcher.js';

// While starting, a file watch on the folder sees the first playlist at once; the poll is a fallback.
const WATCH_STARTING_MS = 500;
const WATCH_RUNNING_MS = 1000;
// A segment file written this recently means video is arriving.
const SEGMENT_FRESH_MS = 3000;
// Segments kept in memory per relay: the newest, which players are fetching, and two before it.
const CACHED_SEGMENTS = 3;

export type RestartReason = 'exit' | 'stall' | 'codec' | 'start-timeout';

export interface RelaySpec {
  /** `${cameraId}:${profile}:${mode}` */
  readonly key: string;
  readonly cameraId: string;
  readonly tier: Tier;
  readonly upstreamUrl: string;
  readonly credentials: { readonly username: string; readonly password: string } | null;
  /** What the catalog says; the camera's SDP has the last word. */
  readonly codec: 'h264' | 'h265';
  readonly transcodeToH264: boolean;
}

export interface RelaySettings {
  readonly root: string;
  readonly ffmpegPath: string;
  readonly gopSeconds: number;
  readonly socketTimeoutS: number;
  readonly playlistLength: number;
  readonly transcodeKbps: number;
  readonly stallFactor: number;
  readonly startTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  /** A relay that ran this long healthy starts its backoff over. */
  readonly healthyAfterMs: number;
}

export interface RelayEvents {
  onReady(key: string, latencyMs: number): void;
  onRestart(key: string, reason: RestartReason): void;
}

type Waiter = { resolve: () => void; reject: (err: Error) => void };

/**
 * The camera (or the proxy on its behalf) answered ffmpeg's RTSP request with an error before the
 * first segment: unreachable (502), wrong credentials (401, 403), no such stream (404). Waiting
 * out the start timeout would only keep the viewer from knowing; the relay still retries with
 * backoff, in case the camera comes back.
 */
export class CameraAnsweredError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
  ) {
    super(`the camera answered ${status} ${statusText}`);
  }
}

/** ffmpeg's words for an RTSP error answer, e.g. "[rtsp @ 0x…] method DESCRIBE failed: 401 Unauthorized". */
const RTSP_FAILURE = /method [A-Z_]+ failed: (\d{3}) ?(.*)$/;

/**
 * One camera profile's relay: one ffmpeg pulling the camera through the credential proxy and
 * writing HLS into its own folder, restarted with backoff when it exits or stalls, until
 * stopped. ffmpeg runs in its own process group and dies with Vigil (PR_SET_PDEATHSIG).
 */
export class RelaySupervisor {
  readonly dir: string;
  lastRequestAt = Date.now();
  readonly #playlist: PlaylistFile;
  readonly #segments: SegmentCache;
  #child: LaunchedProcess | null = null;
  #stopped = false;
  #ready = false;
  #attempt = 0;
  #startedAt = 0;
  #lastSegmentAt = 0;
  #lastSequence = -1;
  #codec: 'h264' | 'h265';
  #timer: NodeJS.Timeout | null = null;
  #restartTimer: NodeJS.Timeout | null = null;
  #waiters: Waiter[] = [];
  /** What the camera answered when the last start failed; cleared by a segment. */
  #refusal: CameraAnsweredError | null = null;
  #pidFile: string | null = null;
  #release: (() => void) | null = null;
  #startWatcher: FSWatcher | null = null;

  constructor(
    readonly spec: RelaySpec,
    private readonly settings: RelaySettings,
    private readonly proxy: AuthProxy,
    private readonly launcher: ProcessLauncher,
    private readonly logger: Logger,
    private readonly events: RelayEvents,
  ) {
    this.dir = path.join(settings.root, relayDirName(spec.key));
    this.#playlist = new PlaylistFile(path.join(this.dir, 'index.m3u8'));
    this.#segments = new SegmentCache(this.dir, CACHED_SEGMENTS);
    this.#codec = spec.codec;
  }

  /** The playlist as players get it; null before the first one or while restarting. */
  playlist(): Buffer | null {
    return this.#playlist.current()?.bytes ?? null;
  }

  /** A segment or init segment by its (already validated) name; rejects when there is no such file. */
  segment(name: string): Promise<Buffer> {
    return this.#segments.read(name, this.#playlist.current()?.bytes.includes(name) ?? false);
  }

  get ready(): boolean {
    return this.#ready;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Someone is waiting for the first segment: the relay is wanted even if no request arrived lately. */
  get awaited(): boolean {
    return this.#waiters.length > 0;
  }

  /**
   * Resolves once the playlist has its first segment; rejects after the start timeout, or at once
   * while the relay waits out its backoff after the camera turned the last start away (the next
   * start is up to 30 s off: a viewer is told now, not after the timeout).
   */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.#ready) return Promise.resolve();
    if (this.#refusal && this.#restartTimer) return Promise.reject(this.#refusal);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error('relay did not produce a segment in time'));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  start(): void {
    this.#stopped = false;
    this.#spawn();
    this.#scheduleWatch();
  }

  /**
   * The playlist is read on each change of it while a start is awaited (every 100 ms of delay is
   * start latency; polling 64 starting relays that often cost the API thread ~2 s at a wall's start)
   * and once a second after that: enough to see a stall of a few target durations.
   */
  #scheduleWatch(): void {
    this.#timer = setTimeout(() => {
      this.#watch();
      if (!this.#stopped) this.#scheduleWatch();
    }, this.#ready ? WATCH_RUNNING_MS : WATCH_STARTING_MS);
  }

  #spawn(): void {
    if (this.#stopped) return;
    // Every start begins from an empty folder: no stale segments from the last run.
    cleanDir(this.dir);
    this.#segments.clear();
    this.#watchForFirstSegment();
    const lease = this.proxy.lease({
      upstreamUrl: this.spec.upstreamUrl,
      username: this.spec.credentials?.username ?? null,
      password: this.spec.credentials?.password ?? null,
      onSdp: (sdp) => this.#onSdp(sdp),
    });
    this.#release = () => lease.release();
    const argv = buildHlsArgv({
      inputUrl: lease.url,
      outputDir: this.dir,
      sourceCodec: this.#codec,
      transcodeToH264: this.spec.transcodeToH264 && this.#codec === 'h265',
      gopSeconds: this.settings.gopSeconds,
      socketTimeoutS: this.settings.socketTimeoutS,
      playlistLength: this.settings.playlistLength,
      transcodeKbps: this.settings.transcodeKbps,
    });
    const child = this.launcher.launch('setpriv', ['--pdeathsig', 'SIGKILL', '--', this.settings.ffmpegPath, ...argv]);
    this.#child = child;
    this.#ready = false;
    this.#startedAt = Date.now();
    this.#lastSequence = -1;
    child.on('spawn', (pid) => {
      // A child replaced or stopped before its pid arrived is being killed: no pid file for it.
      if (this.#child !== child) return;
      if (this.#pidFile) rmSync(this.#pidFile, { force: true });
      this.#pidFile = writePidFile(this.settings.root, this.spec.key, pid);
    });
    let logged = 0;
    let refused: CameraAnsweredError | null = null;
    child.on('line', (line) => {
      const failure = RTSP_FAILURE.exec(line);
      if (failure && !refused) refused = new CameraAnsweredError(Number(failure[1]), failure[2]!.trim());
      // ffmpeg's own words go through the logger (redacted by value); a broken camera can be chatty.
      if (logged++ < 20) this.logger.warn({ camera: this.spec.cameraId, relay: this.spec.key, ffmpeg: line.slice(0, 500) }, 'ffmpeg');
    });
    child.on('exit', (code, signal) => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#release?.();
      if (this.#stopped) return;
      this.logger.info({ relay: this.spec.key, code, signal }, 'relay ffmpeg exited');
      if (!this.#ready) this.#refusal = refused;
      if (refused && !this.#ready) for (const waiter of this.#waiters.splice(0)) waiter.reject(refused);
      // ffmpeg 5.1 can exit 0 when a camera dies: any exit restarts.
      this.#scheduleRestart('exit');
    });
  }

  #watchForFirstSegment(): void {
    this.#closeStartWatcher();
    try {
      const watcher = watch(this.dir, (_event, file) => {
        if (file === 'index.m3u8' && !this.#ready) this.#watch();
      });
      watcher.on('error', () => this.#closeStartWatcher());
      this.#startWatcher = watcher;
    } catch {
      // No watch (inotify limits): the poll still finds the playlist.
    }
  }

  #closeStartWatcher(): void {
    this.#startWatcher?.close();
    this.#startWatcher = null;
  }

  #onSdp(sdp: string): void {
    const detected = /a=rtpmap:\d+\s+(H265|HEVC)\//i.test(sdp) ? 'h265' : /a=rtpmap:\d+\s+H264\//i.test(sdp) ? 'h264' : null;
    if (detected && detected !== this.#codec) {
      this.logger.info({ relay: this.spec.key, catalog: this.#codec, detected }, 'camera codec differs from the catalog; restarting');
      this.#codec = detected;
      this.#attempt = 0;
      this.#kill();
      this.events.onRestart(this.spec.key, 'codec');
    }
  }

  #scheduleRestart(reason: RestartReason): void {
    if (this.#stopped || this.#restartTimer) return;
    if (reason !== 'codec') this.events.onRestart(this.spec.key, reason);
    if (this.#startedAt && Date.now() - this.#startedAt > this.settings.healthyAfterMs) this.#attempt = 0;
    this.#attempt += 1;
    const delay = reason === 'codec' ? 0 : restartDelayMs(this.#attempt, this.settings.backoff, Math.random);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.#spawn();
    }, delay);
  }

  #watch(): void {
    if (this.#stopped || !this.#child) return;
    const playlist = this.#playlist.current();
    const now = Date.now();
    if (playlist && playlist.segments > 0) {
      const sequence = playlist.mediaSequence + playlist.segments;
      if (sequence !== this.#lastSequence) {
        this.#lastSequence = sequence;
        this.#lastSegmentAt = now;
      }
      if (!this.#ready) {
        this.#ready = true;
        this.#refusal = null;
        this.#closeStartWatcher();
        this.events.onReady(this.spec.key, now - this.#startedAt);
        for (const waiter of this.#waiters.splice(0)) waiter.resolve();
      } else if (isStalled(this.#lastSegmentAt, now, playlist.targetDuration, this.settings.stallFactor)) {
        this.logger.warn({ relay: this.spec.key }, 'relay stalled: no new segment');
        this.#kill();
        this.#scheduleRestart('stall');
      }
    } else if (now - this.#startedAt > this.settings.startTimeoutMs && !this.#receivingVideo(now)) {
      this.#kill();
      this.#scheduleRestart('start-timeout');
    }
  }

  /**
   * A start past its timeout is killed only if no video is arriving. On an overloaded machine a
   * slow start that is writing its first segment ends sooner than a restart after backoff would
   * (measured: restarts made a 64-tile wall's tail worse, not better). A start may take up to
   * twice the timeout this way; a silent camera writes no segment and is restarted as before.
   */
  #receivingVideo(now: number): boolean {
    return now - this.#startedAt < 2 * this.settings.startTimeoutMs && segmentWrittenRecently(this.dir, now, SEGMENT_FRESH_MS);
  }

  #kill(): void {
    const child = this.#child;
    this.#child = null;
    this.#release?.();
    child?.kill('SIGKILL');
  }

  /** Stops for good: kills ffmpeg's process group, removes the folder, fails pending waiters. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#closeStartWatcher();
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#timer = null;
    this.#restartTimer = null;
    const child = this.#child;
    if (child && !child.exited) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(force);
    }
    this.#child = null;
    this.#release?.();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('relay stopped'));
    this.#segments.clear();
    rmSync(this.dir, { recursive: true, force: true });
    if (this.#pidFile) rmSync(this.#pidFile, { force: true });
  }
}
