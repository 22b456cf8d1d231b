import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { Codec, Fault, ProfileSpec, RtspAuth } from './farm.types.js';

/** Where a clip camera's profile reads its RTP loop; `pushed` when a pusher feeds that port. */
export interface ClipFeed {
  udpPort?: number;
  pushed?: boolean;
}

/** One camera as the Python RTSP server needs it. */
export interface RtspCameraSpec {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly codec: Codec;
  readonly source: 'live' | 'udp';
  readonly auth: RtspAuth;
  readonly username: string;
  readonly password: string;
  readonly main: ProfileSpec & ClipFeed;
  readonly sub: ProfileSpec & ClipFeed;
  readonly shareAcrossQueries?: boolean;
}

interface Reply {
  id?: number;
  ok?: boolean;
  error?: string;
  event?: string;
  ports?: Record<string, number>;
}

// Debian's python3-gi is installed for Debian's own interpreter; a python3 earlier on the PATH
// (pyenv, a venv) does not have the GStreamer bindings.
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(import.meta.dirname, 'rtsp_server.py');

/**
 * The GStreamer RTSP server process and its JSON-lines control channel. The process exits when
 * its stdin closes or its parent dies (PR_SET_PDEATHSIG), so it cannot outlive the farm.
 */
export class RtspSimProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #stderr = '';
  readonly #alive: Promise<void>;

  constructor() {
    this.#child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      // Keep the tail only: GStreamer can be chatty, and this is for error reports.
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    const lines = createInterface({ input: this.#child.stdout });
    this.#alive = new Promise((resolve, reject) => {
      lines.on('line', (line) => {
        let message: Reply;
        try {
          message = JSON.parse(line) as Reply;
        } catch {
          return;
        }
        if (message.event === 'alive') resolve();
        const waiter = message.id === undefined ? undefined : this.#pending.get(message.id);
        if (waiter && message.id !== undefined) {
          this.#pending.delete(message.id);
          if (message.ok) waiter.resolve(message);
          else waiter.reject(new Error(`rtsp simulator: ${message.error ?? 'failed'}`));
        }
      });
      this.#child.on('error', reject);
      this.#child.on('exit', (code, signal) => {
        const err = new Error(`rtsp simulator exited (${code ?? signal}): ${this.#stderr.trim()}`);
        reject(err);
        for (const waiter of this.#pending.values()) waiter.reject(err);
        this.#pending.clear();
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async #call(message: Record<string, unknown>): Promise<Reply> {
    await this.#alive;
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.stdin.write(JSON.stringify({ id, ...message }) + '\n');
    });
  }

  /** Starts the cameras; resolves with the port each one listens on. */
  async start(cameras: readonly RtspCameraSpec[]): Promise<Record<string, number>> {
    const reply = await this.#call({
      cmd: 'start',
      cameras,
    });
    return reply.ports ?? {};
  }

  async setFault(name: string, fault: Fault): Promise<void> {
    await this.#call({ cmd: 'fault', name, fault });
  }

  /** Asks the process to stop, then makes sure it has. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

