import { assertNoCredentials } from './hls-argv.js';

/**
 * The ffmpeg command line of a media check, as a pure value: read a few seconds of a camera's
 * video, decode it small, and let `freezedetect` and `blackdetect` judge the picture. Frame counts
 * come from `-progress` on stdout; the detectors' findings from the log on stderr.
 */
export interface MediaCheckSettings {
  /** rtsp:// without credentials (the credential proxy's address). */
  readonly inputUrl: string;
  /** Seconds of video to read. */
  readonly sampleSeconds: number;
  /** How long a still or black picture must last to count, in seconds. */
  readonly minDurationSeconds: number;
  readonly socketTimeoutS: number;
}

/**
 * Reading one camera through the credential proxy for a short look (media checks, snapshots):
 * RTSP over TCP only, a socket timeout, a small probe. Refuses an address with credentials.
 */
export function proxyInputArgv(inputUrl: string, socketTimeoutS: number): string[] {
  assertNoCredentials(inputUrl);
  return [
    '-protocol_whitelist', 'rtsp,tcp',
    '-rtsp_transport', 'tcp',
    '-timeout', String(Math.round(socketTimeoutS * 1_000_000)),
    '-probesize', '500000', '-analyzeduration', '1000000',
    '-i', inputUrl,
  ];
}

export function buildMediaCheckArgv(s: MediaCheckSettings): string[] {
  const d = s.minDurationSeconds;
  // Scaling first makes both detectors cheap; -60 dB (0.001) of mean difference is "no change".
  const filters = `scale=320:-2,freezedetect=n=-60dB:d=${d},blackdetect=d=${d}:pic_th=0.98:pix_th=0.10`;
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    ...proxyInputArgv(s.inputUrl, s.socketTimeoutS),
    '-t', String(s.sampleSeconds),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', filters,
    '-f', 'null', '-',
    '-progress', 'pipe:1',
  ];
}

export interface MediaFindings {
  /** Frames decoded; 0 means no video arrived. */
  readonly frames: number;
  /** Seconds of the sample (from the first decoded frame) that were still. */
  readonly frozenSeconds: number;
  readonly blackSeconds: number;
  /** Seconds of video decoded, from the last progress report. */
  readonly decodedSeconds: number;
}

/**
 * Reads ffmpeg's progress (stdout) and log (stderr) of a media check. A freeze or black run
 * without its end marker lasted until the end of the sample.
 */
export function parseMediaCheckOutput(progress: string, log: string): MediaFindings {
  const lastNumber = (pattern: RegExp, text: string) => {
    const all = [...text.matchAll(pattern)];
    return all.length > 0 ? Number(all[all.length - 1]![1]) : 0;
  };
  const frames = lastNumber(/^frame=(\d+)/gm, progress);
  const outUs = lastNumber(/^out_time_us=(-?\d+)/gm, progress);
  const decodedSeconds = Math.max(0, outUs / 1_000_000);
  return { frames, decodedSeconds, frozenSeconds: runSeconds(log, 'freeze', decodedSeconds), blackSeconds: runSeconds(log, 'black', decodedSeconds) };
}

/** Total seconds of freeze_* or black_* runs in the log, an open run ending at `end`. */
function runSeconds(log: string, kind: 'freeze' | 'black', end: number): number {
  const starts = [...log.matchAll(new RegExp(`${kind}_start:\\s*(-?[\\d.]+)`, 'g'))].map((m) => Number(m[1]));
  const ends = [...log.matchAll(new RegExp(`${kind}_end:\\s*(-?[\\d.]+)`, 'g'))].map((m) => Number(m[1]));
  let total = 0;
  starts.forEach((start, i) => {
    const stop = ends[i] ?? Math.max(start, end);
    total += Math.max(0, stop - start);
  });
  return total;
}
