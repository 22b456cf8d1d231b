import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeLadder } from '../../gateway/src/health/probe-ladder.js';

/** The ladder's paths that need no simulated camera: rtsps reachability, and nothing listening. */
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server.close();
});

const target = (p: number, secure: boolean) => ({
  cameraId: 'c1',
  rtsp: { url: `${secure ? 'rtsps' : 'rtsp'}://127.0.0.1:${p}/main`, host: '127.0.0.1', port: p, secure },
  mediaUrl: `rtsp://127.0.0.1:${p}/sub`,
  username: null,
  password: null,
  onvifUrl: null,
});

describe('probe ladder', () => {
  it('checks an rtsps camera by TCP reachability (its DESCRIBE would need TLS)', async () => {
    const ladder = new ProbeLadder({ timeoutMs: 1000 }, null);
    expect(await ladder.run(target(port, true), false)).toEqual([{ step: 'tcp', ok: true, ms: 0 }]);
  });

  it('stops at a refused connection, and times out on a silent RTSP server', async () => {
    const ladder = new ProbeLadder({ timeoutMs: 300 }, null);
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    expect(await ladder.run(target(closed, false), false)).toMatchObject([{ step: 'tcp', ok: false, reason: 'refused' }]);
    expect(await ladder.run(target(port, false), false)).toMatchObject([{ step: 'tcp', ok: true }, { step: 'rtsp', ok: false, reason: 'timeout' }]);
  });
});
