import { closeSync, existsSync, fstatSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { Fmp4FormatError, fragmentTiming, initTimescale, trexDefaults, typeOf, type TrackDefaults } from './fmp4-boxes.js';

/**
 * Follows the fragmented MP4 files a relay's ffmpeg writes into its run folder on tmpfs
 * (`-f segment` with `0.mp4`, `1.mp4`, …, each file a GOP: ftyp, moov, then one moof + mdat per
 * fragment, flushed as each fragment is cut). It reads box headers and moofs only — a few hundred
 * bytes a fragment — and hands out where each complete fragment lies, its duration and whether it
 * starts with a key frame. The video itself never passes through Vigil unless a player asks for it.
 *
 * The segment muxer closes a file before it opens the next, so once `n+1.mp4` exists, `n.mp4` is
 * whole. Each file's muxer starts its decode times (tfdt) at 0 again; players need one timeline,
 * so each fragment comes with the decode time it has in the run, written over the file's own
 * when its bytes are served.
 */
export interface FragmentRange {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  /** The fragment's decode time in the run, and where in its bytes it goes (tfdt). */
  readonly decodeTime?: { readonly at: number; readonly wide: boolean; readonly ticks: number };
}

export interface TailEvents {
  /** The run's init segment (ftyp + moov of its first file). */
  onInit(bytes: Buffer): void;
  onFragment(range: FragmentRange, durationS: number, independent: boolean): void;
  /** The files are not fragmented MP4: the relay should start again. */
  onError(err: Error): void;
}

/** A box larger than this is not a live camera's fragment: the file is broken, or not MP4. */
const MAX_BOX = 64 * 1024 * 1024;
// ffmpeg writes a fragment in a few write() calls a few microseconds apart: one read for them all.
const SETTLE_MS = 5;

export function segmentFileName(index: number): string {
  return `${index}.mp4`;
}

export class Fmp4FileTail {
  #index = 0;
  #fd: number | null = null;
  #offset = 0;
  #ftyp: Buffer | null = null;
  #timescale = 0;
  #defaults: TrackDefaults = { duration: 0, flags: 0 };
  #moof: { offset: number; bytes: Buffer } | null = null;
  /** Ticks of the run before the current file, and past the end of its last fragment read. */
  #fileBaseTicks = 0;
  #runTicks = 0;
  #watcher: FSWatcher | null = null;
  #settle: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #header = Buffer.alloc(16);

  constructor(
    readonly dir: string,
    private readonly events: TailEvents,
  ) {}

  /** Starts following the folder (which must exist); `poll()` also reads on demand. */
  start(): void {
    try {
      this.#watcher = watch(this.dir, { persistent: false }, () => this.#schedule());
      // The folder went away (the relay stopped): nothing more to follow.
      this.#watcher.on('error', () => this.close());
    } catch {
      // No inotify (limits reached): the owner's periodic poll still reads, only later.
    }
    this.poll();
  }

  /** Reads whatever ffmpeg has completed since the last read. */
  poll(): void {
    if (this.#closed) return;
    try {
      for (;;) {
        if (!this.#open()) return;
        this.#readBoxes();
        // The next file exists: this one is whole. Read what was added since, then move on.
        if (!existsSync(path.join(this.dir, segmentFileName(this.#index + 1)))) return;
        this.#readBoxes();
        this.#closeFile();
        this.#index += 1;
        this.#offset = 0;
        this.#moof = null;
        this.#fileBaseTicks = this.#runTicks;
      }
    } catch (err) {
      this.close();
      this.events.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#settle) clearTimeout(this.#settle);
    this.#settle = null;
    this.#closeFile();
  }

  #schedule(): void {
    if (this.#settle || this.#closed) return;
    this.#settle = setTimeout(() => {
      this.#settle = null;
      this.poll();
    }, SETTLE_MS);
  }

  #open(): boolean {
    if (this.#fd !== null) return true;
    try {
      this.#fd = openSync(path.join(this.dir, segmentFileName(this.#index)), 'r');
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  #closeFile(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  /** Every box complete in the current file from the read position on. */
  #readBoxes(): void {
    const fd = this.#fd!;
    const size = fstatSync(fd).size;
    while (this.#offset + 8 <= size) {
      const got = readSync(fd, this.#header, 0, 16, this.#offset);
      let boxSize = this.#header.readUInt32BE(0);
      if (boxSize === 1) {
        if (got < 16) return;
        boxSize = Number(this.#header.readBigUInt64BE(8));
      }
      if (boxSize < 8 || boxSize > MAX_BOX) throw new Fmp4FormatError(`not fragmented MP4: a box of ${boxSize} bytes in ${segmentFileName(this.#index)}`);
      if (this.#offset + boxSize > size) return; // still being written
      this.#take(typeOf(this.#header, 4), boxSize);
      this.#offset += boxSize;
    }
  }

  #take(type: string, size: number): void {
    const file = path.join(this.dir, segmentFileName(this.#index));
    if (type === 'ftyp' && !this.#timescale) this.#ftyp = this.#read(size);
    else if (type === 'moov' && !this.#timescale) {
      // Every file of a run repeats the same moov; the first is the run's init segment.
      const moov = this.#read(size);
      this.#timescale = initTimescale(moov.subarray(8));
      this.#defaults = trexDefaults(moov.subarray(8));
      this.events.onInit(this.#ftyp ? Buffer.concat([this.#ftyp, moov]) : moov);
    } else if (type === 'moof') this.#moof = { offset: this.#offset, bytes: this.#read(size) };
    else if (type === 'mdat' && this.#moof) {
      if (!this.#timescale) throw new Fmp4FormatError('a fragment before the init segment');
      const timing = fragmentTiming(this.#moof.bytes.subarray(8), this.#defaults);
      const field = timing.decodeTime;
      const ticks = field ? this.#fileBaseTicks + field.ticks : this.#runTicks;
      this.#runTicks = ticks + timing.ticks;
      const range = {
        file,
        offset: this.#moof.offset,
        length: this.#offset + size - this.#moof.offset,
        ...(field && { decodeTime: { at: 8 + field.at, wide: field.wide, ticks } }),
      };
      this.#moof = null;
      this.events.onFragment(range, timing.ticks / this.#timescale, timing.independent);
    }
    // styp, sidx, free, mfra (a file's trailer), a later file's ftyp + moov: nothing to hand out.
  }

  #read(size: number): Buffer {
    const out = Buffer.allocUnsafe(size);
    if (readSync(this.#fd!, out, 0, size, this.#offset) !== size) throw new Fmp4FormatError('a box shorter than its header says');
    return out;
  }
}
