import { describe, expect, it } from 'vitest';
import { LiveWindow, STREAM_FILE } from '../../gateway/src/relay/live-window.js';

const settings = { gopSeconds: 2, partTargetS: 0.5, playlistLength: 3 };
const bytes = (label: string) => Buffer.from(label);
/** A part whose "file" is its own label: the memory store below reads the label back. */
const at = (label: string) => ({ file: label, offset: 0, length: label.length });

/** Parts' bytes in memory, with a record of what was read and released. */
function memory() {
  const released: string[] = [];
  let reads = 0;
  return {
    released,
    reads: () => reads,
    read(ranges: ReadonlyArray<{ file: string }>) {
      reads += 1;
      return ranges.some((r) => released.includes(r.file)) ? null : Buffer.from(ranges.map((r) => r.file).join(''));
    },
    release(file: string) {
      released.push(file);
    },
  };
}

/** Feeds `gops` GOPs of 2 s as five 0.4 s fragments each, the first of each a key frame. */
function feed(window: LiveWindow, gops: number, from = 0): void {
  for (let g = from; g < from + gops; g += 1) {
    for (let i = 0; i < 5; i += 1) window.addFragment(at(`g${g}f${i}`), 0.4, i === 0);
  }
}

describe('LiveWindow (LL-HLS)', () => {
  it('has no playlist before video, and a playable one from the first part', () => {
    const window = new LiveWindow(settings, memory());
    expect(window.playlist()).toBeNull();
    window.addFragment(at('before init'), 0.4, true); // nothing a player could decode: dropped
    expect(window.playlist()).toBeNull();
    window.beginRun(bytes('init1'));
    expect(window.playlist()).toBeNull();
    window.addFragment(at('g0f0'), 0.4, true);
    expect(window.playlist()!.toString()).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:9',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500',
        '#EXT-X-PART-INF:PART-TARGET=0.500',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-DISCONTINUITY-SEQUENCE:0',
        '#EXT-X-MAP:URI="init_1.mp4"',
        '#EXT-X-PART:DURATION=0.400,URI="part_0_0.m4s",INDEPENDENT=YES',
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_0_1.m4s"',
        '',
      ].join('\n'),
    );
    expect(window.file('init_1.mp4')!.toString()).toBe('init1');
    expect(window.file('part_0_0.m4s')!.toString()).toBe('g0f0');
    expect(window.file('part_0_1.m4s')).toBeNull();
    expect(window.file('seg_0.m4s')).toBeNull(); // not complete yet
  });

  it('cuts a segment at the first key frame a GOP in, and a segment is its parts joined', () => {
    const window = new LiveWindow(settings, memory());
    window.beginRun(bytes('init1'));
    feed(window, 2);
    const text = window.playlist()!.toString();
    expect(text).toContain('#EXT-X-PART:DURATION=0.400,URI="part_0_4.m4s"\n#EXTINF:2.000,\nseg_0.m4s\n#EXT-X-PART:DURATION=0.400,URI="part_1_0.m4s",INDEPENDENT=YES');
    expect(window.file('seg_0.m4s')!.toString()).toBe('g0f0g0f1g0f2g0f3g0f4');
    // A key frame before the segment is a GOP long does not cut it (a camera's extra key frame).
    const early = new LiveWindow(settings, memory());
    early.beginRun(bytes('init1'));
    early.addFragment(at('a'), 0.4, true);
    early.addFragment(at('b'), 0.4, true);
    expect(early.playlist()!.toString()).not.toContain('#EXTINF');
  });

  it('cuts a segment that would outgrow the target duration even without a key frame', () => {
    const window = new LiveWindow(settings, memory());
    window.beginRun(bytes('init1'));
    // A camera with a 4 s GOP where 2 s was configured: no key frame for 10 parts.
    for (let i = 0; i < 10; i += 1) window.addFragment(at(`f${i}`), 0.4, i === 0);
    const text = window.playlist()!.toString();
    // 2.4 s rounds to 2: within the target; the next segment's first part is not independent.
    expect(text).toContain('#EXTINF:2.400,\nseg_0.m4s\n#EXT-X-PART:DURATION=0.400,URI="part_1_0.m4s"\n');
  });

  it('keeps playlistLength complete segments, and lists parts for the last ones only', () => {
    const window = new LiveWindow(settings, memory());
    window.beginRun(bytes('init1'));
    feed(window, 8);
    window.addFragment(at('g8f0'), 0.4, true);
    const text = window.playlist()!.toString();
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:5\n');
    expect(text.match(/^seg_\d+\.m4s$/gm)).toEqual(['seg_5.m4s', 'seg_6.m4s', 'seg_7.m4s']);
    expect(text).toContain('part_5_0.m4s');
    // Unlisted segments stay served for as long again as the playlist is (RFC 8216 §6.2.2), then go.
    expect(window.file('seg_4.m4s')!.toString()).toBe('g4f0g4f1g4f2g4f3g4f4');
    expect(window.file('part_1_0.m4s')!.toString()).toBe('g1f0');
    expect(window.file('seg_0.m4s')).toBeNull();
    expect(window.file('part_0_4.m4s')).toBeNull();
    expect(window.file('seg_5.m4s')).not.toBeNull();
    const many = new LiveWindow({ ...settings, playlistLength: 6 }, memory());
    many.beginRun(bytes('init1'));
    feed(many, 8);
    many.addFragment(at('g8f0'), 0.4, true);
    const listed = many.playlist()!.toString();
    // Parts for the open segment and the three complete ones before it.
    expect([...new Set([...listed.matchAll(/URI="part_(\d+)_/g)].map((m) => m[1]))]).toEqual(['5', '6', '7', '8']);
    expect(listed).toContain('#EXTINF:2.000,\nseg_2.m4s');
  });

  it('starts a new run after a discontinuity with its own init, and serves the old init while its segments are listed', () => {
    const window = new LiveWindow(settings, memory());
    window.beginRun(bytes('init1'));
    feed(window, 1);
    window.addFragment(at('g1f0'), 0.4, true);
    window.addFragment(at('g1f1'), 0.4, false);
    // ffmpeg dies mid-segment and a new one starts: the open segment ends where it is.
    window.beginRun(bytes('init2'));
    // Until the new run's first part, players see the old run's segments, nothing hinted.
    const between = window.playlist()!.toString();
    expect(between).toContain('#EXTINF:0.800,\nseg_1.m4s\n');
    expect(between).not.toContain('PRELOAD-HINT');
    feed(window, 1, 10);
    const text = window.playlist()!.toString();
    expect(text).toContain('#EXTINF:0.800,\nseg_1.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init_2.mp4"\n#EXT-X-PART:DURATION=0.400,URI="part_2_0.m4s",INDEPENDENT=YES');
    expect(window.file('init_1.mp4')!.toString()).toBe('init1');
    expect(window.file('init_2.mp4')!.toString()).toBe('init2');
    // Once the old run's segments are gone, so is its init, and the discontinuity is counted.
    feed(window, 4, 11);
    const later = window.playlist()!.toString();
    expect(later).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1\n');
    expect(later).not.toContain('#EXT-X-DISCONTINUITY\n');
    expect(window.file('init_1.mp4')).toBeNull();
  });

  it('answers a blocking playlist request when its part comes, or when its time is up', async () => {
    const window = new LiveWindow(settings, memory());
    window.beginRun(bytes('init1'));
    window.addFragment(at('g0f0'), 0.4, true);
    let answered = false;
    const waiting = window.waitForPlaylist(0, 1, 5000).then(() => (answered = true));
    await Promise.resolve();
    expect(answered).toBe(false);
    window.addFragment(at('g0f1'), 0.4, false);
    await waiting;
    expect(answered).toBe(true);
    // Already there: at once. The next segment: held until the timeout at most.
    await window.waitForPlaylist(0, 0, 5000);
    const started = Date.now();
    await window.waitForPlaylist(1, null, 150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    // Far ahead (no player asks for that): answered at once, whatever the timeout.
    await window.waitForPlaylist(9, null, 60_000);
    await window.waitForPart(9, 0, 60_000);
    // A whole segment asked for: answered when it is complete.
    let complete = false;
    const whole = window.waitForPlaylist(0, null, 5000).then(() => (complete = true));
    for (let i = 2; i < 5; i += 1) window.addFragment(at(`g0f${i}`), 0.4, false);
    await Promise.resolve();
    expect(complete).toBe(false);
    window.addFragment(at('g1f0'), 0.4, true);
    await whole;
    expect(complete).toBe(true);
  });

  it('answers a request for the hinted part when it comes, or when a key frame opened a new segment instead', async () => {
    const window = new LiveWindow(settings, memory());
    window.beginRun(bytes('init1'));
    for (let i = 0; i < 5; i += 1) window.addFragment(at(`g0f${i}`), 0.4, i === 0);
    // The hint is part_0_5; a key frame comes and opens segment 1 instead.
    const hinted = window.waitForPart(0, 5, 5000);
    window.addFragment(at('g1f0'), 0.4, true);
    await hinted;
    expect(window.file('part_0_5.m4s')).toBeNull();
    expect(window.file('part_1_0.m4s')!.toString()).toBe('g1f0');
    // The waits of a stopped relay end at once.
    const pending = window.waitForPart(1, 3, 60_000);
    window.clearWaiters();
    await pending;
  });

  it('releases the files of parts no longer served, and reads a part once for its viewers', () => {
    const store = memory();
    const window = new LiveWindow(settings, store);
    window.beginRun(bytes('init1'));
    feed(window, 8);
    expect(store.released).toEqual([]);
    expect(window.playlist()!.toString()).toContain('#EXT-X-MEDIA-SEQUENCE:4\n');
    window.addFragment(at('g8f0'), 0.4, true);
    // Segment 8 opened: segment 4 leaves the playlist, and segment 0 (retired since 4 left) is let go.
    expect(store.released).toEqual(['g0f0', 'g0f1', 'g0f2', 'g0f3', 'g0f4']);
    expect(window.file('seg_0.m4s')).toBeNull();
    const reads = store.reads();
    expect(window.file('part_8_0.m4s')!.toString()).toBe('g8f0');
    expect(window.file('part_8_0.m4s')!.toString()).toBe('g8f0');
    expect(window.file('seg_7.m4s')!.toString()).toBe('g7f0g7f1g7f2g7f3g7f4');
    expect(window.file('seg_7.m4s')!.toString()).toBe('g7f0g7f1g7f2g7f3g7f4');
    expect(store.reads() - reads).toBe(2);
    // A file shared by a listed part stays.
    const shared = memory();
    const w2 = new LiveWindow(settings, shared);
    w2.beginRun(bytes('init1'));
    for (let g = 0; g < 5; g += 1) for (let i = 0; i < 5; i += 1) w2.addFragment({ file: 'one-file', offset: g * 5 + i, length: 1 }, 0.4, i === 0);
    expect(shared.released).toEqual([]);
    expect([...w2.listedFolders()]).toEqual(['.']);
  });

  it('names only what it serves', () => {
    for (const ok of ['index.m3u8', 'init_1.mp4', 'seg_0.m4s', 'seg_123456789.m4s', 'part_12_0.m4s', 'part_1_1234.m4s']) expect(STREAM_FILE.test(ok), ok).toBe(true);
    for (const bad of ['../index.m3u8', 'init.mp4', 'init_.mp4', 'seg_1.ts', 'seg_1.m4s.bak', 'part_1.m4s', 'part_1_12345.m4s', 'seg_1234567890.m4s', 'index.m3u8/..', 'INDEX.M3U8', 'seg_-1.m4s', '', '.']) {
      expect(STREAM_FILE.test(bad), bad).toBe(false);
    }
  });
});
