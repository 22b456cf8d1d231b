/**
 * The ffmpeg command line of one HLS relay, as a pure value (DESIGN.md §3): built from the
 * camera's effective settings, tested as exact arrays, spawned without a shell. The input URL
 * never carries credentials — the caller hands ffmpeg an address that needs none.
 */
export interface HlsRelaySettings {
  /** rtsp:// or rtsps:// without user or password. */
  readonly inputUrl: string;
  /** Folder of the playlist and segments (per camera and profile, on tmpfs). */
  readonly outputDir: string;
  readonly sourceCodec: 'h264' | 'h265';
  /** Re-encode H.265 to H.264 for browsers without HEVC. */
  readonly transcodeToH264: boolean;
  /** The camera's key-frame interval in seconds; segments are cut just below it. */
  readonly gopSeconds: number;
  /** How long ffmpeg waits on a silent camera before giving up, in seconds. */
  readonly socketTimeoutS: number;
  readonly playlistLength: number;
  /** Bitrate of a transcode, in kbit/s. */
  readonly transcodeKbps: number;
}

export function assertNoCredentials(url: string): void {
  const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  if (authority.includes('@')) throw new Error('hls argv: the input URL must not carry credentials');
  if (!/^rtsps?:\/\//i.test(url)) throw new Error('hls argv: the input must be rtsp:// or rtsps://');
}

/** Segment duration: a little below the GOP so each segment holds one GOP; never below 0.5 s. */
export function hlsTime(gopSeconds: number): number {
  return Math.max(0.5, Math.round(gopSeconds * 0.9 * 10) / 10);
}

/**
 * Cut threshold of the first playlist's segments: half a GOP. ffmpeg cuts at the first key frame
 * past a running total of these thresholds, and the first key frames of an RTSP session arrive with
 * jittery timestamps (late RTCP sync, a camera's start-up burst): with the threshold just below the
 * GOP, a key frame 0.2 s early was missed and the first segment held two GOPs — 2 s more to wait
 * before a new stream could play. Later segments keep hls_time; the running total has slack by then.
 */
export function hlsInitTime(gopSeconds: number): number {
  return Math.max(0.5, Math.round(gopSeconds * 0.5 * 10) / 10);
}

export function buildHlsArgv(s: HlsRelaySettings): string[] {
  assertNoCredentials(s.inputUrl);
  const secure = /^rtsps:/i.test(s.inputUrl);
  // fMP4 segments carry H.265 (browsers and hls.js play HEVC only from fMP4); H.264 uses MPEG-TS.
  const fmp4 = s.sourceCodec === 'h265' && !s.transcodeToH264;
  const video = s.transcodeToH264
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
        // A key frame every GOP interval, whatever the frame rate: segments stay aligned.
        '-force_key_frames', `expr:gte(t,n_forced*${s.gopSeconds})`, '-sc_threshold', '0',
        '-b:v', `${s.transcodeKbps}k`, '-maxrate', `${s.transcodeKbps}k`, '-bufsize', `${s.transcodeKbps * 2}k`]
    : ['-c:v', 'copy', ...(fmp4 ? ['-tag:v', 'hvc1'] : [])];
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    // Only what RTSP over TCP needs: no file:, http:, concat: or other surprises behind a camera URL.
    '-protocol_whitelist', secure ? 'rtsps,rtsp,tls,tcp' : 'rtsp,tcp',
    '-rtsp_transport', 'tcp',
    // ffmpeg 5.1 has no -stimeout; without -timeout a dead camera hangs ffmpeg for ever.
    '-timeout', String(Math.round(s.socketTimeoutS * 1_000_000)),
    // A small probe, not the smallest: with -probesize 32 -analyzeduration 0 (~0.1 s of CPU less per
    // 1080p start) a 10 fps sub stream got no frame rate and unset timestamps, and its playlist
    // never grew past one segment (measured here).
    '-probesize', '500000', '-analyzeduration', '1000000',
    '-i', s.inputUrl,
    '-map', '0:v:0', '-an',
    ...video,
    '-f', 'hls',
    '-hls_time', String(hlsTime(s.gopSeconds)),
    '-hls_init_time', String(hlsInitTime(s.gopSeconds)),
    '-hls_list_size', String(s.playlistLength),
    '-hls_flags', 'delete_segments+independent_segments+omit_endlist',
    '-hls_delete_threshold', '2',
    ...(fmp4
      ? ['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', `${s.outputDir}/seg_%06d.m4s`]
      : ['-hls_segment_type', 'mpegts', '-hls_segment_filename', `${s.outputDir}/seg_%06d.ts`]),
    `${s.outputDir}/index.m3u8`,
  ];
}
