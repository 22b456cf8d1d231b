import { proxyInputArgv } from './media-check-argv.js';

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
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
    ...proxyInputArgv(s.inputUrl, s.socketTimeoutS),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-frames:v', '1',
    '-vf', `scale=${s.width}:-2`,
    '-q:v', '5',
    '-f', 'image2', '-c:v', 'mjpeg',
    'pipe:1',
  ];
}
