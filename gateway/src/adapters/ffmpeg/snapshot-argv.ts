import { assertNoCredentials } from './hls-argv.js';

/**
 * The ffmpeg command line of a still picture, as a pure value: the first decodable frame of the
 * camera's stream, scaled to `width` and written as one JPEG to stdout.
 */
export interface SnapshotSettings {
  /** rtsp:// without credentials (the credential proxy's address). */
  readonly inputUrl: string;
  readonly width: number;
  readonly socketTimeoutS: number;
}

export function buildSnapshotArgv(s: SnapshotSettings): string[] {
  assertNoCredentials(s.inputUrl);
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
    '-protocol_whitelist', 'rtsp,tcp',
    '-rtsp_transport', 'tcp',
    '-timeout', String(Math.round(s.socketTimeoutS * 1_000_000)),
    '-probesize', '500000', '-analyzeduration', '1000000',
    '-i', s.inputUrl,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-frames:v', '1',
    '-vf', `scale=${s.width}:-2`,
    '-q:v', '5',
    '-f', 'image2', '-c:v', 'mjpeg',
    'pipe:1',
  ];
}
