import { connect, type Socket } from 'node:net';
import type { ProbeReason } from '../../domain/health-state.js';

export type ConnectResult = { readonly ok: true; readonly socket: Socket } | { readonly ok: false; readonly reason: ProbeReason; readonly message: string };

/** Maps a socket error to the ladder's reason codes. */
export function reasonOfSocketError(err: NodeJS.ErrnoException): ProbeReason {
  if (err.code === 'ECONNREFUSED') return 'refused';
  if (err.code === 'ETIMEDOUT') return 'timeout';
  // EHOSTUNREACH, ENETUNREACH, ENOTFOUND, EAI_AGAIN, ECONNRESET during connect…
  return 'unreachable';
}

/**
 * Opens a TCP connection within `timeoutMs`. On success the caller owns the socket (the RTSP
 * step reuses it, so a check costs one connection, not two).
 */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, reason: 'timeout', message: `no TCP connection within ${timeoutMs} ms` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ ok: true, socket });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: false, reason: reasonOfSocketError(err), message: err.code ?? err.message });
    });
  });
}
