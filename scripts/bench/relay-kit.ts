/**
 * Pieces the relay benchmarks share: opening a stream through Vigil, watching every simulated
 * camera once before measuring, and finding the gateway's ffmpeg children.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Farm } from '../sim/farm.js';
import { cpuSeconds, machineTicks, pssMiB } from './proc-stats.js';
import { api, type Gateway } from './gateway-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OpenedStream {
  /** Request → first playable playlist, in seconds; null when it failed. */
  seconds: number | null;
  url: string;
  apiSeconds: number | null;
  status: string;
}

/**
 * Asks for a camera's stream and waits until it can play: the playlist answered, and the init
 * segment and the first media it lists (an LL-HLS part, or a segment) fetched, as a player does
 * before its first frame.
 */
export async function openStream(g: Gateway, cameraId: string, profile: 'main' | 'sub'): Promise<OpenedStream> {
  const started = performance.now();
  const { url } = await api<{ url: string }>(g, 'GET', `/api/cameras/${cameraId}/stream?profile=${profile}`);
  const apiSeconds = (performance.now() - started) / 1000;
  const res = await fetch(g.base + url);
  const text = await res.text();
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
  const media = /URI="(part_\d+_\d+\.m4s)"/.exec(text)?.[1] ?? /^seg_\d+\.m4s$/m.exec(text)?.[0];
  let ok = res.ok && init !== undefined && media !== undefined;
  if (ok) {
    const fetched = await Promise.all([init!, media!].map((name) => fetch(g.base + url.replace('index.m3u8', name)).then(async (r) => r.ok && (await r.arrayBuffer()).byteLength > 0)));
    ok = fetched.every(Boolean);
  }
  return { seconds: ok ? (performance.now() - started) / 1000 : null, url, apiSeconds, status: `${res.status} ${res.ok ? '' : text.slice(0, 80)} after ${((performance.now() - started) / 1000).toFixed(1)} s` };
}

/**
 * One short session on every camera before measuring: the simulator's first session after its
 * start replays the key frame its stream prerolled with (stale, and a quick first segment that a
 * real camera would not give). Afterwards every session, Vigil's or bare, joins the live stream.
 */
export async function watchEachOnce(farm: Farm): Promise<void> {
  const queue = [...farm.cameras];
  const probe = async () => {
    for (let cam = queue.shift(); cam; cam = queue.shift()) {
      const url = cam.rtspUrl.replace('rtsp://', `rtsp://${cam.username}:${encodeURIComponent(cam.password)}@`);
      const child = spawn('ffprobe', ['-v', 'quiet', '-rtsp_transport', 'tcp', '-timeout', '5000000', url], { stdio: 'ignore' });
      await new Promise((resolve) => child.on('exit', resolve));
    }
  };
  await Promise.all(Array.from({ length: 8 }, probe));
}

/** Direct children of a process, optionally only those whose command line starts with `command`. */
export function childPids(parent: number, command?: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== parent) continue;
      if (command && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith(command)) continue;
      out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

/** The ffmpeg processes that are direct children of the gateway. */
export function relayPids(gatewayPid: number): number[] {
  return childPids(gatewayPid, 'ffmpeg');
}

/** CPU (% of one core) and PSS of a set of processes over `seconds`; `lead`'s own share reported apart. */
export async function measure(pids: () => number[], seconds: number, lead?: number): Promise<{ cpuPercent: number; leadCpuPercent: number; pss: number; busy: number }> {
  const before = new Map(pids().map((p) => [p, cpuSeconds(p)]));
  const m0 = machineTicks();
  await sleep(seconds * 1000);
  const m1 = machineTicks();
  let cpu = 0;
  let leadCpu = 0;
  let pss = 0;
  for (const p of pids()) {
    // A process that ended meanwhile reads 0: counted as nothing rather than as negative time.
    const used = Math.max(0, cpuSeconds(p) - (before.get(p) ?? cpuSeconds(p)));
    cpu += used;
    if (p === lead) leadCpu = used;
    pss += pssMiB(p);
  }
  return { cpuPercent: (cpu / seconds) * 100, leadCpuPercent: (leadCpu / seconds) * 100, pss, busy: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100 };
}
