import { createServer, connect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { RtspAuthProxy, type AuthProxy } from '../../gateway/src/adapters/rtsp/rtsp-auth-proxy.js';
import { ThreadedRtspAuthProxy } from '../../gateway/src/adapters/rtsp/rtsp-proxy-thread.js';
import type { Logger } from '../../gateway/src/logging/logger.js';
import { headerValue, RtspReader, writeMessage, type RtspItem, type RtspMessage } from '../../gateway/src/adapters/rtsp/rtsp-message.js';

/**
 * A scripted camera: Basic auth required on every request; answers PLAY with the response and
 * the first media frames in one TCP write (as cameras do), then streams frames until closed.
 */
async function scriptedCamera(tls?: { key: string; cert: string }): Promise<{ server: Server; port: number; requests: RtspMessage[]; sendFrame(n: number): void; send(bytes: Buffer): void }> {
  const requests: RtspMessage[] = [];
  const sockets: Socket[] = [];
  const frame = (n: number) => Buffer.from([0x24, 0x00, 0x00, 0x02, n >> 8, n & 0xff]);
  const serve = (socket: Socket) => {
    sockets.push(socket);
    const reader = new RtspReader();
    socket.on('data', (chunk: Buffer) => {
      for (const item of reader.push(chunk)) {
        if (item.kind !== 'message') continue;
        requests.push(item);
        const cseq = headerValue(item.headers, 'cseq') ?? '0';
        if (headerValue(item.headers, 'authorization') !== `Basic ${Buffer.from('cam:secret').toString('base64')}`) {
          socket.write(writeMessage('RTSP/1.0 401 Unauthorized', [['CSeq', cseq], ['WWW-Authenticate', 'Basic realm="cam"']]));
          continue;
        }
        const method = item.startLine.split(' ')[0];
        if (method === 'PLAY') socket.write(Buffer.concat([writeMessage('RTSP/1.0 200 OK', [['CSeq', cseq], ['Session', 's1']]), frame(1), frame(2)]));
        else socket.write(writeMessage('RTSP/1.0 200 OK', [['CSeq', cseq], ['Session', 's1']]));
      }
    });
  };
  const server = tls ? createTlsServer(tls, serve) : createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, port, requests, sendFrame: (n) => sockets.at(-1)?.write(frame(n)), send: (bytes) => sockets.at(-1)?.write(bytes) };
}

/** ffmpeg's side: sends requests, collects everything that comes back in order. */
function client(url: string): { socket: Socket; items: RtspItem[]; send(method: string, cseq: number): void; until(pred: () => boolean): Promise<void> } {
  const port = Number(new URL(url.replace('rtsp:', 'http:')).port);
  const socket = connect(port, '127.0.0.1');
  const reader = new RtspReader();
  const items: RtspItem[] = [];
  socket.on('data', (chunk: Buffer) => items.push(...reader.push(chunk)));
  return {
    socket,
    items,
    send: (method, cseq) => socket.write(writeMessage(`${method} ${url} RTSP/1.0`, [['CSeq', String(cseq)], ['Session', 's1']])),
    until: async (pred) => {
      for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
      if (!pred()) throw new Error(`timed out; got ${JSON.stringify(items.map((i) => (i.kind === 'message' ? i.startLine : `frame ${[...i.bytes].join(',')}`)))}`);
    },
  };
}

const frames = (items: RtspItem[]) => items.filter((i) => i.kind === 'frame').flatMap((i) => {
  const out: number[] = [];
  for (let at = 0; at + 6 <= i.bytes.length; at += 6) out.push(i.bytes.readUInt16BE(at + 4));
  return out;
});

