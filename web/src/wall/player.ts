// The light build: no subtitles, alternate audio or DRM — a wall needs none of them.
import Hls, { type ErrorData } from 'hls.js/light';
import { bufferedAhead, paceRate } from './buffer-pacer';

export type PlayerEngine = 'native' | 'hls.js';

export interface PlayerOptions {
  /** Called when the picture first moves. */
  readonly onPlaying?: () => void;
  /** Called once the player gives up (after its own recovery attempts). */
  readonly onFatal: (reason: string) => void;
  /** Walls keep little buffer (many tiles, live edge); a focused tile may keep more. */
  readonly bufferSeconds: number;
  /**
   * Play LL-HLS parts (default): a stream just started plays from its first part, ~0.5 s of video,
   * instead of its first whole segment. A stream that has been running (a wall's prewarmed next
   * page) has whole segments: playing those starts sooner (one request, not one per part) and
   * asks the gateway for about a quarter of the requests.
   */
  readonly lowLatency?: boolean;
  /** Force an engine (tests, diagnostics); default: hls.js over Media Source where it runs, native HLS elsewhere. */
  readonly engine?: PlayerEngine | undefined;
}

const MAX_NETWORK_RETRIES = 3;
const STALL_MS = 12_000;

/**
 * One live HLS stream in one <video>. Native HLS where the browser plays it, hls.js over Media
 * Source otherwise; network errors are retried and media errors recovered a bounded number of
 * times, then onFatal. destroy() releases everything (hls.js instance, media source, timers), so
 * hours of wall rotation do not accumulate players.
 */
export class LivePlayer {
  readonly engine: PlayerEngine;
  #hls: Hls | null = null;
  #watchdog: number | null = null;
  #lastTime = -1;
  #lastProgressAt = performance.now();
  #networkRetries = 0;
  #mediaRecoveries = 0;
  #destroyed = false;

  constructor(
    readonly video: HTMLVideoElement,
    readonly url: string,
    private readonly options: PlayerOptions,
  ) {
    // Safari and iOS play HLS themselves (iPhones have no Media Source): native there. Chromium
    // now also answers canPlayType('application/vnd.apple.mpegurl'), but its player gives no hold
    // on buffers or recovery and started slower on a 9-tile wall (measured: 6 of 9 tiles moving
    // after 8 s, against 9 of 9 with hls.js), so where hls.js runs, hls.js plays.
    const native = video.canPlayType('application/vnd.apple.mpegurl') !== '';
    this.engine = options.engine ?? (Hls.isSupported() || !native ? 'hls.js' : 'native');
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;
  }

  start(): void {
    if (this.engine === 'hls.js') this.#startHlsJs();
    else this.#startNative();
    // A stream that stops moving without an error event (camera gone quiet) is a failure too.
    this.#watchdog = window.setInterval(() => {
      const t = this.video.currentTime;
      if (t !== this.#lastTime) {
        this.#lastTime = t;
        this.#lastProgressAt = performance.now();
      } else if (performance.now() - this.#lastProgressAt > STALL_MS) {
        this.#fail('stalled');
      }
    }, 1000);
    const onTime = () => {
      if (this.video.currentTime <= 0) return;
      this.video.removeEventListener('timeupdate', onTime);
      this.options.onPlaying?.();
    };
    this.video.addEventListener('timeupdate', onTime);
    this.video.addEventListener('timeupdate', this.#pace);
  }

  #startNative(): void {
    this.video.src = this.url;
    this.video.addEventListener('error', () => {
      if (this.#networkRetries++ < MAX_NETWORK_RETRIES) {
        window.setTimeout(() => {
          if (this.#destroyed) return;
          this.video.src = this.url;
          void this.video.play().catch(() => undefined);
        }, 1000 * this.#networkRetries);
      } else this.#fail('media error');
    });
    void this.video.play().catch(() => undefined);
  }

  #startHlsJs(): void {
    const hls = new Hls({
      // Live walls: stay near the live edge and keep buffers small and bounded.
      maxBufferLength: this.options.bufferSeconds,
      maxMaxBufferLength: this.options.bufferSeconds * 2,
      backBufferLength: 0,
      liveSyncDurationCount: 2,
      liveMaxLatencyDurationCount: 5,
      enableWorker: true,
      lowLatencyMode: this.options.lowLatency ?? true,
      manifestLoadingMaxRetry: 2,
      fragLoadingMaxRetry: 2,
    });
    this.#hls = hls;
    hls.on(Hls.Events.ERROR, (_event, data: ErrorData) => {
      // Vigil answers a playlist 503 only once it knows the camera cannot stream now (it waited
      // for the start, or the camera turned the relay away): hls.js's retries would only hold a
      // wall's tile on a dead camera for ~15 s more before the wall's own retry and replacement.
      const playlist = data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR || data.details === Hls.ErrorDetails.LEVEL_LOAD_ERROR;
      if (playlist && data.response?.code === 503) {
        this.#fail('stream unavailable');
        return;
      }
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR && this.#networkRetries++ < MAX_NETWORK_RETRIES) {
        window.setTimeout(() => this.#destroyed || hls.startLoad(), 1000 * this.#networkRetries);
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR && this.#mediaRecoveries++ < 2) {
        hls.recoverMediaError();
      } else {
        this.#fail(`${data.type}: ${data.details}`);
      }
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => void this.video.play().catch(() => undefined));
    hls.loadSource(this.url);
    hls.attachMedia(this.video);
  }

  /** Slower until some video is buffered ahead (see buffer-pacer.ts). */
  readonly #pace = () => {
    const rate = paceRate(bufferedAhead(this.video.buffered, this.video.currentTime), this.video.playbackRate);
    if (rate !== this.video.playbackRate) this.video.playbackRate = rate;
  };

  #fail(reason: string): void {
    if (this.#destroyed) return;
    this.destroy();
    this.options.onFatal(reason);
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.video.removeEventListener('timeupdate', this.#pace);
    if (this.#watchdog !== null) window.clearInterval(this.#watchdog);
    this.#hls?.destroy();
    this.#hls = null;
    this.video.pause();
    this.video.removeAttribute('src');
    this.video.load();
  }
}
