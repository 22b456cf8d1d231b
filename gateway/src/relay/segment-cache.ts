import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The last few segments a relay's players asked for, kept in memory. The viewers of one camera
 * ask for the same new segment within a second or two of each other, and every read of it from
 * the relay folder cost four trips through libuv's thread pool (open, stat, read, close) and a
 * fresh buffer, on the thread that also answers playlist requests. Viewers asking at the same
 * moment share one read.
 *
 * Only segments the playlist lists are kept: ffmpeg lists a segment once it has written all of
 * it. The owner empties the cache whenever ffmpeg starts again, as segment names start over.
 */
export class SegmentCache {
  readonly #entries = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly dir: string,
    private readonly capacity: number,
  ) {}

  /** The file's bytes; `listed`: the current playlist lists it, so it is complete and may be kept. */
  read(name: string, listed: boolean): Promise<Buffer> {
    const kept = this.#entries.get(name);
    if (kept) return kept;
    const reading = readFile(path.join(this.dir, name));
    if (!listed) return reading;
    this.#entries.set(name, reading);
    // A failed read is not kept (the caller gets the error).
    reading.catch(() => {
      if (this.#entries.get(name) === reading) this.#entries.delete(name);
    });
    // Oldest first out: players follow the live edge, so the newest are the ones asked for.
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(oldest);
    }
    return reading;
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
