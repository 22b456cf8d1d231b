import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../logging/logger.js';
import { startModuleWorker } from '../module-worker.js';
import { leaseUrl, newLeaseId, type AuthProxy, type ProxyLease, type ProxyTarget } from './rtsp-auth-proxy.js';

/** Messages to the proxy thread. */
export type ProxyThreadMessage =
  | { type: 'lease'; id: string; target: { upstreamUrl: string; username: string | null; password: string | null }; wantsSdp: boolean }
  | { type: 'release'; id: string }
  | { type: 'stop' };

/** Messages from it. */
type ProxyThreadReply = { type: 'ready'; port: number } | { type: 'sdp'; id: string; sdp: string } | { type: 'stopped' };

/**
 * The RTSP credential proxy run in a worker thread, with the same interface as the one in this
 * thread. At a wall's start the relayed bytes of 64 cameras kept the main thread busy for ~30 %
 * of the time (profiled), so API calls queued behind them; in its own thread they do not.
 * Leases are made here at once (the id is random and the worker is told by message: a connection
 * that arrives first waits up to 2 s for its lease). A thread that dies is started again.
 */
export class ThreadedRtspAuthProxy implements AuthProxy {
  #worker: Worker | null = null;
  #port = 0;
  #stopping = false;
  readonly #sdpListeners = new Map<string, (sdp: string) => void>();

  constructor(private readonly logger: Logger) {}

  async start(): Promise<void> {
    this.#stopping = false;
    await this.#spawn();
  }

  lease(target: ProxyTarget): ProxyLease {
    const id = newLeaseId();
    if (target.onSdp) this.#sdpListeners.set(id, target.onSdp);
    this.#post({ type: 'lease', id, target: { upstreamUrl: target.upstreamUrl, username: target.username, password: target.password }, wantsSdp: target.onSdp !== undefined });
    return {
      url: leaseUrl(this.#port, id, target.upstreamUrl),
      release: () => {
        this.#sdpListeners.delete(id);
        this.#post({ type: 'release', id });
      },
    };
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    this.#worker = null;
    if (!worker) return;
    worker.postMessage({ type: 'stop' } satisfies ProxyThreadMessage);
    const stopped = new Promise<void>((resolve) => worker.on('message', (m: ProxyThreadReply) => m.type === 'stopped' && resolve()));
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 2000))]);
    await worker.terminate();
  }

  #post(message: ProxyThreadMessage): void {
    this.#worker?.postMessage(message);
  }

  async #spawn(): Promise<void> {
    const worker = startModuleWorker(import.meta.url, 'rtsp-proxy');
    worker.unref();
    const [ready] = (await once(worker, 'message')) as [ProxyThreadReply];
    if (ready.type !== 'ready') throw new Error('the proxy thread did not start');
    this.#port = ready.port;
    this.#worker = worker;
    worker.on('message', (m: ProxyThreadReply) => {
      if (m.type === 'sdp') this.#sdpListeners.get(m.id)?.(m.sdp);
    });
    worker.on('error', (err) => this.logger.error({ err }, 'RTSP proxy thread failed'));
    worker.on('exit', (code) => {
      if (this.#stopping || this.#worker !== worker) return;
      this.logger.error({ code }, 'RTSP proxy thread exited; starting it again');
      this.#worker = null;
      void this.#spawn().catch((err: unknown) => this.logger.error({ err }, 'RTSP proxy thread could not restart'));
    });
  }
}
