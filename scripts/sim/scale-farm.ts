import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Fault, RtspAuth } from './farm.types.js';
import { RtspAuthenticator } from './rtsp-digest.js';

export interface ScaleFarmOptions {
  readonly count: number;
  /** First two octets of the addresses, e.g. "127.78". */
  readonly network?: string;
  /** Cameras sharing one address:port; spreading over addresses keeps ephemeral ports free. */
  readonly perAddress?: number;
  readonly port?: number;
  readonly auth?: RtspAuth;
  readonly username?: string;
  readonly password?: string;
}

export interface ScaleCamera {
  readonly name: string;
  readonly rtspUrl: string;
}

export interface ScaleFarm {
  readonly cameras: readonly ScaleCamera[];
  readonly username: string;
  readonly password: string;
  readonly addresses: number;
  /** Requests answered so far, by method. */
  readonly stats: Readonly<Record<string, number>>;
  setFault(index: number, fault: Fault): void;
  stop(): Promise<void>;
}

// A real camera's DESCRIBE answer: H.264 with its parameter sets, as a health check sees it.
const SDP_VIDEO = [
  'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=Vigil scale camera', 't=0 0', 'a=control:*',
  'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000',
  'a=fmtp:96 packetization-mode=1;profile-level-id=42c01f;sprop-parameter-sets=Z0LAH9oBQBbpAQ==,aM4PyA==',
  'a=framesize:96 1280-720', 'a=control:track1', '',
].join('\r\n');
const SDP_AUDIO_ONLY = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=Vigil scale camera', 't=0 0', 'm=audio 0 RTP/AVP 8', 'a=rtpmap:8 PCMA/8000', 'a=control:track1', ''].join('\r\n');

/**
 * Thousands of cameras that answer RTSP OPTIONS and DESCRIBE (no media), for health-check
 * benchmarks. Camera i lives at rtsp://<network>.<a>.<b>:<port>/scale/<i>, `perAddress` cameras to
 * an address. Faults per camera: offline (connection reset), hang (no answer), wrong-password,
 * no-video (audio-only SDP).
 */
export async function startScaleFarm(options: ScaleFarmOptions): Promise<ScaleFarm> {
  const network = options.network ?? '127.78';
  const perAddress = options.perAddress ?? 100;
  const port = options.port ?? 8554;
  const auth = options.auth ?? 'digest';
  const username = options.username ?? 'admin';
  const password = options.password ?? `scale-${randomBytes(6).toString('hex')}`;
  const faults = new Map<number, Fault>();
  const stats: Record<string, number> = {};
  const addresses = Math.ceil(options.count / perAddress);
  const hostOf = (a: number) => `${network}.${Math.floor(a / 250)}.${(a % 250) + 1}`;
  const cameras: ScaleCamera[] = [];
  for (let i = 0; i < options.count; i++) {
    cameras.push({ name: `scale${i}`, rtspUrl: `rtsp://${hostOf(Math.floor(i / perAddress))}:${port}/scale/${i}` });
  }

  const authenticator = auth === 'none' ? null : new RtspAuthenticator(auth, 'VigilScale');
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const handle = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (buffer.length > 16_384) return socket.destroy();
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const request = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        respond(socket, request, authenticator);
      }
    });
  };

  const respond = (socket: Socket, request: string, authenticator: RtspAuthenticator | null) => {
    const [requestLine = '', ...headerLines] = request.split('\r\n');
    const [method = '', uri = ''] = requestLine.split(' ');
    const headers = new Map(headerLines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const cseq = headers.get('cseq') ?? '0';
    stats[method] = (stats[method] ?? 0) + 1;
    const index = Number(/\/scale\/(\d+)$/.exec(uri)?.[1] ?? -1);
    const fault = faults.get(index) ?? 'none';
    const reply = (status: string, extra: string[] = [], body = '') =>
      socket.write([`RTSP/1.0 ${status}`, `CSeq: ${cseq}`, 'Server: Vigil scale simulator', ...extra, ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : []), '', body].join('\r\n'));
    if (fault === 'offline') return socket.resetAndDestroy();
    if (fault === 'hang') return;
    if (method === 'OPTIONS') return reply('200 OK', ['Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN']);
    if (index < 0 || index >= options.count) return reply('404 Not Found');
    if (method !== 'DESCRIBE') return reply('405 Method Not Allowed', ['Allow: OPTIONS, DESCRIBE']);
    if (authenticator) {
      const pw = fault === 'wrong-password' ? `${password}-changed` : password;
      if (!authenticator.check(headers.get('authorization'), method, username, pw)) {
        return reply('401 Unauthorized', [`WWW-Authenticate: ${authenticator.challenge()}`]);
      }
    }
    const sdp = fault === 'no-video' ? SDP_AUDIO_ONLY : SDP_VIDEO;
    reply('200 OK', ['Content-Type: application/sdp', `Content-Base: ${uri}/`], sdp);
  };

  try {
    for (let a = 0; a < addresses; a++) {
      const server = createServer(handle);
      // A burst of new connections must not overflow the accept queue.
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: hostOf(a), backlog: 1024 }, () => resolve());
      });
      servers.push(server);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }

  return {
    cameras,
    username,
    password,
    addresses,
    stats,
    setFault(index, fault) {
      if (fault === 'none') faults.delete(index);
      else faults.set(index, fault);
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
