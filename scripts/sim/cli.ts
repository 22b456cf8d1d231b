/**
 * `npm run sim -- --cameras 16 --onvif 8` starts a camera farm on loopback, prints its cameras
 * and runs until Ctrl-C. With --json it prints one JSON document `{ "cameras": [...] }` once
 * everything is ready, for scripts. With --scale N it adds N RTSP-only cameras for benchmarks.
 */
import { parseArgs } from 'node:util';
import { startFarm, type Farm } from './farm.js';
import type { CameraSource, Codec, RtspAuth } from './farm.types.js';
import { startScaleFarm, type ScaleFarm } from './scale-farm.js';

const USAGE = `usage: npm run sim -- [--cameras N] [--onvif N] [--codec h264|h265] [--auth none|basic|digest]
                      [--source live|clip] [--network 127.X] [--width W --height H --fps F]
                      [--bitrate KBPS] [--scale N] [--scale-network 127.X] [--control-port P] [--multicast] [--json]`;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function count(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${flag} must be a whole number from 0 to ${max}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cameras: { type: 'string' },
      onvif: { type: 'string' },
      codec: { type: 'string' },
      auth: { type: 'string' },
      source: { type: 'string' },
      network: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      fps: { type: 'string' },
      bitrate: { type: 'string' },
      scale: { type: 'string' },
      'scale-network': { type: 'string' },
      'control-port': { type: 'string' },
      multicast: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const cameras = count(values.cameras, 'cameras', 1000) ?? 4;
  const main = {
    ...(values.width && { width: count(values.width, 'width', 7680)! }),
    ...(values.height && { height: count(values.height, 'height', 4320)! }),
    ...(values.fps && { fps: count(values.fps, 'fps', 60)!, gop: count(values.fps, 'fps', 60)! * 2 }),
    ...(values.bitrate && { bitrateKbps: count(values.bitrate, 'bitrate', 50_000)! }),
  };
  let farm: Farm | null = null;
  let scale: ScaleFarm | null = null;
  const stop = async () => {
    await scale?.stop();
    await farm?.stop();
  };
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  farm = await startFarm({
    cameras,
    onvif: count(values.onvif, 'onvif', cameras) ?? 0,
    codec: oneOf<Codec>(values.codec, ['h264', 'h265'], 'codec'),
    auth: oneOf<RtspAuth>(values.auth, ['none', 'basic', 'digest'], 'auth'),
    source: oneOf<CameraSource>(values.source, ['live', 'clip'], 'source'),
    ...(values.network && { network: values.network }),
    ...(process.env.VIGIL_SIM_PASSWORD && { password: process.env.VIGIL_SIM_PASSWORD }),
    ...(values['control-port'] && { controlPort: count(values['control-port'], 'control-port', 65535)! }),
    multicast: values.multicast ?? false,
    main,
  });
  const scaleCount = count(values.scale, 'scale', 100_000) ?? 0;
  if (scaleCount > 0) scale = await startScaleFarm({ count: scaleCount, ...(values['scale-network'] && { network: values['scale-network'] }) });

  if (values.json) {
    process.stdout.write(
      JSON.stringify({
        cameras: farm.cameras,
        controlUrl: farm.controlUrl,
        ...(scale && { scale: { username: scale.username, password: scale.password, cameras: scale.cameras } }),
      }) + '\n',
    );
  } else {
    console.log(`${farm.cameras.length} simulated cameras (user ${farm.cameras[0]?.username ?? '-'}, password ${farm.cameras[0]?.password ?? '-'}):`);
    for (const c of farm.cameras) {
      console.log(`  ${c.name.padEnd(8)} ${c.codec} ${c.auth.padEnd(6)} ${c.rtspUrl}  sub ${c.subRtspUrl}${c.onvifUrl ? `  onvif ${c.onvifUrl}` : ''}`);
    }
    if (scale) console.log(`${scale.cameras.length} scale cameras on ${scale.addresses} addresses, e.g. ${scale.cameras[0]?.rtspUrl}`);
    console.log(`faults: POST ${farm.controlUrl}/cameras/<name>/fault {"fault": "offline"|"hang"|…}   Ctrl-C stops`);
  }
}

main().catch((err: unknown) => {
  console.error(`sim: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(1);
});
