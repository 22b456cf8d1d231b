import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { rootCertificates, connect as tlsConnect } from 'node:tls';
import { authorization, pickChallenge, type Challenge } from './rtsp-client-auth.js';
import { headerValue, RtspReader, writeMessage, type RtspItem, type RtspMessage } from './rtsp-message.js';
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

/** What relays, media checks and snapshots need of a credential proxy (in this thread or its own). */
export interface AuthProxy {
  start(): Promise<void>;
  lease(target: ProxyTarget): ProxyLease;
  stop(): Promise<void>;
}

export function newLeaseId(): string {
  return randomBytes(16).toString('hex');
}

export function leaseUrl(port: number, id: string, upstreamUrl: string): string {
  return `rtsp://127.0.0.1:${port}/${id}${splitUpstream(upstreamUrl).rest}`;
}

const UPSTREAM_TIMEOUT_MS = 10_000;
/**
 * Once media flows, the camera's socket is read at most this often while it keeps up. Cameras (and
 * the simulator) send a frame's packets as they come, ~50 reads a second per camera; reading every
 * 100 ms gathers them into ~10, each a single write to ffmpeg, which then reads bigger chunks too.
 * 100 ms is nothing next to a 2 s HLS segment. A read that filled the buffer (more is waiting)
 * reads again as soon as ffmpeg has taken it: at one read per interval a camera was capped at
 * 2.5 MB/s, and a TLS camera (one 16 kB record per interval) at 160 kB/s, so a 4K camera, or one
 * catching up after a stall, fell further and further behind. TLS cameras are read as they send.
 */
const PASSTHROUGH_READ_INTERVAL_MS = 100;
/**
 * One read buffer for every camera connection: the read callback copies what it read before it
 * returns, so the buffer is free again for the next socket.
 */
const SHARED_READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** What a read brought, copied out of the shared buffer into memory of its own (unzeroed: it is overwritten at once). */
function copyOut(buffer: Uint8Array, bytes: number): Buffer {
  const own = Buffer.allocUnsafe(bytes);
  own.set(buffer.subarray(0, bytes));
  return own;
}

/**
 * Keeps camera passwords out of ffmpeg's command line, which every user of the machine can read
 * in /proc/<pid>/cmdline: ffmpeg opens a credential-free loopback URL, and this proxy forwards
 * the RTSP session to the camera, answering its Basic or Digest challenge itself. Each lease
 * admits one connection (ffmpeg's), so its id, visible in ffmpeg's arguments, is useless to
 * anyone else; a restart takes a new lease.
 */
export class RtspAuthProxy implements AuthProxy {
  #server: Server | null = null;
  #port = 0;
  readonly #leases = new Map<string, ProxyTarget>();
  readonly #sockets = new Set<Socket>();
  readonly #awaited = new Map<string, (target: ProxyTarget) => void>();

  /**
   * @param leaseGraceMs how long a connection may wait for its lease to be admitted: leases made
   *   in another thread (admit) can arrive a moment after ffmpeg connects. 0 in this thread.
   * @param upstreamCa certificates trusted for rtsps:// cameras besides the system's (PEM).
   */
  constructor(
    private readonly leaseGraceMs = 0,
    private readonly upstreamCa?: string,
  ) {}

