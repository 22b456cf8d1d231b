import { execFile } from 'node:child_process';
import { connect } from 'node:net';

/** Puts credentials into an RTSP URL (test code only: Vigil never does this). */
export function withCredentials(url: string, username: string, password: string): string {
  return url.replace('rtsp://', `rtsp://${encodeURIComponent(username)}:${encodeURIComponent(password)}@`);
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export interface ProbedStream {
  readonly codec_type: string;
  readonly codec_name: string;
  readonly width?: number;
  readonly height?: number;
}

/** ffprobe over RTSP/TCP: the streams, or the error text. */
export async function ffprobeStreams(url: string): Promise<{ ok: boolean; streams: ProbedStream[]; error: string }> {
  const result = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', '5000000', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', url], 20_000);
  if (result.code !== 0) return { ok: false, streams: [], error: result.stderr };
  return { ok: true, streams: (JSON.parse(result.stdout) as { streams: ProbedStream[] }).streams, error: '' };
}

/**
 * Watches `seconds` of video with ffmpeg's freezedetect and blackdetect, as the health
 * engine's media check will: did frames arrive, was the picture frozen, was it black?
 */
export async function watchPicture(url: string, seconds: number): Promise<{ frames: number; frozen: boolean; black: boolean; error: string }> {
  const result = await run(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', url, '-t', String(seconds), '-an',
      '-vf', 'freezedetect=n=-60dB:d=1,blackdetect=d=1:pix_th=0.10', '-f', 'null', '-'],
    (seconds + 20) * 1000,
  );
  const frames = [...result.stderr.matchAll(/frame=\s*(\d+)/g)].map((m) => Number(m[1])).pop() ?? 0;
  return {
    frames,
    frozen: result.stderr.includes('freeze_start'),
    black: result.stderr.includes('black_start'),
    error: result.code === 0 ? '' : result.stderr.slice(-500),
  };
}

/** Opens a TCP connection: 'refused', 'connected', or 'timeout'. */
export function tcpConnect(host: string, port: number, timeoutMs = 2000): Promise<'refused' | 'connected' | 'timeout'> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'timeout');
    });
  });
}

/** Sends one RTSP request and waits for the first reply line, or null after `timeoutMs`. */
export function rtspRequest(host: string, port: number, request: string, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = '';
    const done = (value: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(data.slice(0, end))?.[1] ?? 0);
      if (data.length >= end + 4 + length) done(data);
    });
    socket.on('error', () => done(null));
  });
}
