import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildHlsArgv } from '../adapters/ffmpeg/hls-argv.js';
import { Fmp4FileTail, type FragmentRange } from '../adapters/ffmpeg/fmp4-file-tail.js';
import { isStalled, restartDelayMs, type BackoffPolicy } from '../domain/relay-policy.js';
import type { Tier } from '../domain/tier.js';
import type { Logger } from '../logging/logger.js';
import { fragmentFiles } from './fragment-files.js';
import type { AnswerCache } from './answer-cache.js';
import { LiveWindow } from './live-window.js';
import { relayDirName, writePidFile } from './relay-pid-files.js';
import type { AuthProxy } from '../adapters/rtsp/rtsp-auth-proxy.js';
import type { LaunchedProcess } from '../adapters/process/launched-process.js';
import type { ProcessLauncher } from '../adapters/process/process-launcher.js';

// How often a relay checks that its video still flows (a stall is a few target durations).
const WATCH_MS = 1000;

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
  /** Where the relays' folders and pid files are kept (tmpfs). */
  readonly root: string;
  readonly ffmpegPath: string;
  readonly gopSeconds: number;
  /** Longest LL-HLS part, in seconds. */
  readonly partTargetS: number;
  readonly socketTimeoutS: number;
  readonly playlistLength: number;
  readonly transcodeKbps: number;
  readonly stallFactor: number;
  readonly startTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  /** A relay that ran this long healthy starts its backoff over. */
  readonly healthyAfterMs: number;
  /** From this many relays starting at once, a new ffmpeg probes key frames only (see probeArgs). */
  readonly keyFrameProbeFromStarts: number;
}

/** What a relay knows of the others when it starts ffmpeg. */
export interface RelayLoad {
  /** Relays whose ffmpeg runs and has not given its first part yet. */
  startsInFlight(): number;
}

export interface RelayEvents {
  onReady(key: string, latencyMs: number): void;
  onRestart(key: string, reason: RestartReason): void;
}

type Waiter = { resolve: () => void; reject: (err: Error) => void };

/**
 * The camera (or the proxy on its behalf) answered ffmpeg's RTSP request with an error before the
 * first part: unreachable (502), wrong credentials (401, 403), no such stream (404). Waiting
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

/** ffmpeg's words when its probe ended without a picture size (no key frame decoded). */
export const PROBE_WITHOUT_PICTURE = /dimensions not set|Could not find codec parameters/;

/** ffmpeg's words when it re-times a copied frame, e.g. "Invalid DTS: 122400 PTS: 121480 in output stream 0:0, replacing by guess". */
const GUESSED_TIMING = /Invalid DTS: \d+ PTS: \d+ .*replacing by guess/;

/**
 * One camera profile's relay: one ffmpeg pulling the camera through the credential proxy and
 * writing fragmented MP4 files into the relay's folder on tmpfs, a subfolder per run; Vigil
 * follows them (Fmp4FileTail) and serves them as LL-HLS (LiveWindow);
 * restarted with backoff when it exits or stalls, until stopped. ffmpeg runs in its own process
 * group and dies with Vigil (PR_SET_PDEATHSIG).
 */
export class RelaySupervisor {
  lastRequestAt = Date.now();
  readonly window: LiveWindow;
  /** The relay's folder: one subfolder per ffmpeg run, emptied and removed when the relay stops. */
  readonly dir: string;
  #child: LaunchedProcess | null = null;
  #tail: Fmp4FileTail | null = null;
  #runs = 0;
  #stopped = false;
  #ready = false;
  #attempt = 0;
  #startedAt = 0;
  /** When this run's init segment came: ffmpeg reached the camera and is waiting for video. */
  #initAt = 0;
  #lastFragmentAt = 0;
  #codec: 'h264' | 'h265';
  #timer: NodeJS.Timeout | null = null;
  #restartTimer: NodeJS.Timeout | null = null;
  #waiters: Waiter[] = [];
  /** A key-frame probe found no key frame (a GOP longer than relay.gopSeconds): all frames from now on. */
  #keyFrameProbeFailed = false;
  /** What the camera answered when the last start failed; cleared by video. */
  #refusal: CameraAnsweredError | null = null;
  #pidFile: string | null = null;
  #release: (() => void) | null = null;

