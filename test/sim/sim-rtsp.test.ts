import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';
import { ffprobeStreams, withCredentials } from '../helpers/media-probe.js';

let farm: Farm;

beforeAll(async () => {
  farm = await startFarm({
    network: '127.81',
    cameras: [
      { name: 'h264-digest', codec: 'h264', auth: 'digest' },
      { name: 'h265-basic', codec: 'h265', auth: 'basic' },
      { name: 'open', codec: 'h264', auth: 'none' },
      { name: 'clip-h265', codec: 'h265', auth: 'digest', source: 'clip' },
    ],
  });
}, 120_000);
afterAll(async () => farm?.stop());

const camera = (name: string) => farm.cameras.find((c) => c.name === name)!;

describe('simulated RTSP cameras', () => {
  it.each([
    ['h264-digest', 'h264', 640, 360],
    ['h265-basic', 'hevc', 640, 360],
    ['open', 'h264', 640, 360],
    ['clip-h265', 'hevc', 640, 360],
  ])('%s serves %s video on its main mount', async (name, codec, width, height) => {
    const c = camera(name);
    const url = c.auth === 'none' ? c.rtspUrl : withCredentials(c.rtspUrl, c.username, c.password);
    const probe = await ffprobeStreams(url);
    expect(probe.error).toBe('');
    expect(probe.streams).toEqual([expect.objectContaining({ codec_type: 'video', codec_name: codec, width, height })]);
  });

  it('serves a smaller sub stream', async () => {
    const c = camera('h264-digest');
    const probe = await ffprobeStreams(withCredentials(c.subRtspUrl, c.username, c.password));
    expect(probe.streams).toEqual([expect.objectContaining({ codec_name: 'h264', width: 320, height: 180 })]);
  });

  it.each(['h264-digest', 'h265-basic', 'clip-h265'])('%s answers 401 without credentials and with a wrong password', async (name) => {
    const c = camera(name);
    const anonymous = await ffprobeStreams(c.rtspUrl);
    expect(anonymous.ok).toBe(false);
    expect(anonymous.error).toContain('401');
    const wrong = await ffprobeStreams(withCredentials(c.rtspUrl, c.username, 'not-the-password'));
    expect(wrong.ok).toBe(false);
    expect(wrong.error).toContain('401');
  });

  it('gives every camera its own loopback address and a unique identity', () => {
    const hosts = new Set(farm.cameras.map((c) => c.host));
    expect(hosts.size).toBe(farm.cameras.length);
    for (const host of hosts) expect(host).toMatch(/^127\.81\.\d+\.\d+$/);
    expect(new Set(farm.cameras.map((c) => c.serialNumber)).size).toBe(farm.cameras.length);
    expect(new Set(farm.cameras.map((c) => c.macAddress)).size).toBe(farm.cameras.length);
  });
});
