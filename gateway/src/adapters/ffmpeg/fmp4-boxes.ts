/**
 * What Vigil reads of fragmented MP4 boxes (ISO/IEC 14496-12): the track's timescale and defaults
 * from the init segment's moov, and each fragment's duration and key-frame start from its moof.
 * Enough to cut LL-HLS parts and segments without touching the video itself.
 */
const SAMPLE_IS_NON_SYNC = 0x0001_0000;

export class Fmp4FormatError extends Error {}

/** The child boxes of a box's payload, as [type, payload] pairs. */
function* children(buf: Uint8Array, start: number, end: number): Generator<[string, Uint8Array]> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    }
    if (size < header || at + size > end) return;
    yield [typeOf(buf, at + 4), buf.subarray(at + header, at + size)];
    at += size;
  }
}

export function typeOf(buf: Uint8Array, at: number): string {
  return String.fromCharCode(buf[at]!, buf[at + 1]!, buf[at + 2]!, buf[at + 3]!);
}

function find(buf: Uint8Array, path: readonly string[]): Uint8Array | null {
  let current: Uint8Array = buf;
  for (const type of path) {
    let next: Uint8Array | null = null;
    for (const [t, payload] of children(current, 0, current.length)) {
      if (t === type) {
        next = payload;
        break;
      }
    }
    if (!next) return null;
    current = next;
  }
  return current;
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** The video track's timescale (ticks per second), from moov/trak/mdia/mdhd. */
export function initTimescale(moov: Uint8Array): number {
  const mdhd = find(moov, ['trak', 'mdia', 'mdhd']);
  if (!mdhd || mdhd.length < 24) throw new Fmp4FormatError('init segment without a media header');
  const v = viewOf(mdhd);
  // version 1: 8-byte creation and modification times; version 0: 4-byte.
  return mdhd[0] === 1 ? v.getUint32(20) : v.getUint32(12);
}

/** trex defaults from moov/mvex (ffmpeg repeats them in tfhd, but a moof may rely on them). */
export interface TrackDefaults {
  readonly duration: number;
  readonly flags: number;
}

export function trexDefaults(moov: Uint8Array): TrackDefaults {
  const trex = find(moov, ['mvex', 'trex']);
  if (!trex || trex.length < 24) return { duration: 0, flags: 0 };
  const v = viewOf(trex);
  return { duration: v.getUint32(12), flags: v.getUint32(20) };
}

/** Where a fragment's base media decode time (tfdt) is: `at` bytes into the moof's payload. */
export interface DecodeTimeField {
  readonly at: number;
  /** 64 bits (tfdt version 1) or 32. */
  readonly wide: boolean;
  readonly ticks: number;
}

export interface FragmentTiming {
  readonly ticks: number;
  readonly independent: boolean;
  readonly decodeTime: DecodeTimeField | null;
}

/** Duration (in ticks), key-frame start and decode-time field of a moof's first track fragment (`moof`: the box's payload). */
export function fragmentTiming(moof: Uint8Array, defaults: TrackDefaults = { duration: 0, flags: 0 }): FragmentTiming {
  const traf = find(moof, ['traf']);
  if (!traf) throw new Fmp4FormatError('fragment without a track');
  let defaultDuration = defaults.duration;
  let defaultFlags = defaults.flags;
  let ticks = 0;
  let firstFlags: number | null = null;
  let decodeTime: DecodeTimeField | null = null;
  for (const [type, box] of children(traf, 0, traf.length)) {
    const v = viewOf(box);
    const flags = v.getUint32(0) & 0xff_ffff;
    if (type === 'tfdt' && box.length >= 8) {
      const wide = box[0] === 1 && box.length >= 12;
      decodeTime = { at: box.byteOffset - moof.byteOffset + 4, wide, ticks: wide ? Number(v.getBigUint64(4)) : v.getUint32(4) };
    } else if (type === 'tfhd') {
      let at = 8; // version+flags, track id
      if (flags & 0x01) at += 8; // base data offset
      if (flags & 0x02) at += 4; // sample description index
      if (flags & 0x08) defaultDuration = v.getUint32((at += 4) - 4);
      if (flags & 0x10) at += 4; // default sample size
      if (flags & 0x20) defaultFlags = v.getUint32(at);
    } else if (type === 'trun') {
      const count = v.getUint32(4);
      let at = 8;
      if (flags & 0x01) at += 4; // data offset
      let first: number | null = null;
      if (flags & 0x04) first = v.getUint32((at += 4) - 4);
      const perSample = ((flags & 0x100 ? 1 : 0) + (flags & 0x200 ? 1 : 0) + (flags & 0x400 ? 1 : 0) + (flags & 0x800 ? 1 : 0)) * 4;
      if (at + count * perSample > box.length) throw new Fmp4FormatError('truncated track run');
      for (let i = 0; i < count; i += 1) {
        let field = at + i * perSample;
        if (flags & 0x100) {
          ticks += v.getUint32(field);
          field += 4;
        } else ticks += defaultDuration;
        if (flags & 0x200) field += 4;
        if (i === 0 && first === null && flags & 0x400) first = v.getUint32(field);
      }
      if (firstFlags === null && count > 0) firstFlags = first ?? defaultFlags;
    }
  }
  if (firstFlags === null) throw new Fmp4FormatError('fragment without samples');
  return { ticks, independent: (firstFlags & SAMPLE_IS_NON_SYNC) === 0, decodeTime };
}
