/**
 * The ffmpeg command line of one HLS relay, as a pure value (DESIGN.md §3): built from the
 * camera's effective settings, tested as exact arrays, spawned without a shell. The input URL
 * never carries credentials — the caller hands ffmpeg an address that needs none.
 */
export interface HlsRelaySettings {
  /** The run's folder on tmpfs: ffmpeg writes `0.mp4`, `1.mp4`, … into it, one GOP a file. */
  readonly outputDir: string;
  /** rtsp:// or rtsps:// without user or password. */
  readonly inputUrl: string;
  readonly sourceCodec: 'h264' | 'h265';
  /** Re-encode H.265 to H.264 for browsers without HEVC. */
  readonly transcodeToH264: boolean;
  /** The camera's key-frame interval in seconds (a transcode puts its key frames on it). */
  readonly gopSeconds: number;
  /** The longest LL-HLS part, in seconds; ffmpeg cuts a fragment at every key frame and below this. */
  readonly partTargetS: number;
  /** How long ffmpeg waits on a silent camera before giving up, in seconds. */
  readonly socketTimeoutS: number;
  /** Bitrate of a transcode, in kbit/s. */
  readonly transcodeKbps: number;
  /**
   * How ffmpeg's probe reads the camera. 'all-frames' decodes every frame of one second; 'key-frames'
   * decodes only key frames, for a GOP and a bit (about half the CPU of a start, a later first part).
   * A transcode always probes all frames: the probe's decoder options are the transcoder's.
   */
  readonly probe: 'all-frames' | 'key-frames';
}

/** A key-frame probe lasts one GOP and this much more, so it meets a key frame whatever the phase. */
const KEY_FRAME_PROBE_MARGIN_S = 0.3;
/** Bytes a key-frame probe may read per second of probing (16 Mbit/s; it stops at whichever is first). */
const KEY_FRAME_PROBE_BYTES_PER_S = 2_000_000;

/**
 * The probe options. ffmpeg's RTSP input can gain streams at any time, so its probe always runs to
 * -analyzeduration: the probe's length is a floor of every start, and what it decodes is most of a
 * start's CPU (0.13 s of a core for a 1080p copy relay here, 0.08 s with key frames only).
 */
export function probeArgs(s: Pick<HlsRelaySettings, 'probe' | 'gopSeconds' | 'transcodeToH264'>): string[] {
  if (s.probe === 'all-frames' || s.transcodeToH264) {
    // A small probe, not the smallest. With -probesize 32 -analyzeduration 0 (0.1 s of CPU less per
    // 1080p start) ffmpeg has no frame rate to time the frames whose RTP packets carry no decoding
    // time: copied into fMP4, their timestamps came out uneven, and wall tiles froze for seconds
    // (measured here; 0.3 s of probing still froze one tile in nine). The first part waits for the
    // camera's next key frame anyway, which the probe's second often covers.
    return ['-probesize', '500000', '-analyzeduration', '1000000'];
  }
  // Frames before the first key frame are skipped, not decoded into grey guesses; the frame rate
  // still comes from the packets' times. Without a key frame in the probe ffmpeg has no picture
  // size and exits ("dimensions not set"): the relay then goes back to 'all-frames'.
  const seconds = s.gopSeconds + KEY_FRAME_PROBE_MARGIN_S;
  return ['-skip_frame', 'nokey', '-probesize', String(Math.ceil(seconds * KEY_FRAME_PROBE_BYTES_PER_S)), '-analyzeduration', String(Math.round(seconds * 1_000_000))];
}

export function assertNoCredentials(url: string): void {
  const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  if (authority.includes('@')) throw new Error('hls argv: the input URL must not carry credentials');
  if (!/^rtsps?:\/\//i.test(url)) throw new Error('hls argv: the input must be rtsp:// or rtsps://');
}

/**
 * ffmpeg's -frag_duration in microseconds. A fragment ends at the first frame at least this far
 * past its start, so it can run up to one frame interval longer: at 80 % of the part target, parts
 * stay within the target whenever a frame is at most 20 % of it (10 fps and up for 0.5 s parts).
 */
export function fragmentMicros(partTargetS: number): number {
  return Math.round(partTargetS * 0.8 * 1_000_000);
}

export function buildHlsArgv(s: HlsRelaySettings): string[] {
  assertNoCredentials(s.inputUrl);
  // ffmpeg expands % in the output pattern.
  if (!s.outputDir.startsWith('/') || /[%\s]/.test(s.outputDir)) throw new Error('hls argv: the output folder must be an absolute path without % or spaces');
  const secure = /^rtsps:/i.test(s.inputUrl);
  // fMP4 for every codec: browsers and hls.js play HEVC only from fMP4, and LL-HLS parts are fMP4 fragments.
  const hevc = s.sourceCodec === 'h265' && !s.transcodeToH264;
  const video = s.transcodeToH264
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
        // A key frame every GOP interval, whatever the frame rate: segments stay aligned.
        '-force_key_frames', `expr:gte(t,n_forced*${s.gopSeconds})`, '-sc_threshold', '0',
        '-b:v', `${s.transcodeKbps}k`, '-maxrate', `${s.transcodeKbps}k`, '-bufsize', `${s.transcodeKbps * 2}k`]
    : ['-c:v', 'copy', ...(hevc ? ['-tag:v', 'hvc1'] : [])];
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    // Only what RTSP over TCP needs: no file:, http:, concat: or other surprises behind a camera URL.
    '-protocol_whitelist', secure ? 'rtsps,rtsp,tls,tcp' : 'rtsp,tcp',
    '-rtsp_transport', 'tcp',
    // ffmpeg 5.1 has no -stimeout; without -timeout a dead camera hangs ffmpeg for ever.
    '-timeout', String(Math.round(s.socketTimeoutS * 1_000_000)),
    ...probeArgs(s),
    '-i', s.inputUrl,
    '-map', '0:v:0', '-an',
    ...video,
    // Fragmented MP4 files on tmpfs, a new one at the first key frame past 90 % of a GOP; Vigil
    // follows them and serves their fragments as LL-HLS parts. Each file starts with the init
    // segment (empty moov), then a fragment at every key frame and every part target, flushed to
    // the file as soon as it is cut (not when ffmpeg's 32 kB output buffer fills).
    '-f', 'segment',
    '-segment_format', 'mp4',
    '-segment_format_options', `movflags=empty_moov+default_base_moof+frag_keyframe:frag_duration=${fragmentMicros(s.partTargetS)}:video_track_timescale=90000:flush_packets=1`,
    '-segment_time', (s.gopSeconds * 0.9).toFixed(3),
    `${s.outputDir}/%d.mp4`,
  ];
}
