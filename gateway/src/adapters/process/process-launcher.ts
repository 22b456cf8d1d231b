import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../logging/logger.js';
import { startModuleWorker } from '../module-worker.js';
import { LaunchedProcess } from './launched-process.js';

/** What a short-lived child's output is kept of (its stdout and stderr come back with its exit, not line by line). */
export interface CaptureLimits {
  /** stdout beyond this many bytes: 'kill' ends the child (a runaway picture), 'keep-tail' keeps the last bytes (progress). */
  readonly stdout: { readonly maxBytes: number; readonly overflow: 'kill' | 'keep-tail' };
  /** The last this-many bytes of stderr are kept (0: none). */
  readonly stderrBytes: number;
}

export interface CapturedOutput {
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
  /** stdout went past its limit. */
  readonly overflowed: boolean;
}

export type LauncherRequest = { id: number; command: string; args: string[]; capture?: CaptureLimits; env?: Record<string, string> };
/** What a long-running child gets added to its environment. */
export interface LaunchOptions {
  readonly env: Readonly<Record<string, string>>;
}
export type LauncherReply =
  | { type: 'spawn'; id: number; pid: number }
  | { type: 'line'; id: number; text: string }
  | { type: 'exit'; id: number; code: number | null; signal: string | null; output?: CapturedOutput };

export interface RunResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly overflowed: boolean;
  /** Killed for running past its time. */
  readonly timedOut: boolean;
}

interface LauncherThread {
  worker: Worker;
  children: Map<number, LaunchedProcess>;
}

/**
 * Starts children (relay ffmpegs, and the short ffmpegs of media checks and snapshots) from a few
 * worker threads, round robin, so the wait for each fork and exec is not spent in the thread that
 * answers the API. Two threads let a burst of starts overlap their waits. A thread that dies takes
 * its children with it (they die with the thread that started them, PR_SET_PDEATHSIG): they are
 * reported as killed, and the thread is started again.
 */
export class ProcessLauncher {
  readonly #threads: Array<LauncherThread | null>;
  #next = 0;
  #ids = 0;
  #stopping = false;

  constructor(
    private readonly logger: Logger,
    threads = 2,
  ) {
    this.#threads = Array.from({ length: threads }, () => null);
  }

  /** A long-running child: its stderr comes line by line ('line'), then its exit. */
  launch(command: string, args: readonly string[], options?: CaptureLimits | LaunchOptions): LaunchedProcess {
    const child = new LaunchedProcess();
    const slot = this.#next++ % this.#threads.length;
    const thread = (this.#threads[slot] ??= this.#startThread(slot));
    const id = ++this.#ids;
    thread.children.set(id, child);
    child.once('exit', () => thread.children.delete(id));
    const extra = options && ('env' in options ? { env: { ...options.env } } : { capture: options });
    thread.worker.postMessage({ id, command, args: [...args], ...extra } satisfies LauncherRequest);
    return child;
  }

  /** A short-lived child run to its end (killed after `timeoutMs`), with its output kept within `capture`. */
  run(command: string, args: readonly string[], capture: CaptureLimits, timeoutMs: number): Promise<RunResult> {
    const child = this.launch(command, args, capture);
    return new Promise((resolve) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.once('exit', (code, signal, output) => {
        clearTimeout(timer);
        const bytes = (u: Uint8Array | undefined) => (u ? Buffer.from(u.buffer, u.byteOffset, u.byteLength) : Buffer.alloc(0));
        resolve({ code, signal, stdout: bytes(output?.stdout), stderr: bytes(output?.stderr), overflowed: output?.overflowed ?? false, timedOut });
      });
    });
  }

  /** Ends the threads; call once every child has been stopped (the rest die with their thread). */
  async stop(): Promise<void> {
    this.#stopping = true;
    const threads = this.#threads.filter((t): t is LauncherThread => t !== null);
    this.#threads.fill(null);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  #startThread(slot: number): LauncherThread {
    const worker = startModuleWorker(import.meta.url, 'process-launcher');
    worker.unref();
    const thread: LauncherThread = { worker, children: new Map() };
    worker.on('message', (reply: LauncherReply) => {
      const child = thread.children.get(reply.id);
      if (!child) return;
      if (reply.type === 'spawn') child.spawned(reply.pid);
      else if (reply.type === 'line') child.line(reply.text);
      else child.ended(reply.code, reply.signal, reply.output);
    });
    worker.on('error', (err) => this.logger.error({ err }, 'process launcher thread failed'));
    worker.on('exit', () => {
      for (const child of thread.children.values()) child.ended(null, 'SIGKILL');
      thread.children.clear();
      if (this.#threads[slot] === thread) this.#threads[slot] = null;
      if (!this.#stopping) this.logger.error({ slot }, 'process launcher thread exited; the next launch starts it again');
    });
    return thread;
  }
}