describe('RtspAuthProxy', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  /** A scripted camera behind a running proxy, and a lease for it; both torn down after the test. */
  async function proxiedCamera<P extends AuthProxy>(make: () => P) {
    const camera = await scriptedCamera();
    cleanup.push(() => new Promise((r) => camera.server.close(r)));
    const proxy = make();
    await proxy.start();
    cleanup.push(() => proxy.stop());
    const target = { upstreamUrl: `rtsp://127.0.0.1:${camera.port}/main`, username: 'cam', password: 'secret' };
    const lease = proxy.lease(target);
    return { camera, proxy, lease, target };
  }

  /** ffmpeg's side, closed after the test. */
  function ffmpegAt(url: string) {
    const c = client(url);
    cleanup.push(() => c.socket.destroy());
    return c;
  }

  it('answers the camera\'s challenge, forwards PLAY before its first frames, then passes media through and signs keep-alives', async () => {
    const { camera, lease } = await proxiedCamera(() => new RtspAuthProxy());
    expect(lease.url).not.toContain('secret');
    const ffmpeg = client(lease.url);
    cleanup.push(() => ffmpeg.socket.destroy());

    ffmpeg.send('SETUP', 1);
    await ffmpeg.until(() => ffmpeg.items.length === 1);
    ffmpeg.send('PLAY', 2);
    await ffmpeg.until(() => frames(ffmpeg.items).length === 2);
    // The PLAY answer comes before the frames that arrived with it, never after.
    expect(ffmpeg.items.map((i) => (i.kind === 'message' ? i.startLine : 'frame'))).toEqual(['RTSP/1.0 200 OK', 'RTSP/1.0 200 OK', 'frame']);

    // Media after PLAY: passed through in order (batched reads may merge frames, never reorder them).
    for (let n = 3; n <= 40; n++) camera.sendFrame(n);
    await ffmpeg.until(() => frames(ffmpeg.items).length === 40);
    expect(frames(ffmpeg.items)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    // A keep-alive during playback is still signed by the proxy, and its answer reaches ffmpeg.
    ffmpeg.send('GET_PARAMETER', 3);
    await ffmpeg.until(() => ffmpeg.items.filter((i) => i.kind === 'message').length === 3);
    const keepalive = camera.requests.at(-1)!;
    expect(keepalive.startLine).toBe(`GET_PARAMETER rtsp://127.0.0.1:${camera.port}/main RTSP/1.0`);
    expect(headerValue(keepalive.headers, 'authorization')).toMatch(/^Basic /);
    // Each request was challenged once (401), then sent signed: SETUP and PLAY, and nothing unsigned after.
    expect(camera.requests.map((r) => `${r.startLine.split(' ')[0]} ${headerValue(r.headers, 'authorization') ? 'signed' : 'bare'}`)).toEqual(['SETUP bare', 'SETUP signed', 'PLAY signed', 'GET_PARAMETER signed']);
  });

  /**
   * 20000 RTP-sized frames (~28 MB: more than the loopback socket buffers hold, so writes to a
   * stalled ffmpeg cannot all complete at once), each with its own bytes, sent while ffmpeg does not
   * read: everything must arrive once it reads again, in order and unaltered.
   */
  async function passesMediaUnaltered(camera: Awaited<ReturnType<typeof scriptedCamera>>, url: string): Promise<void> {
    const ffmpeg = ffmpegAt(url);
    ffmpeg.send('SETUP', 1);
    await ffmpeg.until(() => ffmpeg.items.length === 1);
    ffmpeg.send('PLAY', 2);
    await ffmpeg.until(() => frames(ffmpeg.items).length === 2);
    const before = ffmpeg.items.length;
    const media = Buffer.concat(Array.from({ length: 20_000 }, (_, n) => {
      const payload = Buffer.alloc(1396 + (n % 7), n % 251);
      payload.writeUInt32BE(n);
      return Buffer.concat([Buffer.from([0x24, 0x00, payload.length >> 8, payload.length & 0xff]), payload]);
    }));
    ffmpeg.socket.pause();
    for (let at = 0; at < media.length; at += 256_000) camera.send(media.subarray(at, at + 256_000));
    await new Promise((r) => setTimeout(r, 500));
    ffmpeg.socket.resume();

    const receivedBytes = () => ffmpeg.items.slice(before).reduce((sum, i) => sum + (i.kind === 'frame' ? i.bytes.length : 0), 0);
    for (let i = 0; i < 1000 && receivedBytes() < media.length; i++) await new Promise((r) => setTimeout(r, 20));
    const received = Buffer.concat(ffmpeg.items.slice(before).map((i) => (i.kind === 'frame' ? i.bytes : Buffer.alloc(0))));
    expect(received.length).toBe(media.length);
    expect(received.equals(media)).toBe(true);
  }

  it('passes megabytes of media through unaltered while ffmpeg stalls and resumes reading', async () => {
    const { camera, lease } = await proxiedCamera(() => new RtspAuthProxy());
    await passesMediaUnaltered(camera, lease.url);
  }, 30_000);

  it('speaks TLS to an rtsps:// camera: signs its requests and passes its media through unaltered', async () => {
    const pems = await generate([{ name: 'commonName', value: 'camera' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const camera = await scriptedCamera({ key: pems.private, cert: pems.cert });
    cleanup.push(() => new Promise((r) => camera.server.close(r)));
    const proxy = new RtspAuthProxy(0, pems.cert);
    await proxy.start();
    cleanup.push(() => proxy.stop());
    const lease = proxy.lease({ upstreamUrl: `rtsps://127.0.0.1:${camera.port}/main`, username: 'cam', password: 'secret' });
    await passesMediaUnaltered(camera, lease.url);
    expect(camera.requests.map((r) => `${r.startLine.split(' ')[0]} ${headerValue(r.headers, 'authorization') ? 'signed' : 'bare'}`)).toEqual(['SETUP bare', 'SETUP signed', 'PLAY signed']);
  }, 30_000);

  it('answers 502 Bad Gateway when the camera cannot be reached, rather than closing on ffmpeg', async () => {
    // A port nobody listens on: connections to it are refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const proxy = new RtspAuthProxy();
    await proxy.start();
    cleanup.push(() => proxy.stop());
    const lease = proxy.lease({ upstreamUrl: `rtsp://127.0.0.1:${port}/main`, username: 'cam', password: 'secret' });
    const ffmpeg = ffmpegAt(lease.url);
    ffmpeg.send('OPTIONS', 7);
    await ffmpeg.until(() => ffmpeg.items.length === 1);
    expect(ffmpeg.items[0]).toMatchObject({ startLine: 'RTSP/1.0 502 Bad Gateway' });
    expect(headerValue((ffmpeg.items[0] as RtspMessage).headers, 'cseq')).toBe('7');
    await ffmpeg.until(() => ffmpeg.socket.destroyed || ffmpeg.socket.readableEnded);
  });

  it('admits one connection per lease and refuses unknown ids', async () => {
    const { lease } = await proxiedCamera(() => new RtspAuthProxy());
    const first = client(lease.url);
    cleanup.push(() => first.socket.destroy());
    first.send('OPTIONS', 1);
    await first.until(() => first.items.length === 1);
    const second = client(lease.url);
    cleanup.push(() => second.socket.destroy());
    second.send('OPTIONS', 1);
    await second.until(() => second.items.length === 1);
    expect(second.items[0]).toMatchObject({ startLine: 'RTSP/1.0 404 Not Found' });
  });

  it('in its own thread: a connection that arrives before its lease waits for it, an unknown one is refused after the grace', async () => {
    const { camera, proxy, target } = await proxiedCamera(() => new RtspAuthProxy(300));
    const id = 'ab'.repeat(16);
    const ffmpeg = ffmpegAt(`rtsp://127.0.0.1:${proxy.port}/${id}/main`);
    ffmpeg.send('OPTIONS', 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(ffmpeg.items).toHaveLength(0);
    proxy.admit(id, target);
    await ffmpeg.until(() => ffmpeg.items.length === 1);
    expect(ffmpeg.items[0]).toMatchObject({ startLine: 'RTSP/1.0 200 OK' });
    expect(camera.requests.map((r) => r.startLine.split(' ')[0])).toEqual(['OPTIONS', 'OPTIONS']);

    const stranger = ffmpegAt(`rtsp://127.0.0.1:${proxy.port}/${'cd'.repeat(16)}/main`);
    stranger.send('OPTIONS', 1);
    await stranger.until(() => stranger.items.length === 1);
    expect(stranger.items[0]).toMatchObject({ startLine: 'RTSP/1.0 404 Not Found' });
  });

  it('runs in a worker thread with the same interface (leases by message)', async () => {
    const errors: unknown[] = [];
    const { camera, lease } = await proxiedCamera(() => new ThreadedRtspAuthProxy({ error: (...args: unknown[]) => errors.push(args) } as unknown as Logger));
    const ffmpeg = ffmpegAt(lease.url);
    ffmpeg.send('SETUP', 1);
    await ffmpeg.until(() => ffmpeg.items.length === 1);
    ffmpeg.send('PLAY', 2);
    await ffmpeg.until(() => frames(ffmpeg.items).length === 2);
    expect(headerValue(camera.requests.at(-1)!.headers, 'authorization')).toMatch(/^Basic /);
    expect(errors).toEqual([]);
  });
});
