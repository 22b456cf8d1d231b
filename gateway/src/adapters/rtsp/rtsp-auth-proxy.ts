import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { authorization, pickChallenge, type Challenge } from './rtsp-client-auth.js';
import { headerValue, RtspReader, writeMessage, type RtspMessage } from './rtsp-message.js';
import { splitUpstream, toProxy, toUpstream, type UrlMap } from './rtsp-url-map.js';

export interface ProxyTarget {
  /** The camera's stream URL, without credentials. */
  readonly upstreamUrl: string;
  readonly username: string | null;
  readonly password: string | null;
  /** Told the SDP of a successful DESCRIBE (for codec detection). */
  readonly onSdp?: (sdp: string) => void;
}

export interface ProxyLease {
  /** What ffmpeg opens: plain RTSP on loopback, no credentials. */
  readonly url: string;
  release(): void;
}

const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * Keeps camera passwords out of ffmpeg's command line, which every user of the machine can read
 * in /proc/<pid>/cmdline: ffmpeg opens a credential-free loopback URL, and this proxy forwards
 * the RTSP session to the camera, answering its Basic or Digest challenge itself. Each lease
 * admits one connection (ffmpeg's), so its id, visible in ffmpeg's arguments, is useless to
 * anyone else; a restart takes a new lease.
 */
export class RtspAuthProxy {
  #server: Server | null = null;
  #port = 0;
  readonly #leases = new Map<string, ProxyTarget>();
  readonly #sockets = new Set<Socket>();

  async start(): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
    this.#server = server;
  }

  lease(target: ProxyTarget): ProxyLease {
    const id = randomBytes(16).toString('hex');
    this.#leases.set(id, target);
    const { rest } = splitUpstream(target.upstreamUrl);
    return { url: `rtsp://127.0.0.1:${this.#port}/${id}${rest}`, release: () => this.#leases.delete(id) };
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  #accept(client: Socket): void {
    this.#track(client);
    const reader = new RtspReader();
    let session: ProxySession | null = null;
    client.on('data', (chunk: Buffer) => {
      let items;
      try {
        items = reader.push(chunk);
      } catch {
        client.destroy();
        return;
      }
      for (const item of items) {
        if (!session) {
          if (item.kind !== 'message') return client.destroy();
          const uri = item.startLine.split(' ')[1] ?? '';
          const id = /^rtsp:\/\/[^/]+\/([0-9a-f]{32})(?:[/?]|$)/.exec(uri)?.[1];
          const target = id ? this.#leases.get(id) : undefined;
          if (!id || !target) {
            client.end(writeMessage('RTSP/1.0 404 Not Found', [['CSeq', headerValue(item.headers, 'cseq') ?? '0']]));
            return;
          }
          // One connection per lease.
          this.#leases.delete(id);
          session = new ProxySession(client, target, `rtsp://127.0.0.1:${this.#port}/${id}`, (s) => this.#track(s));
        }
        session.fromClient(item);
      }
    });
  }
}

/** One ffmpeg connection and its camera connection. Requests are handled one at a time. */
class ProxySession {
  readonly #map: UrlMap;
  readonly #upstream: Socket;
  readonly #upstreamReader = new RtspReader();
  readonly #queue: RtspMessage[] = [];
  #waiting: ((response: RtspMessage | null) => void) | null = null;
  #busy = false;
  #challenge: Challenge | null = null;
  #nc = 0;
  readonly #cnonce = randomBytes(8).toString('hex');

  constructor(
    private readonly client: Socket,
    private readonly target: ProxyTarget,
    proxyBase: string,
    track: (socket: Socket) => void,
  ) {
    const { origin } = splitUpstream(target.upstreamUrl);
    this.#map = { proxyBase, upstreamOrigin: origin };
    const url = new URL(origin.replace(/^rtsps?:/i, 'http:'));
    const secure = /^rtsps:/i.test(origin);
    const port = Number(url.port || (secure ? 322 : 554));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    this.#upstream = secure ? tlsConnect({ host, port, servername: host }) : tcpConnect({ host, port });
    track(this.#upstream);
    this.#upstream.on('data', (chunk: Buffer) => {
      let items;
      try {
        items = this.#upstreamReader.push(chunk);
      } catch {
        this.#closeBoth();
        return;
      }
      // The reader hands runs of frames as one slice, so this is usually a single write per chunk.
      for (const item of items) {
        if (item.kind === 'frame') client.write(item.bytes);
        else this.#onResponse(item);
      }
    });
    this.#upstream.on('close', () => {
      this.#onResponse(null);
      client.destroy();
    });
    client.on('close', () => this.#upstream.destroy());
  }

  fromClient(item: { kind: 'frame'; bytes: Buffer } | RtspMessage): void {
    if (item.kind === 'frame') {
      this.#upstream.write(item.bytes);
      return;
    }
    this.#queue.push(item);
    void this.#drain();
  }

  #onResponse(response: RtspMessage | null): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.(response);
  }

  #exchange(request: Buffer): Promise<RtspMessage | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = null;
        resolve(null);
      }, UPSTREAM_TIMEOUT_MS);
      this.#waiting = (response) => {
        clearTimeout(timer);
        resolve(response);
      };
      this.#upstream.write(request);
    });
  }

  #build(request: RtspMessage): { buffer: Buffer; method: string; uri: string } {
    const [method = '', uri = '', version = 'RTSP/1.0'] = request.startLine.split(' ');
    const upstreamUri = toUpstream(this.#map, uri);
    // Whatever ffmpeg sends as Authorization is dropped: only the proxy authenticates.
    const headers = request.headers.filter(([k]) => k.toLowerCase() !== 'authorization');
    if (this.#challenge && this.target.username !== null) {
      this.#nc += 1;
      headers.push(['Authorization', authorization(this.#challenge, method, upstreamUri, this.target.username, this.target.password ?? '', this.#nc, this.#cnonce)]);
    }
    return { buffer: writeMessage(`${method} ${upstreamUri} ${version}`, headers, request.body), method, uri: upstreamUri };
  }

  async #drain(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let request = this.#queue.shift(); request; request = this.#queue.shift()) {
        let response = await this.#exchange(this.#build(request).buffer);
        if (response?.startLine.split(' ')[1] === '401' && this.target.username !== null) {
          const challenges = response.headers.filter(([k]) => k.toLowerCase() === 'www-authenticate').map(([, v]) => v);
          const challenge = pickChallenge(challenges);
          if (challenge) {
            this.#challenge = challenge;
            this.#nc = 0;
            response = await this.#exchange(this.#build(request).buffer);
          }
        }
        if (!response) {
          const cseq = headerValue(request.headers, 'cseq') ?? '0';
          this.client.end(writeMessage('RTSP/1.0 504 Gateway Timeout', [['CSeq', cseq]]));
          this.#upstream.destroy();
          return;
        }
        this.#forward(request, response);
      }
    } finally {
      this.#busy = false;
    }
  }

  #forward(request: RtspMessage, response: RtspMessage): void {
    const headers = response.headers
      .filter(([k]) => k.toLowerCase() !== 'www-authenticate')
      .map(([k, v]): [string, string] => [k, /^(content-base|content-location|rtp-info|location)$/i.test(k) ? toProxy(this.#map, v) : v]);
    let body = response.body;
    const isSdp = /application\/sdp/i.test(headerValue(response.headers, 'content-type') ?? '');
    if (isSdp) {
      const sdp = body.toString('utf8');
      if (request.startLine.startsWith('DESCRIBE') && response.startLine.includes(' 200 ')) this.target.onSdp?.(sdp);
      body = Buffer.from(toProxy(this.#map, sdp), 'utf8');
    }
    this.client.write(writeMessage(response.startLine, headers, body));
  }

  #closeBoth(): void {
    this.client.destroy();
    this.#upstream.destroy();
  }
}
