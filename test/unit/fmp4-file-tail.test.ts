import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fragmentTiming } from '../../gateway/src/adapters/ffmpeg/fmp4-boxes.js';
import { fragmentFiles } from '../../gateway/src/relay/fragment-files.js';
import { Fmp4FileTail, segmentFileName, type FragmentRange } from '../../gateway/src/adapters/ffmpeg/fmp4-file-tail.js';
import { buildHlsArgv } from '../../gateway/src/adapters/ffmpeg/hls-argv.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'vigil-tail-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** 6 s of 25 fps H.264 with a key frame every second, written with the relay's own output options. */
function relayFiles(): string {
  const dir = path.join(scratch, 'ffmpeg');
  mkdirSync(dir);
  const argv = buildHlsArgv({ outputDir: dir, inputUrl: 'rtsp://127.0.0.1/x', sourceCodec: 'h264', transcodeToH264: false, gopSeconds: 1, partTargetS: 0.5, socketTimeoutS: 5, transcodeKbps: 800, probe: 'all-frames' });
  const output = argv.slice(argv.indexOf('segment') - 1);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '6', '-c:v', 'libx264', '-g', '25', '-bf', '0', ...output]);
  return dir;
}

interface Seen {
  init: Buffer | null;
  fragments: Array<{ range: FragmentRange; durationS: number; independent: boolean }>;
  errors: Error[];
}

function follow(dir: string): { tail: Fmp4FileTail; seen: Seen } {
  const seen: Seen = { init: null, fragments: [], errors: [] };
  const tail = new Fmp4FileTail(dir, {
    onInit: (bytes) => (seen.init = bytes),
    onFragment: (range, durationS, independent) => seen.fragments.push({ range, durationS, independent }),
    onError: (err) => seen.errors.push(err),
  });
  return { tail, seen };
}

const bytesOf = (r: FragmentRange) => readFileSync(r.file).subarray(r.offset, r.offset + r.length);