  constructor(
    readonly spec: RelaySpec,
    private readonly settings: RelaySettings,
    private readonly proxy: AuthProxy,
    private readonly launcher: ProcessLauncher,
    private readonly logger: Logger,
    private readonly events: RelayEvents,
    private readonly load: RelayLoad,
    answers: AnswerCache,
  ) {
    this.window = new LiveWindow({ gopSeconds: settings.gopSeconds, partTargetS: settings.partTargetS, playlistLength: settings.playlistLength }, fragmentFiles, answers);
    this.dir = path.join(settings.root, relayDirName(spec.key));
    this.#codec = spec.codec;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** ffmpeg runs and has not given this run's first part yet. */
  get starting(): boolean {
    return this.#child !== null && !this.#ready;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Someone is waiting for the first part: the relay is wanted even if no request arrived lately. */
  get awaited(): boolean {
    return this.#waiters.length > 0;
  }

  /**
   * Resolves once this run's first part is in the playlist (an LL-HLS player can start); rejects
   * after the start timeout, or at once while the relay waits out its backoff after the camera
   * turned the last start away (the next start is up to 30 s off: a viewer is told now, not after
   * the timeout).
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
        reject(new Error('relay did not produce video in time'));
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
   * A fresh folder for this run. Earlier runs' folders go, unless the playlist still lists some of
   * their parts (a restart keeps players going across a discontinuity): nothing stale is kept.
   */
  #newRunDir(): string {
    const runDir = path.join(this.dir, String(++this.#runs));
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const listed = this.window.listedFolders();
    for (const name of readdirSync(this.dir)) {
      const folder = path.join(this.dir, name);
      if (!listed.has(folder)) rmSync(folder, { recursive: true, force: true });
    }
    mkdirSync(runDir, { mode: 0o700 });
    return runDir;
  }

  #follow(runDir: string, child: LaunchedProcess): Fmp4FileTail {
    const tail = new Fmp4FileTail(runDir, {
      onInit: (bytes) => {
        if (this.#child !== child) return;
        this.#initAt = Date.now();
        this.window.beginRun(bytes);
      },
      onFragment: (range, durationS, independent) => {
        if (this.#child === child) this.#onFragment(range, durationS, independent);
      },
      onError: (err) => {
        if (this.#child !== child) return;
        this.logger.warn({ relay: this.spec.key, err: err.message }, 'relay output unreadable; restarting');
        this.#kill();
        this.#scheduleRestart('exit');
      },
    });
    tail.start();
    return tail;
  }

  #scheduleWatch(): void {
    this.#timer = setTimeout(() => {
      this.#watch();
      if (!this.#stopped) this.#scheduleWatch();
    }, WATCH_MS);
  }

  #spawn(): void {
    if (this.#stopped) return;
    const lease = this.proxy.lease({
      upstreamUrl: this.spec.upstreamUrl,
      username: this.spec.credentials?.username ?? null,
      password: this.spec.credentials?.password ?? null,
      onSdp: (sdp) => this.#onSdp(sdp),
    });
    this.#release = () => lease.release();
    const runDir = this.#newRunDir();
    // A burst of starts (a wall opening) is bound by CPU, and the probe's decoding is most of a
    // start's: then the cheaper probe, though its first part comes later (up to a GOP).
    const probe = !this.#keyFrameProbeFailed && this.load.startsInFlight() >= this.settings.keyFrameProbeFromStarts ? 'key-frames' : 'all-frames';
    const argv = buildHlsArgv({
      outputDir: runDir,
      inputUrl: lease.url,
      sourceCodec: this.#codec,
      transcodeToH264: this.spec.transcodeToH264 && this.#codec === 'h265',
      gopSeconds: this.settings.gopSeconds,
      partTargetS: this.settings.partTargetS,
      socketTimeoutS: this.settings.socketTimeoutS,
      transcodeKbps: this.settings.transcodeKbps,
      probe,
    });
    const child = this.launcher.launch('setpriv', ['--pdeathsig', 'SIGKILL', '--', this.settings.ffmpegPath, ...argv], {
      // Which relay an ffmpeg is, for whoever inspects the machine (ps e, /proc/<pid>/environ).
      env: { VIGIL_RELAY: this.spec.key },
    });
    this.#child = child;
    this.#ready = false;
    this.#startedAt = Date.now();
    this.#initAt = 0;
    this.#tail?.close();
    this.#tail = this.#follow(runDir, child);
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
      if (probe === 'key-frames' && !this.#keyFrameProbeFailed && PROBE_WITHOUT_PICTURE.test(line)) {
        this.#keyFrameProbeFailed = true;
        this.logger.info({ relay: this.spec.key, gopSeconds: this.settings.gopSeconds }, 'no key frame within the probe: this relay probes all frames from now on');
      }
      // The frames a key-frame probe skipped are timed from the frame rate: expected, not a fault.
      const expected = probe === 'key-frames' && !this.#ready && GUESSED_TIMING.test(line);
      // ffmpeg's own words go through the logger (redacted by value); a broken camera can be chatty.
      if (logged++ < 20) this.logger[expected ? 'debug' : 'warn']({ camera: this.spec.cameraId, relay: this.spec.key, ffmpeg: line.slice(0, 500) }, 'ffmpeg');
    });
    child.on('exit', (code, signal) => {
      if (this.#child !== child) return;
      // What ffmpeg wrote last (its last fragment goes out as it exits) is still served.
      this.#tail?.poll();
      this.#tail?.close();
      this.#tail = null;
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

  #onFragment(range: FragmentRange, durationS: number, independent: boolean): void {
    const now = Date.now();
    this.window.addFragment(range, durationS, independent);
    this.#lastFragmentAt = now;
    if (!this.#ready) {
      this.#ready = true;
      this.#refusal = null;
      this.events.onReady(this.spec.key, now - this.#startedAt);
      for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    }
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
    // In case a change notice was missed (or inotify's limits were reached).
    this.#tail?.poll();
    const now = Date.now();
    if (this.#ready) {
      if (isStalled(this.#lastFragmentAt, now, this.window.targetDuration, this.settings.stallFactor)) {
        this.logger.warn({ relay: this.spec.key }, 'relay stalled: no new video');
        this.#kill();
        this.#scheduleRestart('stall');
      }
    } else if (now - this.#startedAt > this.settings.startTimeoutMs && !this.#connected(now)) {
      this.#kill();
      this.#scheduleRestart('start-timeout');
    }
  }

  /**
   * A start past its timeout is killed only if ffmpeg has not reached the camera. On an overloaded
   * machine a slow start that has its init segment ends sooner than a restart after backoff would
   * (measured: restarts made a 64-tile wall's tail worse, not better). A start may take up to twice
   * the timeout this way; a silent camera sends nothing and is restarted as before.
   */
  #connected(now: number): boolean {
    return this.#initAt > 0 && now - this.#startedAt < 2 * this.settings.startTimeoutMs;
  }

  #kill(): void {
    const child = this.#child;
    this.#child = null;
    this.#tail?.close();
    this.#tail = null;
    this.#release?.();
    child?.kill('SIGKILL');
  }

  /** Stops for good: kills ffmpeg's process group, fails pending waiters, ends blocked requests. */
  async stop(): Promise<void> {
    this.#stopped = true;
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
    this.#tail?.close();
    this.#tail = null;
    this.#release?.();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('relay stopped'));
    this.window.close();
    rmSync(this.dir, { recursive: true, force: true });
    if (this.#pidFile) rmSync(this.#pidFile, { force: true });
  }
}
