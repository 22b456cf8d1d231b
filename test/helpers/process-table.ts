import { readdirSync, readFileSync } from 'node:fs';

/** Every process whose command line contains `needle`, read from /proc (like `ps`). */
export function processesMatching(needle: string): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmdline.includes(needle) && Number(entry) !== process.pid) found.push({ pid: Number(entry), cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; it is gone in all that matters.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function parentOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  } catch {
    return null;
  }
}

/** Every living descendant of `pid` (children, grandchildren, …) with its command line. */
export function descendantsOf(pid: number): Array<{ pid: number; cmdline: string }> {
  const all = processesMatching('');
  const found: Array<{ pid: number; cmdline: string }> = [];
  let frontier = new Set([pid]);
  while (frontier.size > 0) {
    const next = new Set<number>();
    for (const p of all) {
      const parent = parentOf(p.pid);
      if (parent !== null && frontier.has(parent) && !found.some((f) => f.pid === p.pid)) {
        found.push(p);
        next.add(p.pid);
      }
    }
    frontier = next;
  }
  return found;
}

/**
 * Relay ffmpegs started by this process (each has VIGIL_RELAY=<relay key> in its environment),
 * for one relay key or all of them.
 */
export function relayProcesses(key?: string): Array<{ pid: number; key: string }> {
  const found: Array<{ pid: number; key: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parentOf(Number(entry)) !== process.pid) continue;
      const relay = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').find((v) => v.startsWith('VIGIL_RELAY='));
      const relayKey = relay?.slice('VIGIL_RELAY='.length);
      if (relayKey !== undefined && (key === undefined || relayKey === key)) found.push({ pid: Number(entry), key: relayKey });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
