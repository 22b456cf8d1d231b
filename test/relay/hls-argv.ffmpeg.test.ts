import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fmp4FileTail, type FragmentRange } from '../../gateway/src/adapters/ffmpeg/fmp4-file-tail.js';
import { buildHlsArgv, probeArgs, type HlsRelaySettings } from '../../gateway/src/adapters/ffmpeg/hls-argv.js';
import { PROBE_WITHOUT_PICTURE } from '../../gateway/src/relay/relay-supervisor.js';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';

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

interface Fragment {
  readonly range: FragmentRange;
  readonly durationS: number;
  readonly independent: boolean;
  readonly bytes: Buffer;
}

/** Runs ffmpeg with the relay's argv for `seconds`, following its files as the relay does. */
async function relayFor(seconds: number, settings: HlsRelaySettings): Promise<{ init: Buffer; fragments: Fragment[]; files: string[] }> {
  mkdirSync(settings.outputDir, { recursive: true });
  const child = spawn('ffmpeg', buildHlsArgv(settings), { stdio: ['ignore', 'ignore', 'pipe'] });
  let init: Buffer | null = null;
  const ranges: Array<Omit<Fragment, 'bytes'>> = [];
  const tail = new Fmp4FileTail(settings.outputDir, {
    onInit: (bytes) => (init = bytes),
    onFragment: (range, durationS, independent) => ranges.push({ range, durationS, independent }),
    onError: (err) => {
      throw err;
    },
  });
  tail.start();
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const exited = new Promise((r) => child.once('close', r));
  child.kill('SIGTERM');
  await exited;
  tail.poll();
  tail.close();
  if (!init) throw new Error(`no init segment; ffmpeg said: ${stderr}`);
  const fragments = ranges.map((f) => ({ ...f, bytes: readFileSync(f.range.file).subarray(f.range.offset, f.range.offset + f.range.length) }));
  return { init, fragments, files: readdirSync(settings.outputDir) };
}

const settings = (name: string, extra: Partial<HlsRelaySettings> = {}): HlsRelaySettings => ({
  outputDir: path.join(out, `${name}-${Math.random().toString(36).slice(2)}`),
  inputUrl: farm.cameras.find((c) => c.name === name)!.rtspUrl,
  sourceCodec: 'h264',
  transcodeToH264: false,
  gopSeconds: 1,
  partTargetS: 0.5,
  socketTimeoutS: 5,
  transcodeKbps: 800,
  probe: 'all-frames',
  ...extra,
});

/** What ffprobe says of the init segment followed by the fragments. */
function probe(init: Buffer, fragments: Fragment[]): { codec: string; tag: string; frames: number } {
  const file = path.join(out, `${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(file, Buffer.concat([init, ...fragments.map((f) => f.bytes)]));
  const [codec, tag, frames] = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,codec_tag_string,nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim().split(',');
  return { codec: codec!, tag: tag!, frames: Number(frames) };
}

/** Each frame's duration in 90 kHz ticks, as ffprobe reads the init segment and the fragments. */
function frameDurations(init: Buffer, fragments: Fragment[]): number[] {
  const file = path.join(out, `${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(file, Buffer.concat([init, ...fragments.map((f) => f.bytes)]));
  return execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
}

/** Seconds from the first fragment to each one that starts with a key frame. */
function keyFrameTimes(fragments: Fragment[]): number[] {
  let at = 0;
  const times: number[] = [];
  for (const f of fragments) {
    if (f.independent) times.push(Math.round(at * 10) / 10);
    at += f.durationS;
  }
  return times;
}

describe('the relay argv with real ffmpeg 5.1 and simulated cameras, followed as the relay does', () => {
  it('H.264: fragments of at most a part target, a key frame opening one each GOP', async () => {
    const { init, fragments, files } = await relayFor(5, settings('avc'));
    expect(fragments.length).toBeGreaterThanOrEqual(6);
    // A file a GOP, named as the relay follows them; each starts with a key frame.
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.every((f) => /^\d+\.mp4$/.test(f))).toBe(true);
    for (const f of fragments.filter((x) => x.range.offset < 2000)) expect(f.independent).toBe(true);
    for (const f of fragments) expect(f.durationS).toBeLessThanOrEqual(0.5);
    // The first fragment starts at a key frame: a player can start there.
    expect(fragments[0]!.independent).toBe(true);
    const keys = keyFrameTimes(fragments);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    keys.slice(1).forEach((t, i) => expect(t - keys[i]!).toBeCloseTo(1, 0)); // the camera's 1 s GOP
    expect(probe(init, fragments)).toMatchObject({ codec: 'h264', tag: 'avc1' });
  });

  it('H.265: tagged hvc1', async () => {
    const { init, fragments } = await relayFor(4, settings('hevc', { sourceCodec: 'h265' }));
    expect(fragments[0]!.independent).toBe(true);
    const probed = probe(init, fragments);
    expect(probed).toMatchObject({ codec: 'hevc', tag: 'hvc1' });
    expect(probed.frames).toBeGreaterThanOrEqual(15);
  });

  it.each([
    ['avc', 'h264', 'avc1'],
    ['hevc', 'h265', 'hvc1'],
  ] as const)('%s with the key-frame probe: starts at a key frame, every frame evenly timed', async (name, sourceCodec, tag) => {
    const { init, fragments } = await relayFor(5, settings(name, { sourceCodec, probe: 'key-frames' }));
    expect(fragments[0]!.independent).toBe(true);
    expect(probe(init, fragments)).toMatchObject({ codec: sourceCodec === 'h264' ? 'h264' : 'hevc', tag });
    // The frame rate comes from the packets' times, not from decoded frames: 15 fps is 6000 ticks a frame.
    const durations = frameDurations(init, fragments);
    expect(durations.length).toBeGreaterThanOrEqual(15);
    expect(new Set(durations)).toEqual(new Set([6000]));
  });

  it('a key-frame probe that meets no key frame ends with the words the relay falls back on', () => {
    // H.264 with its key-frame (IDR) slices removed: parameter sets and P frames only.
    const input = path.join(out, 'no-idr.h264');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '3', '-c:v', 'libx264', '-g', '250', '-bf', '0', '-bsf:v', 'filter_units=remove_types=5', '-f', 'h264', input]);
    const argv = buildHlsArgv(settings('avc', { probe: 'key-frames' }));
    mkdirSync(argv.at(-1)!.replace('/%d.mp4', ''), { recursive: true });
    // The relay's argv with the camera swapped for the file (the whitelist and RTSP options go with it).
    const fileArgv = [...probeArgs({ probe: 'key-frames', gopSeconds: 1, transcodeToH264: false }), '-i', input, ...argv.slice(argv.indexOf('-map'))];
    const run = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'warning', ...fileArgv], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr.split('\n').some((line) => PROBE_WITHOUT_PICTURE.test(line))).toBe(true);
    expect(readdirSync(argv.at(-1)!.replace('/%d.mp4', ''))).toEqual([]);
  });

  it('H.265 transcoded: H.264 with a key frame each GOP', async () => {
    const { init, fragments } = await relayFor(6, settings('hevc', { sourceCodec: 'h265', transcodeToH264: true }));
    expect(probe(init, fragments)).toMatchObject({ codec: 'h264', tag: 'avc1' });
    const keys = keyFrameTimes(fragments);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    keys.slice(1).forEach((t, i) => expect(t - keys[i]!).toBeCloseTo(1, 0));
  });
});
