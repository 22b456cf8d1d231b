import { describe, expect, it } from 'vitest';
import { buildSnapshotArgv } from '../../gateway/src/adapters/ffmpeg/snapshot-argv.js';

describe('buildSnapshotArgv', () => {
  it('reads the proxy address over RTSP/TCP and writes one scaled JPEG to stdout', () => {
    expect(buildSnapshotArgv({ inputUrl: 'rtsp://127.0.0.1:40001/s/abc', width: 640, socketTimeoutS: 3 })).toEqual([
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
      '-protocol_whitelist', 'rtsp,tcp',
      '-rtsp_transport', 'tcp',
      '-timeout', '3000000',
      '-probesize', '500000', '-analyzeduration', '1000000',
      '-i', 'rtsp://127.0.0.1:40001/s/abc',
      '-map', '0:v:0', '-an', '-sn', '-dn',
      '-frames:v', '1',
      '-vf', 'scale=640:-2',
      '-q:v', '5',
      '-f', 'image2', '-c:v', 'mjpeg',
      'pipe:1',
    ]);
  });

  it('refuses an address with credentials in it (they would be visible in /proc)', () => {
    expect(() => buildSnapshotArgv({ inputUrl: 'rtsp://admin:secret@10.0.0.5/main', width: 640, socketTimeoutS: 3 })).toThrow();
  });
});