  get port(): number {
    return this.#port;
  }

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
    const id = newLeaseId();
    this.admit(id, target);
    return { url: leaseUrl(this.#port, id, target.upstreamUrl), release: () => this.revoke(id) };
  }

  /** Admits one connection for a lease whose id was made elsewhere. */
  admit(id: string, target: ProxyTarget): void {
    const waiting = this.#awaited.get(id);
    if (waiting) {
      this.#awaited.delete(id);
      waiting(target);
    } else this.#leases.set(id, target);
  }

  revoke(id: string): void {
    this.#leases.delete(id);
  }

  /** The lease of a connection: taken at once, or waited for (bounded) when it may still be coming. */
  #take(id: string): ProxyTarget | undefined | Promise<ProxyTarget | undefined> {
    const target = this.#leases.get(id);
    // One connection per lease.
    if (target) {
      this.#leases.delete(id);
      return target;
    }
    if (this.leaseGraceMs === 0 || this.#awaited.has(id)) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#awaited.delete(id);
        resolve(undefined);
      }, this.leaseGraceMs);
      this.#awaited.set(id, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
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
    let opening: RtspItem[] | null = null;
    const handle = (items: RtspItem[]): void => {
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if (!session) {
          if (item.kind !== 'message') return void client.destroy();
          const uri = item.startLine.split(' ')[1] ?? '';
          const id = /^rtsp:\/\/[^/]+\/([0-9a-f]{32})(?:[/?]|$)/.exec(uri)?.[1];
          const refuse = () => client.end(writeMessage('RTSP/1.0 404 Not Found', [['CSeq', headerValue(item.headers, 'cseq') ?? '0']]));
          const taken = id ? this.#take(id) : undefined;
          if (!id || !taken) return void refuse();
          const open = (target: ProxyTarget) => (session = new ProxySession(client, target, `rtsp://127.0.0.1:${this.#port}/${id}`, (s) => this.#track(s), this.upstreamCa));
          if (taken instanceof Promise) {
            // Hold what ffmpeg sends until its lease arrives (or the grace ends).
            opening = items.slice(i);
            void taken.then((target) => {
              const held = opening ?? [];
              opening = null;
              if (!target || client.destroyed) return void refuse();
              open(target);
              handle(held);
            });
            return;
          }
          open(taken);
        }
        session!.fromClient(item);
      }
    };
    client.on('data', (chunk: Buffer) => {
      let items;
      try {
        items = reader.push(chunk);
      } catch {
        client.destroy();
        return;
      }
      if (opening) opening.push(...items);
      else handle(items);
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
  #upstreamClosed = false;
  #busy = false;
  #passthrough = false;
  #resumeTimer: NodeJS.Timeout | null = null;
  #held: RtspItem[] = [];
  #challenge: Challenge | null = null;
  #nc = 0;
  readonly #cnonce = randomBytes(8).toString('hex');

  constructor(
    private readonly client: Socket,
    private readonly target: ProxyTarget,
    proxyBase: string,
    track: (socket: Socket) => void,
    upstreamCa?: string,
  ) {
    const { origin } = splitUpstream(target.upstreamUrl);
    this.#map = { proxyBase, upstreamOrigin: origin };
    const url = new URL(origin.replace(/^rtsps?:/i, 'http:'));
    const secure = /^rtsps:/i.test(origin);
    const port = Number(url.port || (secure ? 322 : 554));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (secure) {
      this.#upstream = tlsConnect({ host, port, servername: host, ...(upstreamCa ? { ca: [...rootCertificates, upstreamCa] } : {}) });
      // Decrypted data comes in records of up to 16 kB: passed on as it comes (no read interval).
      this.#upstream.on('data', (chunk: Buffer) => this.#onUpstreamData(chunk, null));
    } else {
      // Reads land in a buffer of our own, and pause()/resume() stop and start the socket's reads
      // right away (a plain socket keeps reading into its stream buffer while paused).
      const callback = (bytes: number, buffer: Uint8Array): boolean => this.#onUpstreamData(copyOut(buffer, bytes), bytes === SHARED_READ_BUFFER.length);
      this.#upstream = tcpConnect({ host, port, onread: { buffer: SHARED_READ_BUFFER, callback } });
    }
    track(this.#upstream);
    this.#upstream.on('close', () => {
      if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
      this.#upstreamClosed = true;
      // A request waiting for the camera gets an answer (502) before ffmpeg's connection closes:
      // "Bad Gateway" in ffmpeg's log says the camera was unreachable, where a bare close read as
      // "Invalid data found when processing input".
      const answering = this.#waiting !== null && !this.#passthrough;
      this.#onResponse(null);
      if (!answering) client.destroy();
    });
    client.on('close', () => this.#upstream.destroy());
  }

  /**
   * A chunk from the camera; `more`: the camera has sent more already (null: a TLS stream, read as
   * it comes). False: stop reading for now (someone resumes it).
   */
  #onUpstreamData(chunk: Buffer, more: boolean | null): boolean {
    if (this.#passthrough) return more === null ? this.#stream(chunk) : this.#passOn(chunk, more);
    let items;
    try {
      items = this.#upstreamReader.push(chunk);
    } catch {
      this.#closeBoth();
      return false;
    }
    this.#process(items);
    return !this.#upstream.isPaused();
  }

  /** Media on its way to ffmpeg: written as it is, then the camera is not read for a while unless more is waiting. */
  #passOn(chunk: Buffer, more: boolean): boolean {
    this.#upstream.pause();
    const resumeLater = () => {
      this.#resumeTimer = setTimeout(() => {
        this.#resumeTimer = null;
        this.#upstream.resume();
      }, more ? 0 : PASSTHROUGH_READ_INTERVAL_MS);
    };
    // ffmpeg not keeping up: wait for it (backpressure) rather than buffer here.
    if (this.client.write(chunk)) resumeLater();
    else this.client.once('drain', resumeLater);
    return false;
  }

