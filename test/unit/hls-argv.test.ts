import { describe, expect, it } from 'vitest';
import { buildHlsArgv, hlsInitTime, hlsTime, type HlsRelaySettings } from '../../gateway/src/adapters/ffmpeg/hls-argv.js';

const base: HlsRelaySettings = {
  inputUrl: 'rtsp://127.0.0.1:8554/main',
  outputDir: '/dev/shm/vigil/cam1-sub',
  sourceCodec: 'h264',
  transcodeToH264: false,
  gopSeconds: 2,
  socketTimeoutS: 5,
  playlistLength: 6,
  transcodeKbps: 1500,
};

const HEAD = ['-hide_banner', '-nostdin', '-loglevel', 'warning'];
const INPUT = ['-rtsp_transport', 'tcp', '-timeout', '5000000', '-probesize', '500000', '-analyzeduration', '1000000'];
const HLS = ['-f', 'hls', '-hls_time', '1.8', '-hls_init_time', '1', '-hls_list_size', '6', '-hls_flags', 'delete_segments+independent_segments+omit_endlist', '-hls_delete_threshold', '2'];

describe('buildHlsArgv', () => {
  it('copies H.264 into MPEG-TS segments', () => {
    expect(buildHlsArgv(base)).toEqual([
      ...HEAD, '-protocol_whitelist', 'rtsp,tcp', ...INPUT, '-i', 'rtsp://127.0.0.1:8554/main', '-map', '0:v:0', '-an', '-c:v', 'copy',
      ...HLS, '-hls_segment_type', 'mpegts', '-hls_segment_filename', '/dev/shm/vigil/cam1-sub/seg_%06d.ts', '/dev/shm/vigil/cam1-sub/index.m3u8',
    ]);
  });

  it('copies H.265 into fMP4 segments tagged hvc1', () => {
    expect(buildHlsArgv({ ...base, sourceCodec: 'h265' })).toEqual([
      ...HEAD, '-protocol_whitelist', 'rtsp,tcp', ...INPUT, '-i', 'rtsp://127.0.0.1:8554/main', '-map', '0:v:0', '-an', '-c:v', 'copy', '-tag:v', 'hvc1',
      ...HLS, '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', '/dev/shm/vigil/cam1-sub/seg_%06d.m4s', '/dev/shm/vigil/cam1-sub/index.m3u8',
    ]);
  });

  it('transcodes H.265 to H.264 with key frames on the GOP', () => {
    expect(buildHlsArgv({ ...base, sourceCodec: 'h265', transcodeToH264: true })).toEqual([
      ...HEAD, '-protocol_whitelist', 'rtsp,tcp', ...INPUT, '-i', 'rtsp://127.0.0.1:8554/main', '-map', '0:v:0', '-an',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
      '-force_key_frames', 'expr:gte(t,n_forced*2)', '-sc_threshold', '0', '-b:v', '1500k', '-maxrate', '1500k', '-bufsize', '3000k',
      ...HLS, '-hls_segment_type', 'mpegts', '-hls_segment_filename', '/dev/shm/vigil/cam1-sub/seg_%06d.ts', '/dev/shm/vigil/cam1-sub/index.m3u8',
    ]);
  });

  it('allows TLS for rtsps and nothing more', () => {
    const argv = buildHlsArgv({ ...base, inputUrl: 'rtsps://cam.example:322/live' });
    expect(argv[argv.indexOf('-protocol_whitelist') + 1]).toBe('rtsps,rtsp,tls,tcp');
  });

  it.each(['rtsp://admin:pw@127.0.0.1/main', 'rtsp://admin@127.0.0.1/main', 'file:///etc/passwd', 'http://127.0.0.1/x'])('refuses %s', (inputUrl) => {
    expect(() => buildHlsArgv({ ...base, inputUrl })).toThrow();
  });

  it.each([[2, 1.8], [1, 0.9], [0.4, 0.5], [4, 3.6]])('hlsTime(%s GOP) = %s', (gop, t) => {
    expect(hlsTime(gop)).toBe(t);
  });

  it.each([[2, 1], [1, 0.5], [0.4, 0.5], [4, 2], [2.5, 1.3]])('hlsInitTime(%s GOP) = %s', (gop, t) => {
    expect(hlsInitTime(gop)).toBe(t);
  });
});
