import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parentPort } from 'node:worker_threads';
import type { LauncherReply, LauncherRequest } from './process-launcher.js';

/**
 * Starts child processes away from the API's thread. Node's spawn blocks its thread until the
 * child has exec'd, and on a machine busy with 64 starting relays that was ~95 ms a child, all of
 * it stolen from API requests. Children start detached (their own process group) with stderr piped.
 */
const port = parentPort!;
const post = (reply: LauncherReply) => port.postMessage(reply);
// Enough of a broken child's complaints to diagnose it; the rest would only flood the log.
const MAX_LINES = 50;

port.on('message', (request: LauncherRequest) => {
  const child = spawn(request.command, request.args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  child.on('error', () => post({ type: 'exit', id: request.id, code: null, signal: null }));
  if (child.pid === undefined) return; // 'error' follows
  post({ type: 'spawn', id: request.id, pid: child.pid });
  let lines = 0;
  createInterface({ input: child.stderr }).on('line', (text) => {
    if (lines++ < MAX_LINES) post({ type: 'line', id: request.id, text });
  });
  child.on('exit', (code, signal) => post({ type: 'exit', id: request.id, code, signal }));
});
