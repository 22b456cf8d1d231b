import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../logging/logger.js';
import { startModuleWorker } from '../module-worker.js';
import { LaunchedProcess } from './launched-process.js';

export type LauncherRequest = { id: number; command: string; args: string[] };
export type LauncherReply =
  | { type: 'spawn'; id: number; pid: number }
  | { type: 'line'; id: number; text: string }
  | { type: 'exit'; id: number; code: number | null; signal: string | null };

interface LauncherThread {
  worker: Worker;
  children: Map<number, LaunchedProcess>;
}

/**
 * Starts long-running children (relay ffmpegs) from a few worker threads, round robin, so the
 * wait for each fork and exec is not spent in the thread that answers the API. Two threads let a
 * burst of starts overlap their waits. A thread that dies takes its children with it (they die
 * with the thread that started them, PR_SET_PDEATHSIG): they are reported as killed, and the
 * thread is started again.
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

  launch(command: string, args: readonly string[]): LaunchedProcess {
    const child = new LaunchedProcess();
    const slot = this.#next++ % this.#threads.length;
    const thread = (this.#threads[slot] ??= this.#startThread(slot));
    const id = ++this.#ids;
    thread.children.set(id, child);
    child.once('exit', () => thread.children.delete(id));
    thread.worker.postMessage({ id, command, args: [...args] } satisfies LauncherRequest);
    return child;
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
      else child.ended(reply.code, reply.signal);
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
