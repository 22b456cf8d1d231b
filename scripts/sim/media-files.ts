import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Codec, ProfileSpec } from './farm.types.js';

const run = promisify(execFile);
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export type ClipKind = 'moving' | 'frozen' | 'black';

export interface ClipSpec extends ProfileSpec {
  readonly codec: Codec;
  readonly kind: ClipKind;
  /** Burnt into the picture so people and tests can tell cameras apart. */
  readonly label: string;
}

function drawtext(label: string, height: number, extra = ''): string {
  if (!existsSync(FONT)) return '';
  // drawtext's own escaping: backslash, colon and quote are special inside the filter graph.
  const text = label.replace(/[\\:']/g, (c) => `\\${c}`);
  const size = Math.max(10, Math.round(height / 18));
  return `drawtext=fontfile=${FONT}:text='${text}':x=20:y=20:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.5${extra}`;
}

/** ffmpeg arguments that encode a looping clip: fixed GOP, no scene-cut key frames, CBR-ish. */
function clipArgs(spec: ClipSpec, out: string): string[] {
  const size = `${spec.width}x${spec.height}`;
  const source =
    spec.kind === 'black'
      ? `color=c=black:s=${size}:r=${spec.fps}`
      : spec.kind === 'frozen'
        ? `color=c=0x2f4f6f:s=${size}:r=${spec.fps}`
        : `testsrc2=s=${size}:r=${spec.fps}`;
  const filters =
    spec.kind === 'black'
      ? ''
      : spec.kind === 'frozen'
        ? drawtext(spec.label, spec.height)
        : drawtext(spec.label, spec.height, `,drawtext=fontfile=${FONT}:text='%{pts\\:hms}':x=w-tw-20:y=h-th-20:fontsize=${Math.max(10, Math.round(spec.height / 18))}:fontcolor=white`);
  const bitrate = `${spec.bitrateKbps}k`;
  const codec =
    spec.codec === 'h265'
      ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', `keyint=${spec.gop}:min-keyint=${spec.gop}:scenecut=0:bframes=0:log-level=error`]
      : // No B-frames, as IP cameras send: RTP carries no DTS, and B-frames leave a copying muxer without one.
        ['-c:v', 'libx264', '-preset', 'veryfast', '-g', String(spec.gop), '-keyint_min', String(spec.gop), '-sc_threshold', '0', '-profile:v', 'main', '-bf', '0'];
  return [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', source,
    ...(filters ? ['-vf', filters] : []),
    // Ten GOPs: long enough to loop smoothly, short enough to make quickly.
    '-frames:v', String(spec.gop * 10),
    ...codec,
    '-b:v', bitrate, '-maxrate', bitrate, '-bufsize', `${spec.bitrateKbps * 2}k`,
    '-pix_fmt', 'yuv420p', '-an', '-f', 'mpegts', out,
  ];
}

/** The clip for `spec`, encoded once into the cache folder and reused afterwards. */
export async function ensureClip(cacheDir: string, ffmpeg: string, spec: ClipSpec): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const label = spec.kind === 'black' ? '' : spec.label.replace(/[^A-Za-z0-9_-]/g, '_');
  const file = path.join(cacheDir, `v2-${spec.kind}-${label}-${spec.codec}-${spec.width}x${spec.height}-${spec.fps}-${spec.gop}-${spec.bitrateKbps}.ts`);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial`;
  await run(ffmpeg, clipArgs(spec, partial), { timeout: 300_000 });
  // Rename into place so a half-written clip is never taken for a finished one.
  renameSync(partial, file);
  return file;
}

/** One JPEG for the ONVIF snapshot service. */
export async function ensureSnapshot(cacheDir: string, ffmpeg: string): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, 'snapshot-640x360.jpg');
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial.jpg`;
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=640x360', '-frames:v', '1', partial], { timeout: 60_000 });
  renameSync(partial, file);
  return file;
}
