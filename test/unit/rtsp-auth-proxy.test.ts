import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RtspAuthProxy, type AuthProxy } from '../../gateway/src/adapters/rtsp/rtsp-auth-proxy.js';
import { ThreadedRtspAuthProxy } from '../../gateway/src/adapters/rtsp/rtsp-proxy-thread.js';
import type { Logger } from '../../gateway/src/logging/logger.js';
import { headerValue, RtspReader, writeMessage, type RtspItem, type RtspMessage } from '../../gateway/src/adapters/rtsp/rtsp-message.js';

/**
 * A scripted camera: Basic auth required on every request; answers PLAY with the response and
 * the first media frames in one TCP write (as cameras do), then streams frames until closed.
 */
async function scriptedCamera(): Promise<{ server: Server; port: number; requests: RtspMessage[]; sendFrame(n: number): void }> {
  const requests: RtspMessage[] = [];
  const sockets: Socket[] = [];
  const frame = (n: number) => Buffer.from([0x24, 0x00, 0x00, 0x02, n >> 8, n & 0xff]);
  const server = createServer((socket) => {
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
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, port, requests, sendFrame: (n) => sockets.at(-1)?.write(frame(n)) };
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
