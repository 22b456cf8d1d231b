import path from 'node:path';
import type { FragmentRange } from '../adapters/ffmpeg/fmp4-file-tail.js';
import { AnswerCache } from './answer-cache.js';

/**
 * A relay's live stream as Low-Latency HLS (RFC 8216bis): ffmpeg's fMP4 fragments (in its files
 * on tmpfs) become parts, parts are grouped into segments that start at a key frame, and the last
 * few segments make the playlist. The window holds where each part lies, not its bytes: they are
 * read when a player asks, and the last few answers are kept for the camera's other viewers
 * (AnswerCache: a few a relay, within one budget for all). A player that knows LL-HLS starts from
 * the first part (~0.5 s of video) instead of waiting a whole GOP for the first segment, and waits
 * for the next part with a blocking playlist request instead of polling; any other HLS player reads
 * the same playlist's segments.
 *
 * Names (the only ones served): `init_<run>.mp4`, `seg_<msn>.m4s`, `part_<msn>_<index>.m4s`.
 * Media sequence numbers keep counting across ffmpeg restarts; a restart starts a new run, whose
 * first segment follows an EXT-X-DISCONTINUITY (and a new init segment, as the codec may differ).
 */
export const STREAM_FILE = /^(?:index\.m3u8|init_\d{1,6}\.mp4|seg_\d{1,9}\.m4s|part_\d{1,9}_\d{1,4}\.m4s)$/;

export interface LiveWindowSettings {
  /** The cameras' usual key-frame interval: a segment holds one GOP. */
  readonly gopSeconds: number;
  /** The longest part ffmpeg cuts (its -frag_duration stays below this). */
  readonly partTargetS: number;
  /** Complete segments listed. */
  readonly playlistLength: number;
}

/** Where the parts' bytes are: ffmpeg's files, or memory in tests. */
export interface MediaStore {
  /** The ranges' bytes, joined; null when a file is gone. */
  read(ranges: readonly FragmentRange[]): Buffer | null;
  /** No listed part lies in this file any more. */
  release(file: string): void;
}

interface Part {
  readonly range: FragmentRange;
  readonly durationS: number;
  readonly independent: boolean;
}

interface Segment {
  readonly msn: number;
  readonly run: number;
  readonly discontinuity: boolean;
  readonly parts: Part[];
  durationS: number;
  complete: boolean;
}

type Condition = () => boolean;
interface Waiter {
  readonly ready: Condition;
  readonly done: () => void;
}

// Segments whose parts are listed: the open one and the last complete ones (LL-HLS asks for
// parts over the last three target durations).
const SEGMENTS_WITH_PARTS = 4;
// Answers kept for a camera's other viewers, who ask for the same new part or segment within a
// second or so: newest first out of a handful, as players follow the live edge.
export const KEPT_ANSWERS = 4;

export class LiveWindow {
  readonly targetDuration: number;
  readonly #settings: LiveWindowSettings;
  readonly #minSegmentS: number;
  #segments: Segment[] = [];
  /**
   * Segments that left the playlist, still served: RFC 8216 §6.2.2 keeps a removed segment
   * available for its duration plus the playlist's, for a player that read the playlist just
   * before (a viewer joining 3 segments back on a busy machine asked for them seconds later).
   */
  #retired: Segment[] = [];
  #nextMsn = 0;
  #run = 0;
  /** Init segments by run: the current one, and older ones while their segments are listed. */
  readonly #inits = new Map<number, Buffer>();
  #discontinuitySequence = 0;
  #newRun = false;
  #waiters: Waiter[] = [];
  #playlist: Buffer | null = null;
  readonly #answersKey: number;

  /** `answers`: shared by every relay's window (one byte budget); a window of its own by default. */
  constructor(
    settings: LiveWindowSettings,
    private readonly store: MediaStore,
    private readonly answers = new AnswerCache(64 * 2 ** 20, KEPT_ANSWERS),
  ) {
    this.#answersKey = answers.owner();
    this.#settings = settings;
    // EXTINF rounded to whole seconds may not exceed the target duration.
    this.targetDuration = Math.max(1, Math.ceil(settings.gopSeconds));
    // A key frame starts a new segment once this much is in the open one: one GOP a segment.
    this.#minSegmentS = Math.max(settings.partTargetS, settings.gopSeconds * 0.9);
  }

