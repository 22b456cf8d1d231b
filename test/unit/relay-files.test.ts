import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlaylistFile, readPlaylist, reapOrphans, SEGMENT_FILE, segmentWrittenRecently } from '../../gateway/src/relay/relay-files.js';

describe('relay files', () => {
  it('accepts only playlist, init and numbered segment names', () => {
    for (const ok of ['index.m3u8', 'init.mp4', 'seg_000001.ts', 'seg_123456.m4s']) expect(SEGMENT_FILE.test(ok), ok).toBe(true);
    for (const bad of ['../index.m3u8', 'seg_1.ts', 'seg_000001.ts.bak', 'index.m3u8/..', 'INDEX.M3U8', 'seg_000001.mp4', '', '.']) expect(SEGMENT_FILE.test(bad), bad).toBe(false);
  });

  it('reads what a playlist says', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-pl-'));
    expect(readPlaylist(dir)).toBeNull();
    writeFileSync(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:41\n#EXTINF:1.8,\nseg_000041.ts\n#EXTINF:1.8,\nseg_000042.ts\n');
    expect(readPlaylist(dir)).toMatchObject({ segments: 2, mediaSequence: 41, targetDuration: 2 });
    rmSync(dir, { recursive: true });
  });

  it('keeps a playlist until ffmpeg replaces it, then reads the new one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-plf-'));
    const file = path.join(dir, 'index.m3u8');
    const playlist = new PlaylistFile(file);
    expect(playlist.current()).toBeNull();
    const version = (n: number) => `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:${n}\n#EXTINF:1.9,\nseg_${String(n).padStart(6, '0')}.ts\n`;
    writeFileSync(file, version(7));
    const first = playlist.current();
    expect(first).toMatchObject({ segments: 1, mediaSequence: 7 });
    expect(first!.bytes.toString()).toBe(version(7));
    // Unchanged: the same reading, not a new one.
    expect(playlist.current()).toBe(first);
    // ffmpeg's way: a temporary file renamed over the playlist.
    writeFileSync(`${file}.tmp`, version(8));
    renameSync(`${file}.tmp`, file);
    expect(playlist.current()!.bytes.toString()).toBe(version(8));
    expect(playlist.current()!.mediaSequence).toBe(8);
    // A restart empties the folder: no playlist until the next one.
    rmSync(file);
    expect(playlist.current()).toBeNull();
    rmSync(dir, { recursive: true });
  });

  it('tells a start that is writing its first segment from one that receives nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-seg-'));
    const now = Date.now();
    expect(segmentWrittenRecently(dir, now, 3000)).toBe(false);
    writeFileSync(path.join(dir, 'index.m3u8.tmp'), '');
    writeFileSync(path.join(dir, 'seg_000000.ts'), 'x');
    expect(segmentWrittenRecently(dir, now, 3000)).toBe(true);
    // The same file untouched for 10 s: nothing is arriving any more.
    utimesSync(path.join(dir, 'seg_000000.ts'), (now - 10_000) / 1000, (now - 10_000) / 1000);
    expect(segmentWrittenRecently(dir, now, 3000)).toBe(false);
    expect(segmentWrittenRecently(path.join(dir, 'gone'), now, 3000)).toBe(false);
    rmSync(dir, { recursive: true });
  });

  it('reaps only processes that name the relay root, then empties it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'vigil-reap-'));
    mkdirSync(path.join(root, 'cam_sub'));
    // A process that lives 30 s with the root in its command line, as a relay ffmpeg has.
    const ours = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)', root], { stdio: 'ignore' });
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    // Wait until the child has exec'd sleep (before that its command line is node's).
    for (let i = 0; i < 50 && !readFileSync(`/proc/${ours.pid}/cmdline`, 'utf8').includes(root); i++) await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path.join(root, 'a.pid'), String(ours.pid));
    writeFileSync(path.join(root, 'b.pid'), String(stranger.pid));
    const killed: number[] = [];
    expect(reapOrphans(root, (pid) => killed.push(pid))).toBe(1);
    expect(killed).toEqual([ours.pid]);
    expect(existsSync(path.join(root, 'cam_sub'))).toBe(false);
    ours.kill('SIGKILL');
    stranger.kill('SIGKILL');
  });
});
