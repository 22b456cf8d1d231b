import { EventEmitter } from 'node:events';
import type { CapturedOutput } from './process-launcher.js';

/**
 * A child process started by a launcher thread, seen from the thread that asked for it: its pid
 * arrives by message, then its stderr lines and its exit. Signals go to its whole process group
 * (it was started detached), so they can be sent from any thread — once the pid is known; a
 * signal asked for before that is sent when it arrives.
 */
export class LaunchedProcess extends EventEmitter<{
  spawn: [pid: number];
  line: [text: string];
  /** output: what was kept of stdout and stderr, for a child started with capture limits. */
  exit: [code: number | null, signal: string | null, output: CapturedOutput | undefined];
}> {
  #pid: number | undefined;
  #exited = false;
  #pendingSignal: NodeJS.Signals | null = null;

  get pid(): number | undefined {
    return this.#pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** Signals the process group; a no-op once it has exited. */
  kill(signal: NodeJS.Signals): void {
    if (this.#exited) return;
    if (this.#pid === undefined) {
      this.#pendingSignal = signal;
      return;
    }
    try {
      process.kill(-this.#pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** @internal the launcher reports what its thread saw. */
  spawned(pid: number): void {
    if (this.#exited) return;
    this.#pid = pid;
    this.emit('spawn', pid);
    if (this.#pendingSignal) this.kill(this.#pendingSignal);
  }

  /** @internal */
  line(text: string): void {
    if (!this.#exited) this.emit('line', text);
  }

  /** @internal */
  ended(code: number | null, signal: string | null, output?: CapturedOutput): void {
    if (this.#exited) return;
    this.#exited = true;
    this.emit('exit', code, signal, output);
  }
}