  /** A new ffmpeg run's init segment: what follows is a new run (after a discontinuity). */
  beginRun(init: Buffer): void {
    this.#closeOpenSegment();
    this.#run += 1;
    this.#inits.set(this.#run, init);
    this.#dropUnlistedInits();
    this.#newRun = this.#segments.length > 0;
    this.#changed();
  }

  /** One fragment of the current run: a part of the open segment, or the first of a new one. */
  addFragment(range: FragmentRange, durationS: number, independent: boolean): void {
    if (this.#run === 0) return; // no init segment yet: nothing a player could decode
    const open = this.#openSegment();
    const fits = open && open.durationS + durationS <= this.targetDuration + 0.49;
    if (open && ((independent && open.durationS >= this.#minSegmentS) || !fits)) this.#closeOpenSegment();
    let segment = this.#openSegment();
    if (!segment) {
      segment = { msn: this.#nextMsn++, run: this.#run, discontinuity: this.#newRun, parts: [], durationS: 0, complete: false };
      this.#newRun = false;
      this.#segments.push(segment);
      this.#trim();
    }
    segment.parts.push({ range, durationS, independent });
    segment.durationS += durationS;
    this.#changed();
  }

  /** The playlist, or null before the first part. */
  playlist(): Buffer | null {
    if (this.#segments.length === 0) return null;
    return (this.#playlist ??= Buffer.from(this.#render()));
  }

  /** The bytes behind a (validated) file name, or null when the window does not hold it. */
  file(name: string): Buffer | null {
    const init = /^init_(\d+)\.mp4$/.exec(name);
    if (init) return this.#inits.get(Number(init[1])) ?? null;
    const kept = this.answers.get(this.#answersKey, name);
    if (kept) return kept;
    const ranges = this.#ranges(name);
    const bytes = ranges && this.store.read(ranges);
    if (!bytes) return null;
    this.answers.set(this.#answersKey, name, bytes);
    return bytes;
  }

  /** Where a segment's or a part's bytes lie; null when the window does not hold it (yet). */
  #ranges(name: string): FragmentRange[] | null {
    const seg = /^seg_(\d+)\.m4s$/.exec(name);
    if (seg) {
      const segment = this.#servable(Number(seg[1]));
      return segment?.complete ? segment.parts.map((p) => p.range) : null;
    }
    const part = /^part_(\d+)_(\d+)\.m4s$/.exec(name);
    const range = part && this.#servable(Number(part[1]))?.parts[Number(part[2])]?.range;
    return range ? [range] : null;
  }

  /**
   * Resolves once the playlist holds segment `msn` complete, or its part `part` (LL-HLS blocking
   * playlist reload), or after `timeoutMs` with whatever it holds then.
   */
  waitForPlaylist(msn: number, part: number | null, timeoutMs: number): Promise<void> {
    // Further ahead than the next segment: not what a player asks for; answered as it is now.
    if (msn > this.#nextMsn + 1) return Promise.resolve();
    return this.#waitFor(() => this.#has(msn, part), timeoutMs);
  }

  /** Resolves once part `part` of segment `msn` exists, or it never will (its segment closed), or after `timeoutMs`. */
  waitForPart(msn: number, part: number, timeoutMs: number): Promise<void> {
    // Only the open segment's next part or the next segment's first can be about to come.
    if (msn > this.#nextMsn) return Promise.resolve();
    return this.#waitFor(() => {
      const segment = this.#segment(msn);
      return this.#has(msn, part) || !!segment?.complete;
    }, timeoutMs);
  }

  /** The folders holding listed parts (a restarted relay's earlier runs may still be listed). */
  listedFolders(): Set<string> {
    return new Set(this.#retired.concat(this.#segments).flatMap((segment) => segment.parts.map((p) => path.dirname(p.range.file))));
  }

  /** Ends every wait (the relay stops). */
  clearWaiters(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.done();
  }

  /** The relay stopped: its kept answers go. */
  close(): void {
    this.clearWaiters();
    this.answers.forget(this.#answersKey);
  }

  #has(msn: number, part: number | null): boolean {
    const segment = this.#segment(msn);
    // Not held: long gone (answer now), or still to come (wait).
    if (!segment) return msn < (this.#segments[0]?.msn ?? 0);
    return segment.complete || (part !== null && segment.parts.length > part);
  }

  #waitFor(ready: Condition, timeoutMs: number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        ready,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** A listed or retired segment. */
  #servable(msn: number): Segment | undefined {
    return this.#segment(msn) ?? this.#retired.find((segment) => segment.msn === msn);
  }

  #segment(msn: number): Segment | undefined {
    const first = this.#segments[0];
    return first ? this.#segments[msn - first.msn] : undefined;
  }

  #openSegment(): Segment | null {
    const last = this.#segments.at(-1);
    return last && !last.complete ? last : null;
  }

  #closeOpenSegment(): void {
    const open = this.#openSegment();
    if (open) open.complete = true;
  }

  /** Lists `playlistLength` complete segments and the open one; retires older ones for as long again, then lets their files go. */
  #trim(): void {
    const excess = this.#segments.length - (this.#settings.playlistLength + 1);
    if (excess <= 0) return;
    const retiring = this.#segments.splice(0, excess);
    for (const segment of retiring) if (segment.discontinuity) this.#discontinuitySequence += 1;
    this.#dropUnlistedInits();
    this.#retired.push(...retiring);
    const gone = this.#retired.splice(0, Math.max(0, this.#retired.length - (this.#settings.playlistLength + 1)));
    const kept = new Set(this.#retired.concat(this.#segments).flatMap((segment) => segment.parts.map((p) => p.range.file)));
    const unused = new Set(gone.flatMap((segment) => segment.parts.map((p) => p.range.file)).filter((file) => !kept.has(file)));
    for (const file of unused) this.store.release(file);
  }

  #dropUnlistedInits(): void {
    for (const run of this.#inits.keys()) {
      if (run !== this.#run && !this.#segments.some((segment) => segment.run === run)) this.#inits.delete(run);
    }
  }

  #changed(): void {
    this.#playlist = null;
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (waiter.ready()) waiter.done();
      else still.push(waiter);
    }
    this.#waiters = still;
  }

  #render(): string {
    const partTarget = this.#settings.partTargetS;
    const first = this.#segments[0]!;
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      `#EXT-X-TARGETDURATION:${this.targetDuration}`,
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${fixed(partTarget * 3)}`,
      `#EXT-X-PART-INF:PART-TARGET=${fixed(partTarget)}`,
      `#EXT-X-MEDIA-SEQUENCE:${first.msn}`,
      `#EXT-X-DISCONTINUITY-SEQUENCE:${this.#discontinuitySequence}`,
    ];
    const withParts = this.#segments.length - SEGMENTS_WITH_PARTS;
    let mapOf = -1;
    this.#segments.forEach((segment, index) => {
      if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
      if (segment.run !== mapOf) {
        mapOf = segment.run;
        lines.push(`#EXT-X-MAP:URI="init_${segment.run}.mp4"`);
      }
      if (index >= withParts) {
        segment.parts.forEach((part, i) => {
          lines.push(`#EXT-X-PART:DURATION=${fixed(part.durationS)},URI="part_${segment.msn}_${i}.m4s"${part.independent ? ',INDEPENDENT=YES' : ''}`);
        });
      }
      if (segment.complete) lines.push(`#EXTINF:${fixed(segment.durationS)},`, `seg_${segment.msn}.m4s`);
    });
    const last = this.#segments.at(-1)!;
    // The part that comes next, if it falls in the open segment (a key frame may open a new one).
    if (!last.complete && last.run === this.#run) lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_${last.msn}_${last.parts.length}.m4s"`);
    return `${lines.join('\n')}\n`;
  }
}

function fixed(seconds: number): string {
  return seconds.toFixed(3);
}
