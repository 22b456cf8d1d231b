/**
 * RTSP/1.0 framing (RFC 2326 §4, §10.12): text messages (request or response line, headers,
 * optional body sized by Content-Length) interleaved with binary RTP/RTCP frames
 * (`$`, channel, 16-bit length, payload) on one TCP connection. Pure: bytes in, items out.
 */
export interface RtspMessage {
  readonly kind: 'message';
  /** "DESCRIBE rtsp://… RTSP/1.0" or "RTSP/1.0 200 OK". */
  readonly startLine: string;
  /** Header names as sent, in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** One or more whole interleaved frames, back to back, exactly as received. */
export interface InterleavedFrame {
  readonly kind: 'frame';
  readonly bytes: Buffer;
}

export type RtspItem = RtspMessage | InterleavedFrame;

export const MAX_HEADER_BYTES = 64 * 1024;
export const MAX_BODY_BYTES = 1024 * 1024;

export class RtspFramingError extends Error {}

/** Splits a byte stream into RTSP messages and interleaved frames; keeps partial input. */
export class RtspReader {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RtspItem[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const items: RtspItem[] = [];
    for (;;) {
      const item = this.#next();
      if (!item) break;
      items.push(item);
    }
    return items;
  }

  /** Bytes received but not yet handed out (a partial frame or message); the reader is left empty. */
  takeRemainder(): Buffer {
    const rest = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return rest;
  }

  #next(): RtspItem | null {
    const buf = this.#buffer;
    if (buf.length === 0) return null;
    if (buf[0] === 0x24) {
      // A relay moves hundreds of RTP packets a second: hand over the whole run of complete frames
      // as one slice, so the caller makes one write per TCP chunk rather than one per packet.
      let total = 0;
      while (buf.length - total >= 4 && buf[total] === 0x24) {
        const next = total + 4 + buf.readUInt16BE(total + 2);
        if (next > buf.length) break;
        total = next;
      }
      if (total === 0) return null;
      this.#buffer = buf.subarray(total);
      return { kind: 'frame', bytes: buf.subarray(0, total) };
    }
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > MAX_HEADER_BYTES) throw new RtspFramingError('RTSP header too large');
      return null;
    }
    const head = buf.subarray(0, end).toString('latin1').split('\r\n');
    const startLine = head[0] ?? '';
    const headers = head.slice(1).map((line): [string, string] => {
      const colon = line.indexOf(':');
      return colon < 0 ? [line.trim(), ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    });
    const length = Number(headerValue(headers, 'content-length') ?? 0);
    if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) throw new RtspFramingError('bad Content-Length');
    const total = end + 4 + length;
    if (buf.length < total) return null;
    this.#buffer = buf.subarray(total);
    return { kind: 'message', startLine, headers, body: Buffer.from(buf.subarray(end + 4, total)) };
  }
}

export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([k]) => k.toLowerCase() === lower)?.[1];
}

/** Serialises a message, setting Content-Length from the body. */
export function writeMessage(startLine: string, headers: ReadonlyArray<readonly [string, string]>, body: Buffer = Buffer.alloc(0)): Buffer {
  const lines = [startLine, ...headers.filter(([k]) => k.toLowerCase() !== 'content-length').map(([k, v]) => `${k}: ${v}`)];
  if (body.length > 0) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}
