/**
 * What a health check or a registration probe needs from a DESCRIBE answer's SDP (RFC 8866):
 * whether there is video, its codec and, when the camera announces it, its size.
 */
export interface SdpVideo {
  /** Normalised codec: h264, h265, mjpeg, mpeg4, or the encoding name in lower case. */
  readonly codec: string;
  readonly width: number | null;
  readonly height: number | null;
}

const CODECS: Record<string, string> = { h264: 'h264', h265: 'h265', hevc: 'h265', jpeg: 'mjpeg', 'mp4v-es': 'mpeg4' };

/** The first video stream of an SDP, or null when it has none (an audio-only or empty answer). */
export function videoOfSdp(sdp: string): SdpVideo | null {
  const lines = sdp.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('m=video '));
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('m='));
  const media = lines.slice(start, end < 0 ? undefined : end);
  const payloadType = media[0]!.split(/\s+/)[3] ?? '';
  let codec = /^\d+$/.test(payloadType) && Number(payloadType) === 26 ? 'mjpeg' : 'unknown';
  let width: number | null = null;
  let height: number | null = null;
  for (const line of media) {
    const rtpmap = /^a=rtpmap:(\d+)\s+([^/\s]+)/.exec(line);
    if (rtpmap && rtpmap[1] === payloadType) {
      const name = rtpmap[2]!.toLowerCase();
      codec = CODECS[name] ?? name;
    }
    // Cameras announce their size as a=framesize:96 1920-1080 or a=x-dimensions:1920,1080.
    const size = /^a=(?:framesize:\d+\s+(\d+)-(\d+)|x-dimensions:\s*(\d+),(\d+))/.exec(line);
    if (size) {
      width = Number(size[1] ?? size[3]);
      height = Number(size[2] ?? size[4]);
    }
  }
  return { codec, width, height };
}
