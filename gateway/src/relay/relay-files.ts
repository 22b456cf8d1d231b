import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Names a relay folder may contain: the playlist, an fMP4 init segment, numbered segments. */
export const SEGMENT_FILE = /^(?:index\.m3u8|init\.mp4|seg_\d{6}\.(?:ts|m4s))$/;

/** A relay's output folder name: camera id and profile, both already validated. */
export function relayDirName(key: string): string {
  return key.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function cleanDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export interface PlaylistState {
  readonly segments: number;
  readonly mediaSequence: number;
  readonly targetDuration: number;
  readonly mtimeMs: number;
}

/** What the playlist says now, or null when ffmpeg has not written one yet. */
export function readPlaylist(dir: string): PlaylistState | null {
  const file = path.join(dir, 'index.m3u8');
  try {
    const text = readFileSync(file, 'utf8');
    const segments = text.split('\n').filter((l) => /^seg_\d{6}\.(ts|m4s)$/.test(l.trim())).length;
    return {
      segments,
      mediaSequence: Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0),
      targetDuration: Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1] ?? 2),
      mtimeMs: statSync(file).mtimeMs,
    };
  } catch {
    return null;
  }
}

/**
 * Whether ffmpeg wrote a segment file within `withinMs`: video is arriving even though no segment
 * is listed yet (on a machine busy with dozens of starts, the first one can take a while).
 */
export function segmentWrittenRecently(dir: string, now: number, withinMs: number): boolean {
  try {
    return readdirSync(dir).some((name) => /^seg_\d{6}\.(?:ts|m4s)$/.test(name) && now - statSync(path.join(dir, name)).mtimeMs < withinMs);
  } catch {
    return false;
  }
}

/**
 * Orphans from a previous run that was killed hard: every ffmpeg whose pid file is in the relay
 * root and whose command line still names that root is killed, and every folder removed.
 */
export function reapOrphans(root: string, kill: (pid: number) => void): number {
  if (!existsSync(root)) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    return 0;
  }
  let reaped = 0;
  for (const name of readdirSync(root)) {
    if (!name.endsWith('.pid')) continue;
    const pid = Number(readFileSync(path.join(root, name), 'utf8'));
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      // The pid may have been reused by an unrelated process: only ours name the relay root.
      if (cmdline.includes(root)) {
        kill(pid);
        reaped += 1;
      }
    } catch {
      // Already gone.
    }
  }
  for (const name of readdirSync(root)) rmSync(path.join(root, name), { recursive: true, force: true });
  return reaped;
}

export function writePidFile(root: string, key: string, pid: number): string {
  const file = path.join(root, `${relayDirName(key)}.pid`);
  writeFileSync(file, String(pid));
  return file;
}
