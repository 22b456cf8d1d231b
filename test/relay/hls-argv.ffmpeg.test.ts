import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHlsArgv } from '../../gateway/src/adapters/ffmpeg/hls-argv.js';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';
import { ffprobeStreams } from '../helpers/media-probe.js';

let farm: Farm;
const out = mkdtempSync(path.join(os.tmpdir(), 'vigil-hls-'));

beforeAll(async () => {
  // No camera password here: these tests check ffmpeg's side of the argv only.
  farm = await startFarm({ network: '127.89', auth: 'none', cameras: [{ name: 'avc', codec: 'h264' }, { name: 'hevc', codec: 'h265' }], main: { gop: 15, fps: 15 } });
}, 60_000);
afterAll(async () => {
  await farm?.stop();
  rmSync(out, { recursive: true, force: true });
});

/** Runs ffmpeg with the relay's argv for `seconds`, then stops it as the relay would. */
async function relayFor(seconds: number, settings: Parameters<typeof buildHlsArgv>[0]): Promise<void> {
  const child = spawn('ffmpeg', buildHlsArgv(settings), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  if (!existsSync(path.join(settings.outputDir, 'index.m3u8'))) throw new Error(`no playlist; ffmpeg said: ${stderr}`);
}

const settings = (name: string, dir: string, extra: Partial<Parameters<typeof buildHlsArgv>[0]> = {}) => ({
  inputUrl: farm.cameras.find((c) => c.name === name)!.rtspUrl,
  outputDir: dir,
  sourceCodec: 'h264' as const,
  transcodeToH264: false,
  gopSeconds: 1,
  socketTimeoutS: 5,
  playlistLength: 6,
  transcodeKbps: 800,
  ...extra,
});

function freshDir(name: string): string {
  const dir = path.join(out, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('the relay argv with real ffmpeg 5.1 and simulated cameras', () => {
  it('H.264: MPEG-TS segments of about one GOP', async () => {
    const dir = freshDir('avc');
    await relayFor(6, settings('avc', dir));
    const playlist = readFileSync(path.join(dir, 'index.m3u8'), 'utf8');
    expect(playlist).toContain('#EXT-X-TARGETDURATION');
    const segments = readdirSync(dir).filter((f) => /^seg_\d{6}\.ts$/.test(f));
    expect(segments.length).toBeGreaterThanOrEqual(3);
    const probe = await ffprobeStreams(path.join(dir, segments[1]!));
    expect(probe.streams).toEqual([expect.objectContaining({ codec_name: 'h264' })]);
  });

  it('H.265: fMP4 segments with an init segment', async () => {
    const dir = freshDir('hevc');
    await relayFor(6, settings('hevc', dir, { sourceCodec: 'h265' }));
    expect(readFileSync(path.join(dir, 'index.m3u8'), 'utf8')).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect(existsSync(path.join(dir, 'init.mp4'))).toBe(true);
    expect(readdirSync(dir).filter((f) => /^seg_\d{6}\.m4s$/.test(f)).length).toBeGreaterThanOrEqual(3);
    const probe = await ffprobeStreams(path.join(dir, 'index.m3u8'));
    expect(probe.streams).toEqual([expect.objectContaining({ codec_name: 'hevc' })]);
  });

  it('H.265 transcoded: H.264 MPEG-TS segments', async () => {
    const dir = freshDir('transcode');
    await relayFor(7, settings('hevc', dir, { sourceCodec: 'h265', transcodeToH264: true }));
    const segments = readdirSync(dir).filter((f) => /^seg_\d{6}\.ts$/.test(f));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    const probe = await ffprobeStreams(path.join(dir, segments[0]!));
    expect(probe.streams).toEqual([expect.objectContaining({ codec_name: 'h264' })]);
  });
});
