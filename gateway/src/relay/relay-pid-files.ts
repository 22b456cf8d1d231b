import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A pid file per running relay ffmpeg, in the relay root (on tmpfs), so a Vigil that was killed
 * hard can kill, at its next boot, the ffmpegs it left behind. Each file holds the pid and the
 * process's start time: a pid reused since by an unrelated process has another start time.
 */

/** A relay's name on disk (its folder, its pid file): camera id and profile, both already validated. */
export function relayDirName(key: string): string {
  return key.replace(/[^A-Za-z0-9_-]/g, '_');
}

function pidFileName(key: string): string {
  return `${relayDirName(key)}.pid`;
}

/** When the process started, in clock ticks since boot (/proc/<pid>/stat, field 22); null when it is gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function writePidFile(root: string, key: string, pid: number): string {
  const file = path.join(root, pidFileName(key));
  writeFileSync(file, `${pid} ${processStartTime(pid) ?? ''}`.trim());
  return file;
}

/**
 * Orphans from a previous run that was killed hard: every process named by a pid file in the root
 * that is still the process that file was written for is killed; then the root is emptied (pid
 * files, and the relays' folders of fMP4 files).
 */
export function reapOrphans(root: string, kill: (pid: number) => void): number {
  if (!existsSync(root)) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    return 0;
  }
  let reaped = 0;
  for (const name of readdirSync(root)) {
    if (!name.endsWith('.pid')) continue;
    const [pidText, startedAt] = readFileSync(path.join(root, name), 'utf8').trim().split(' ');
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 1 || !startedAt) continue;
    if (processStartTime(pid) === startedAt) {
      kill(pid);
      reaped += 1;
    }
  }
  for (const name of readdirSync(root)) rmSync(path.join(root, name), { recursive: true, force: true });
  return reaped;
}
