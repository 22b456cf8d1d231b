import type { ProcessLauncher } from '../adapters/process/process-launcher.js';
import type { RtspAuthProxy } from '../adapters/rtsp/rtsp-auth-proxy.js';
import { buildMediaCheckArgv, parseMediaCheckOutput, type MediaFindings } from '../adapters/ffmpeg/media-check-argv.js';
import type { ProbeReason } from '../domain/health-state.js';
import type { StepResult } from '../domain/probe-result.js';
import type { Logger } from '../logging/logger.js';

export interface MediaCheckTarget {
  readonly cameraId: string;
  readonly upstreamUrl: string;
  readonly username: string | null;
  readonly password: string | null;
}

export interface MediaCheckSettings {
  readonly ffmpegPath: string;
  readonly sampleSeconds: number;
  readonly minDurationSeconds: number;
  readonly socketTimeoutS: number;
}

/**
 * Judges the picture from findings. Black is tested before frozen (a black picture is also
 * still); either must cover most of what was decoded, so a camera that paused for a moment is
 * not called frozen.
 */
export function pictureVerdict(f: MediaFindings, minDurationSeconds: number): { ok: true } | { ok: false; reason: ProbeReason } {
  if (f.frames === 0) return { ok: false, reason: 'no_video' };
  const most = Math.max(minDurationSeconds, 0.7 * f.decodedSeconds);
  if (f.blackSeconds >= most) return { ok: false, reason: 'black' };
  if (f.frozenSeconds >= most) return { ok: false, reason: 'frozen' };
  return { ok: true };
}

/**
 * The ladder's slowest step: a few seconds of real video through ffmpeg. ffmpeg opens the
 * credential proxy's loopback address, never the camera's credentials, so they stay out of
 * /proc/<pid>/cmdline; it dies with Vigil (PR_SET_PDEATHSIG through setpriv), and it is started
 * from a launcher thread so its fork and exec do not hold up the API.
 */
export class MediaChecker {
  constructor(
    private readonly settings: MediaCheckSettings,
    private readonly proxy: RtspAuthProxy,
    private readonly launcher: ProcessLauncher,
    private readonly logger: Logger,
  ) {}

  async check(target: MediaCheckTarget): Promise<StepResult> {
    const started = performance.now();
    const lease = this.proxy.lease({ upstreamUrl: target.upstreamUrl, username: target.username, password: target.password });
    try {
      const argv = buildMediaCheckArgv({
        inputUrl: lease.url,
        sampleSeconds: this.settings.sampleSeconds,
        minDurationSeconds: this.settings.minDurationSeconds,
        socketTimeoutS: this.settings.socketTimeoutS,
      });
      const { progress, log, timedOut } = await this.#run(argv);
      const ms = Math.round(performance.now() - started);
      if (/401 Unauthorized/.test(log)) return { step: 'media', ok: false, reason: 'auth_failed', ms, message: 'the camera refused the credentials' };
      const findings = parseMediaCheckOutput(progress, log);
      const verdict = pictureVerdict(findings, this.settings.minDurationSeconds);
      if (!verdict.ok) {
        const reason = verdict.reason === 'no_video' && timedOut ? 'timeout' : verdict.reason;
        if (reason === 'no_video' || reason === 'timeout') this.logger.debug({ camera: target.cameraId, ffmpeg: log.slice(-500) }, 'media check got no video');
        return { step: 'media', ok: false, reason, ms, message: `${findings.frames} frames, ${findings.frozenSeconds.toFixed(1)} s still, ${findings.blackSeconds.toFixed(1)} s black` };
      }
      return { step: 'media', ok: true, ms, detail: { frames: findings.frames } };
    } finally {
      lease.release();
    }
  }

  async #run(argv: string[]): Promise<{ progress: string; log: string; timedOut: boolean }> {
    const limit = (this.settings.sampleSeconds + this.settings.socketTimeoutS * 2 + 5) * 1000;
    // Bounded: a camera that trickles data cannot keep a check (or its memory) forever.
    const result = await this.launcher.run(
      'setpriv',
      ['--pdeathsig', 'SIGKILL', '--', this.settings.ffmpegPath, ...argv],
      { stdout: { maxBytes: 8192, overflow: 'keep-tail' }, stderrBytes: 16_384 },
      limit,
    );
    return { progress: result.stdout.toString('latin1'), log: result.stderr.toString('latin1'), timedOut: result.timedOut };
  }
}
