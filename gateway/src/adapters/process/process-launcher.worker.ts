import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import type { CaptureLimits, LauncherReply, LauncherRequest } from './process-launcher.js';

/**
 * Starts child processes away from the API's thread. Node's spawn blocks its thread until the
 * child has exec'd, and on a machine busy with 64 starting relays that was ~95 ms a child, all of
 * it stolen from API requests. Children start detached (their own process group) with stderr piped.
 */
const port = parentPort!;
const post = (reply: LauncherReply) => port.postMessage(reply);
// Enough of a broken child's complaints to diagnose it; the rest would only flood the log.
const MAX_LINES = 50;

/** The last `max` bytes of a stream, kept as it flows (chunks dropped from the front, joined once at the end). */
function tail(stream: Readable, max: number): () => Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (max <= 0) return;
    chunks.push(chunk);
    size += chunk.length;
    while (size - chunks[0]!.length >= max) size -= chunks.shift()!.length;
  });
  return () => Buffer.concat(chunks).subarray(-max);
}

/** A short-lived child's output, bounded, handed back with its exit. */
function capture(child: ChildProcessByStdio<null, Readable, Readable>, id: number, limits: CaptureLimits): void {
  const { maxBytes, overflow } = limits.stdout;
  const stderr = tail(child.stderr, limits.stderrBytes);
  const stdout = tail(child.stdout, overflow === 'keep-tail' ? maxBytes : maxBytes + 1);
  let size = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes && overflow === 'kill') killGroup(child.pid);
  });
  // 'close': both pipes are drained, so everything the child wrote is here.
  child.on('close', (code, signal) => {
    const overflowed = size > maxBytes;
    const kept = overflowed && overflow === 'kill' ? Buffer.alloc(0) : stdout();
    post({ type: 'exit', id, code, signal, output: { stdout: kept, stderr: stderr(), overflowed } });
  });
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid !== undefined) process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

port.on('message', (request: LauncherRequest) => {
  const env = request.env ? { ...process.env, ...request.env } : process.env;
  const child = spawn(request.command, request.args, { detached: true, env, stdio: ['ignore', request.capture ? 'pipe' : 'ignore', 'pipe'] });
  child.on('error', () => post({ type: 'exit', id: request.id, code: null, signal: null }));
  if (child.pid === undefined) return; // 'error' follows
  post({ type: 'spawn', id: request.id, pid: child.pid });
  if (request.capture) return capture(child as ChildProcessByStdio<null, Readable, Readable>, request.id, request.capture);
  let lines = 0;
  createInterface({ input: child.stderr! }).on('line', (text) => {
    if (lines++ < MAX_LINES) post({ type: 'line', id: request.id, text });
  });
  // 'close', not 'exit': every stderr line has been posted by then, so the last words come before the exit.
  child.on('close', (code, signal) => post({ type: 'exit', id: request.id, code, signal }));
});
