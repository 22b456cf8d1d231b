import type { Socket } from 'node:net';
import type { ProbeReason } from '../../domain/health-state.js';
import { reasonOfSocketError, tcpConnect } from '../net/tcp-probe.js';
import { authorization, pickChallenge, type Challenge } from './rtsp-client-auth.js';
import { RtspReader, writeMessage, type RtspMessage } from './rtsp-message.js';
import { videoOfSdp, type SdpVideo } from './sdp.js';

export interface DescribeTarget {
  /** rtsp://host:port/path?query, without credentials. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly username: string | null;
  readonly password: string | null;
}

export type DescribeResult =
  | { readonly ok: true; readonly video: SdpVideo; readonly connectMs: number; readonly ms: number }
  | { readonly ok: false; readonly step: 'tcp' | 'rtsp'; readonly reason: ProbeReason; readonly message: string; readonly ms: number; readonly status?: number };

/**
 * Remembers each camera's last Digest challenge, so the next check answers it straight away: one
 * round trip instead of two. A stale nonce just costs the 401 it would have cost anyway.
 */
export type ChallengeCache = Map<string, Challenge>;

interface Options {
  readonly timeoutMs: number;
  readonly challenges?: ChallengeCache;
}

const SUPPORTED_CODECS = new Set(['h264', 'h265']);

/**
 * Vigil's own small RTSP client for health checks and registration probes: TCP connect, then
 * DESCRIBE (answering Basic or Digest), then the SDP's video codec. Never throws for a camera's
 * misbehaviour; every outcome is a reason code.
 */
export async function describeCamera(target: DescribeTarget, options: Options): Promise<DescribeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const connected = await tcpConnect(target.host, target.port, options.timeoutMs);
  if (!connected.ok) return { ok: false, step: 'tcp', reason: connected.reason, message: connected.message, ms: elapsed() };
  const connectMs = elapsed();
  const remaining = () => Math.max(1, options.timeoutMs - elapsed());
  let conversation = new Conversation(connected.socket, remaining());
  try {
    const cached = options.challenges?.get(target.url) ?? null;
    const canAuth = target.username !== null;
    let response: Exchange | null = await conversation.describe(target, canAuth ? cached : null);
    if (response.ok && status(response.message) === 401 && canAuth) {
      const challenge = pickChallenge(response.message.headers.filter(([k]) => k.toLowerCase() === 'www-authenticate').map(([, v]) => v));
      if (!challenge) return { ok: false, step: 'rtsp', reason: 'auth_failed', message: 'no usable authentication challenge', ms: elapsed(), status: 401 };
      options.challenges?.set(target.url, challenge);
      response = conversation.closed ? null : await conversation.describe(target, challenge);
      if (!response || (!response.ok && response.reason === 'rtsp_error')) {
        // Some cameras hang up after a 401: answer the challenge on a new connection.
        conversation.close();
        const again = await tcpConnect(target.host, target.port, remaining());
        if (!again.ok) return { ok: false, step: 'tcp', reason: again.reason, message: again.message, ms: elapsed() };
        conversation = new Conversation(again.socket, remaining());
        response = await conversation.describe(target, challenge);
      }
    }
    if (!response.ok) return { ok: false, step: 'rtsp', reason: response.reason, message: response.message, ms: elapsed() };
    const code = status(response.message);
    if (code === 401) {
      options.challenges?.delete(target.url);
      return { ok: false, step: 'rtsp', reason: 'auth_failed', message: canAuth ? 'the camera refused the credentials' : 'the camera needs credentials', ms: elapsed(), status: code };
    }
    if (code === 404) return { ok: false, step: 'rtsp', reason: 'not_found', message: 'no such stream path', ms: elapsed(), status: code };
    if (code !== 200) return { ok: false, step: 'rtsp', reason: 'rtsp_error', message: response.message.startLine.slice(0, 120), ms: elapsed(), status: code };
    const video = videoOfSdp(response.message.body.toString('utf8'));
    if (!video) return { ok: false, step: 'rtsp', reason: 'no_video', message: 'the SDP has no video stream', ms: elapsed(), status: code };
    if (!SUPPORTED_CODECS.has(video.codec)) return { ok: false, step: 'rtsp', reason: 'codec_unsupported', message: `codec ${video.codec}`, ms: elapsed(), status: code };
    return { ok: true, video, connectMs, ms: elapsed() };
  } finally {
    conversation.close();
  }
}

function status(message: RtspMessage): number {
  return Number(message.startLine.split(' ')[1] ?? 0);
}

type Exchange = { readonly ok: true; readonly message: RtspMessage } | { readonly ok: false; readonly reason: ProbeReason; readonly message: string };

/** One connection's requests and responses, one at a time, under one deadline. */
class Conversation {
  readonly #reader = new RtspReader();
  #cseq = 0;
  #pending: ((result: Exchange) => void) | null = null;
  readonly #deadline: NodeJS.Timeout;
  #ended: Exchange | null = null;

  constructor(
    private readonly socket: Socket,
    timeoutMs: number,
  ) {
    this.#deadline = setTimeout(() => this.#end({ ok: false, reason: 'timeout', message: `no RTSP answer within the check's time` }), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      let items;
      try {
        items = this.#reader.push(chunk);
      } catch (err) {
        this.#end({ ok: false, reason: 'rtsp_error', message: (err as Error).message });
        return;
      }
      const message = items.find((i) => i.kind === 'message');
      if (message) this.#settle({ ok: true, message });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.#end({ ok: false, reason: reasonOfSocketError(err), message: err.code ?? err.message }));
    socket.on('close', () => this.#end({ ok: false, reason: 'rtsp_error', message: 'the camera closed the connection' }));
  }

  describe(target: DescribeTarget, challenge: Challenge | null): Promise<Exchange> {
    if (this.#ended) return Promise.resolve(this.#ended);
    this.#cseq += 1;
    const headers: Array<[string, string]> = [
      ['CSeq', String(this.#cseq)],
      ['Accept', 'application/sdp'],
      ['User-Agent', 'Vigil health check'],
    ];
    if (challenge && target.username !== null) headers.push(['Authorization', authorization(challenge, 'DESCRIBE', target.url, target.username, target.password ?? '', this.#cseq)]);
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.socket.write(writeMessage(`DESCRIBE ${target.url} RTSP/1.0`, headers));
    });
  }

  #settle(result: Exchange): void {
    const pending = this.#pending;
    this.#pending = null;
    pending?.(result);
  }

  #end(result: Exchange): void {
    if (this.#ended) return;
    this.#ended = result;
    this.#settle(result);
  }

  get closed(): boolean {
    return this.#ended !== null;
  }

  close(): void {
    clearTimeout(this.#deadline);
    const open = this.#ended === null;
    this.#ended ??= { ok: false, reason: 'rtsp_error', message: 'closed' };
    // The exchange is over: a reset ends the connection in one segment, without the FIN exchange
    // and a TIME_WAIT entry per check (20,000 checks a minute would keep 20,000 of them).
    if (open && !this.socket.destroyed) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }
}