describe('Fmp4FileTail (a relay ffmpeg\'s files)', () => {
  const source = relayFiles();
  const files = readdirSync(source).sort((a, b) => parseInt(a) - parseInt(b));

  it('hands out the init segment, then one fragment per part with its duration and key-frame start', () => {
    const { tail, seen } = follow(source);
    tail.poll();
    tail.close();
    expect(files).toEqual([0, 1, 2, 3, 4, 5].map(segmentFileName));
    expect(seen.errors).toEqual([]);
    expect(seen.init!.subarray(4, 8).toString()).toBe('ftyp');
    expect(seen.init!.includes('moov')).toBe(true);
    // 6 s in all; every part within the 0.5 s target; a key frame opens a fragment each second.
    expect(seen.fragments.reduce((sum, f) => sum + f.durationS, 0)).toBeCloseTo(6, 1);
    for (const f of seen.fragments) expect(f.durationS).toBeLessThanOrEqual(0.5);
    let elapsed = 0;
    const keyAt: number[] = [];
    for (const f of seen.fragments) {
      if (f.independent) keyAt.push(Math.round(elapsed * 100) / 100);
      elapsed += f.durationS;
    }
    expect(keyAt).toEqual([0, 1, 2, 3, 4, 5]);
    for (const f of seen.fragments) expect(bytesOf(f.range).subarray(4, 8).toString()).toBe('moof');
    // Each file: its header (ftyp + moov), its fragments back to back, then ffmpeg's trailer (mfra).
    for (const name of files) {
      const whole = readFileSync(path.join(source, name));
      const own = seen.fragments.filter((f) => f.range.file === path.join(source, name));
      expect(whole.subarray(own[0]!.range.offset - seen.init!.length, own[0]!.range.offset).equals(seen.init!)).toBe(true);
      const end = own.reduce((at, f) => (expect(f.range.offset).toBe(at), at + f.range.length), own[0]!.range.offset);
      expect(whole.subarray(end + 4, end + 8).toString()).toBe('mfra');
    }
  });

  it('gives every fragment its decode time in the run, over each file starting again at 0', () => {
    const { tail, seen } = follow(source);
    tail.poll();
    tail.close();
    const fileStarts = seen.fragments.filter((f, i) => i > 0 && f.range.file !== seen.fragments[i - 1]!.range.file);
    expect(fileStarts.length).toBe(5);
    // As ffmpeg wrote them: every file from 0.
    for (const f of fileStarts) expect(fragmentTiming(bytesOf(f.range).subarray(8)).decodeTime!.ticks).toBe(0);
    // As served: one timeline, each fragment where the one before it ends.
    let expected = 0;
    for (const f of seen.fragments) {
      const served = fragmentFiles.read([f.range])!;
      expect(fragmentTiming(served.subarray(8)).decodeTime!.ticks).toBe(expected);
      expect(f.range.decodeTime!.ticks).toBe(expected);
      expected += Math.round(f.durationS * 90_000);
    }
    // A segment across two files: both fragments patched, in place.
    const pair = [seen.fragments[seen.fragments.indexOf(fileStarts[0]!) - 1]!, fileStarts[0]!];
    const joined = fragmentFiles.read(pair.map((f) => f.range))!;
    expect(fragmentTiming(joined.subarray(pair[0]!.range.length + 8)).decodeTime!.ticks).toBe(pair[1]!.range.decodeTime!.ticks);
  });

  it('reads files as ffmpeg writes them, a piece at a time, and finds the same fragments', () => {
    const growing = path.join(scratch, 'growing');
    mkdirSync(growing);
    const { tail, seen } = follow(growing);
    tail.poll(); // nothing yet
    let state = 11;
    for (const name of files) {
      const whole = readFileSync(path.join(source, name));
      writeFileSync(path.join(growing, name), '');
      for (let at = 0; at < whole.length; ) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        const size = 1 + (state % 40_000);
        appendFileSync(path.join(growing, name), whole.subarray(at, at + size));
        at += size;
        tail.poll();
      }
    }
    tail.poll();
    tail.close();
    const reference = follow(source);
    reference.tail.poll();
    expect(seen.errors).toEqual([]);
    expect(seen.init!.equals(reference.seen.init!)).toBe(true);
    const strip = (f: Seen['fragments'][number]) => ({ file: path.basename(f.range.file), offset: f.range.offset, length: f.range.length, decodeTime: f.range.decodeTime, durationS: f.durationS, independent: f.independent });
    expect(seen.fragments.map(strip)).toEqual(reference.seen.fragments.map(strip));
  });

  it('refuses what is not fragmented MP4', () => {
    const text = path.join(scratch, 'text');
    mkdirSync(text);
    writeFileSync(path.join(text, '0.mp4'), 'Input #0, rtsp, from ...\n');
    const a = follow(text);
    a.tail.poll();
    expect(a.seen.errors[0]?.message).toMatch(/not fragmented MP4/);
    const headless = path.join(scratch, 'headless');
    mkdirSync(headless);
    const first = readFileSync(path.join(source, files[0]!));
    writeFileSync(path.join(headless, '0.mp4'), first.subarray(first.indexOf('moof') - 4));
    const b = follow(headless);
    b.tail.poll();
    expect(b.seen.errors[0]?.message).toMatch(/before the init segment/);
  });

  it('reads per-sample durations and flags, and falls back on the track defaults', () => {
    const box = (type: string, payload: Buffer) => {
      const b = Buffer.concat([Buffer.alloc(4), Buffer.from(type), payload]);
      b.writeUInt32BE(b.length, 0);
      return b;
    };
    // tfhd with no defaults; trun with sample duration (0x100) and flags (0x400), 3 samples.
    const tfhd = box('tfhd', Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]));
    const samples = [[3000, 0x02000000], [3600, 0x01010000], [3000, 0x01010000]];
    const trunPayload = Buffer.alloc(8 + samples.length * 8);
    trunPayload.writeUInt32BE(0x000500, 0);
    trunPayload.writeUInt32BE(samples.length, 4);
    samples.forEach(([d, f], i) => {
      trunPayload.writeUInt32BE(d!, 8 + i * 8);
      trunPayload.writeUInt32BE(f!, 12 + i * 8);
    });
    const traf = box('traf', Buffer.concat([tfhd, box('trun', trunPayload)]));
    expect(fragmentTiming(traf)).toEqual({ ticks: 9600, independent: true, decodeTime: null });
    // The same run without per-sample fields: the defaults (from trex) decide.
    const bare = Buffer.alloc(8);
    bare.writeUInt32BE(0, 0);
    bare.writeUInt32BE(4, 4);
    const traf2 = box('traf', Buffer.concat([tfhd, box('trun', bare)]));
    expect(fragmentTiming(traf2, { duration: 1500, flags: 0x01010000 })).toEqual({ ticks: 6000, independent: false, decodeTime: null });
    // A 64-bit tfdt: its time and where it is.
    const tfdt = Buffer.alloc(12);
    tfdt.writeUInt32BE(0x01000000, 0);
    tfdt.writeBigUInt64BE(123456789012n, 4);
    const traf3 = box('traf', Buffer.concat([tfhd, box('tfdt', tfdt), box('trun', bare)]));
    const timing = fragmentTiming(traf3, { duration: 1500, flags: 0 });
    expect(timing.decodeTime).toEqual({ at: 8 + tfhd.length + 8 + 4, wide: true, ticks: 123456789012 });
    expect(traf3.readBigUInt64BE(timing.decodeTime!.at)).toBe(123456789012n);
  });
});
