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
  /** The file as ffmpeg wrote it, served to players as it is. */
  readonly bytes: Buffer;
}

/** What a playlist's text says. */
export function parsePlaylist(bytes: Buffer): PlaylistState {
  const text = bytes.toString('utf8');
  return {
    segments: text.split('\n').filter((l) => /^seg_\d{6}\.(ts|m4s)$/.test(l.trim())).length,
    mediaSequence: Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0),
    targetDuration: Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1] ?? 2),
    bytes,
  };
}

/**
 * A relay's playlist, read again only when ffmpeg has replaced it. ffmpeg writes a live playlist
 * to a temporary file and renames it, so a new inode or mtime means new content. Players ask for
 * the playlist every second or two: answering from here costs one stat on tmpfs, on the API thread,
 * instead of a file read that queued in libuv's 4-thread pool behind segment reads (hundreds of
 * milliseconds under a 200-viewer load).
 */
export class PlaylistFile {
  #seen = '';
  #state: PlaylistState | null = null;

  constructor(readonly file: string) {}

  /** What the playlist says now, or null when ffmpeg has not written one (yet). */
  current(): PlaylistState | null {
    let version: string;
    try {
      const stat = statSync(this.file);
      version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      this.#state = null;
      this.#seen = '';
      return null;
    }
    if (version === this.#seen && this.#state) return this.#state;
    try {
      this.#state = parsePlaylist(readFileSync(this.file));
      this.#seen = version;
    } catch {
      return null;
    }
    return this.#state;
  }
}

/** What the playlist in `dir` says now, or null when ffmpeg has not written one yet. */
export function readPlaylist(dir: string): PlaylistState | null {
  return new PlaylistFile(path.join(dir, 'index.m3u8')).current();
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