  /** Media from a TLS camera on its way to ffmpeg: the camera is read again once ffmpeg keeps up. */
  #stream(chunk: Buffer): boolean {
    if (this.client.write(chunk)) return true;
    this.#upstream.pause();
    this.client.once('drain', () => this.#upstream.resume());
    return false;
  }

  /**
   * Frames go straight to ffmpeg (the reader hands runs of them as one slice: one write per chunk).
   * Whatever follows a response waits until that response has been forwarded, so ffmpeg never
   * sees the first RTP packets of a PLAY before the PLAY's answer.
   */
  #process(items: readonly RtspItem[]): void {
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === 'frame') {
        this.client.write(item.bytes);
        continue;
      }
      this.#held = items.slice(i + 1);
      this.#upstream.pause();
      this.#onResponse(item);
      return;
    }
  }

  /** Hands on what arrived after the response just dealt with, and reads on. */
  #releaseHeld(): void {
    const held = this.#held;
    this.#held = [];
    this.#upstream.resume();
    this.#process(held);
  }

  /**
   * After a successful PLAY the camera sends media, not answers: from here on its bytes go to
   * ffmpeg unparsed and in batches (#passOn), which is most of what a relay costs the gateway. ffmpeg's
   * keep-alives still go through #build to be signed; their answers pass through untouched.
   */
  #startPassthrough(): void {
    this.#passthrough = true;
    const held = this.#held;
    this.#held = [];
    for (const item of held) this.client.write(item.kind === 'frame' ? item.bytes : writeMessage(item.startLine, item.headers, item.body));
    const rest = this.#upstreamReader.takeRemainder();
    if (rest.length > 0) this.client.write(rest);
    this.#upstream.resume();
    for (let request = this.#queue.shift(); request; request = this.#queue.shift()) this.#upstream.write(this.#build(request).buffer);
  }

  fromClient(item: { kind: 'frame'; bytes: Buffer } | RtspMessage): void {
    if (item.kind === 'frame') {
      this.#upstream.write(item.bytes);
      return;
    }
    if (this.#passthrough) {
      this.#upstream.write(this.#build(item).buffer);
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
    if (this.#upstreamClosed) return Promise.resolve(null);
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
            this.#releaseHeld();
            response = await this.#exchange(this.#build(request).buffer);
          }
        }
        if (!response) {
          const cseq = headerValue(request.headers, 'cseq') ?? '0';
          const status = this.#upstreamClosed ? '502 Bad Gateway' : '504 Gateway Timeout';
          this.client.end(writeMessage(`RTSP/1.0 ${status}`, [['CSeq', cseq]]));
          this.#upstream.destroy();
          return;
        }
        this.#forward(request, response);
        if (request.startLine.startsWith('PLAY ') && response.startLine.split(' ')[1] === '200') return this.#startPassthrough();
        this.#releaseHeld();
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
