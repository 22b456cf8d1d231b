import { closeSync, openSync, readSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FragmentRange } from '../adapters/ffmpeg/fmp4-file-tail.js';
import type { MediaStore } from './live-window.js';

/**
 * The relays' parts and segments as ffmpeg wrote them on tmpfs: read synchronously on the API's
 * thread (a copy from memory, microseconds for a part, far less than a trip through libuv's
 * 4-thread pool, where reads queued behind each other under a 200-viewer load), deleted once the
 * playlist no longer lists them (and a run's folder with its last file).
 */
export const fragmentFiles: MediaStore = {
  read(ranges: readonly FragmentRange[]): Buffer | null {
    const out = Buffer.allocUnsafe(ranges.reduce((sum, r) => sum + r.length, 0));
    let filled = 0;
    let fd = -1;
    let openFile = '';
    try {
      for (const range of ranges) {
        if (range.file !== openFile) {
          if (fd >= 0) closeSync(fd);
          fd = -1; // closed: if the next open throws, `finally` must not close it again
          fd = openSync(range.file, 'r');
          openFile = range.file;
        }
        if (readSync(fd, out, filled, range.length, range.offset) !== range.length) return null;
        // The run's decode time over the file's own (each file's muxer started at 0).
        const time = range.decodeTime;
        if (time?.wide) out.writeBigUInt64BE(BigInt(time.ticks), filled + time.at);
        else if (time) out.writeUInt32BE(time.ticks % 2 ** 32, filled + time.at);
        filled += range.length;
      }
      return out;
    } catch {
      // Gone: the relay stopped, or the part left the playlist since it was asked for.
      return null;
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  },
  release(file: string): void {
    rmSync(file, { force: true });
    try {
      // An earlier run's folder goes with its last listed file (the running one always holds the file being written).
      rmdirSync(path.dirname(file));
    } catch {
      // Not empty: files of parts still listed, or the one ffmpeg is writing.
    }
  },
};
