import { execFile } from 'node:child_process';

export interface FfmpegAvailability {
  /** The first line of `ffmpeg -version`, or null when ffmpeg cannot be run. */
  version(): Promise<string | null>;
}

/**
 * Checks that ffmpeg runs, at most once per `ttlMs` (readiness probes come every few seconds;
 * a process spawn each time would be waste).
 */
export function ffmpegAvailability(ffmpegPath: string, ttlMs = 60_000, now: () => number = Date.now): FfmpegAvailability {
  let cached: { at: number; value: Promise<string | null> } | null = null;
  const run = () =>
    new Promise<string | null>((resolve) => {
      execFile(ffmpegPath, ['-hide_banner', '-version'], { timeout: 5000 }, (err, stdout) => {
        resolve(err ? null : (stdout.split('\n')[0] ?? '').trim() || null);
      });
    });
  return {
    version() {
      if (cached === null || now() - cached.at > ttlMs) cached = { at: now(), value: run() };
      return cached.value;
    },
  };
}
