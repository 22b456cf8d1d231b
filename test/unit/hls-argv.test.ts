import { describe, expect, it } from 'vitest';
import { buildHlsArgv, fragmentMicros, probeArgs, type HlsRelaySettings } from '../../gateway/src/adapters/ffmpeg/hls-argv.js';

const base: HlsRelaySettings = {
  outputDir: '/dev/shm/vigil-relay-0123/cam1_main_copy/3',
  inputUrl: 'rtsp://127.0.0.1:8554/main',
  sourceCodec: 'h264',
  transcodeToH264: false,
  gopSeconds: 2,
  partTargetS: 0.5,
  socketTimeoutS: 5,
  transcodeKbps: 1500,
  probe: 'all-frames',
};

const HEAD = ['-hide_banner', '-nostdin', '-loglevel', 'warning'];
const INPUT = ['-rtsp_transport', 'tcp', '-timeout', '5000000', '-probesize', '500000', '-analyzeduration', '1000000'];
const FMP4 = [
  '-f', 'segment', '-segment_format', 'mp4',
  '-segment_format_options', 'movflags=empty_moov+default_base_moof+frag_keyframe:frag_duration=400000:video_track_timescale=90000:flush_packets=1',
  '-segment_time', '1.800', '/dev/shm/vigil-relay-0123/cam1_main_copy/3/%d.mp4',
];

describe('buildHlsArgv', () => {
  it('copies H.264 into fragmented MP4 files, one a GOP', () => {
    expect(buildHlsArgv(base)).toEqual([
      ...HEAD, '-protocol_whitelist', 'rtsp,tcp', ...INPUT, '-i', 'rtsp://127.0.0.1:8554/main', '-map', '0:v:0', '-an', '-c:v', 'copy', ...FMP4,
    ]);
  });

  it('copies H.265 tagged hvc1 (what browsers play)', () => {
    expect(buildHlsArgv({ ...base, sourceCodec: 'h265' })).toEqual([
      ...HEAD, '-protocol_whitelist', 'rtsp,tcp', ...INPUT, '-i', 'rtsp://127.0.0.1:8554/main', '-map', '0:v:0', '-an', '-c:v', 'copy', '-tag:v', 'hvc1', ...FMP4,
    ]);
  });

  it('transcodes H.265 to H.264 with key frames on the GOP', () => {
    expect(buildHlsArgv({ ...base, sourceCodec: 'h265', transcodeToH264: true })).toEqual([
      ...HEAD, '-protocol_whitelist', 'rtsp,tcp', ...INPUT, '-i', 'rtsp://127.0.0.1:8554/main', '-map', '0:v:0', '-an',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
      '-force_key_frames', 'expr:gte(t,n_forced*2)', '-sc_threshold', '0', '-b:v', '1500k', '-maxrate', '1500k', '-bufsize', '3000k',
      ...FMP4,
    ]);
  });

  it('probes key frames only for a GOP and a bit, when asked', () => {
    const KEY_FRAME_INPUT = ['-rtsp_transport', 'tcp', '-timeout', '5000000', '-skip_frame', 'nokey', '-probesize', '4600000', '-analyzeduration', '2300000'];
    expect(buildHlsArgv({ ...base, probe: 'key-frames' })).toEqual([
      ...HEAD, '-protocol_whitelist', 'rtsp,tcp', ...KEY_FRAME_INPUT, '-i', 'rtsp://127.0.0.1:8554/main', '-map', '0:v:0', '-an', '-c:v', 'copy', ...FMP4,
    ]);
    expect(probeArgs({ probe: 'key-frames', gopSeconds: 4, transcodeToH264: false })).toEqual(['-skip_frame', 'nokey', '-probesize', '8600000', '-analyzeduration', '4300000']);
  });

  it('never skips frames in a transcode: the probe decoder options are the transcoder\'s', () => {
    const argv = buildHlsArgv({ ...base, sourceCodec: 'h265', transcodeToH264: true, probe: 'key-frames' });
    expect(argv).not.toContain('-skip_frame');
    expect(argv.slice(argv.indexOf('-probesize'), argv.indexOf('-i'))).toEqual(['-probesize', '500000', '-analyzeduration', '1000000']);
  });

  it('cuts parts from the part target', () => {
    expect(buildHlsArgv({ ...base, partTargetS: 1 }).join(' ')).toContain(':frag_duration=800000:');
    expect([[0.5, 400000], [1, 800000], [0.25, 200000]].map(([t]) => fragmentMicros(t!))).toEqual([400000, 800000, 200000]);
  });

  it('refuses an output folder ffmpeg would read as a pattern, or a relative one', () => {
    for (const outputDir of ['/dev/shm/a%d', 'relative/dir', '/dev/shm/a b', '']) expect(() => buildHlsArgv({ ...base, outputDir }), outputDir).toThrow(/output folder/);
  });

  it('allows TLS for rtsps and nothing more', () => {
    const argv = buildHlsArgv({ ...base, inputUrl: 'rtsps://cam.example:322/live' });
    expect(argv[argv.indexOf('-protocol_whitelist') + 1]).toBe('rtsps,rtsp,tls,tcp');
  });

  it.each(['rtsp://admin:pw@127.0.0.1/main', 'rtsp://admin@127.0.0.1/main', 'file:///etc/passwd', 'http://127.0.0.1/x'])('refuses %s', (inputUrl) => {
    expect(() => buildHlsArgv({ ...base, inputUrl })).toThrow();
  });
});
