import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClipPusher, freeUdpPort } from './clip-pusher.js';
import { startControlServer } from './control-server.js';
import { PORTS, type CameraDescriptor, type CameraOptions, type Codec, type Fault, type FarmOptions, type ProfileSpec } from './farm.types.js';
import { ensureClip, ensureSnapshot, type ClipKind } from './media-files.js';
import { inPrivateNetworkNamespace } from './network-namespace.js';
import { OnvifDevice } from './onvif/onvif-device.js';
import { WsDiscoveryResponder } from './onvif/ws-discovery.responder.js';
import { RtspSimProcess, type ClipFeed, type RtspCameraSpec } from './rtsp-sim.process.js';

export interface Farm {
  readonly cameras: readonly CameraDescriptor[];
  readonly controlUrl: string;
  /** Every child process of the farm (for process-table checks). */
  pids(): number[];
  faultOf(name: string): Fault | undefined;
  setFault(name: string, fault: Fault): Promise<void>;
  stop(): Promise<void>;
}

const CAMERAS_PER_PROCESS = 16;
const DEFAULT_MAIN: ProfileSpec = { width: 640, height: 360, fps: 15, gop: 15, bitrateKbps: 800 };
const DEFAULT_SUB: ProfileSpec = { width: 320, height: 180, fps: 10, gop: 10, bitrateKbps: 200 };

/** Stable per-camera identity, so a restarted farm is the same set of devices. */
function stableId(seed: string): { uuid: string; serial: string; mac: string } {
  const h = createHash('sha256').update(seed).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  // 02:… is a locally administered MAC: it can never clash with a real vendor's.
  const mac = ['02', h.slice(32, 34), h.slice(34, 36), h.slice(36, 38), h.slice(38, 40), h.slice(40, 42)].join(':');
  return { uuid, serial: `VS${h.slice(42, 52).toUpperCase()}`, mac };
}

function cameraList(options: FarmOptions): CameraOptions[] {
  if (Array.isArray(options.cameras)) return [...(options.cameras as readonly CameraOptions[])];
  const count = typeof options.cameras === 'number' ? options.cameras : 4;
  const onvif = options.onvif ?? 0;
  const digits = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => ({ name: `cam${String(i + 1).padStart(digits, '0')}`, onvif: i < onvif }));
}

interface CameraState {
  readonly descriptor: CameraDescriptor;
  fault: Fault;
  readonly onvif: OnvifDevice | null;
  readonly discovery: WsDiscoveryResponder | null;
  readonly pushers: ReadonlyArray<{ pusher: ClipPusher; clips: Record<ClipKind, string> }>;
}

/**
 * Starts a farm of simulated cameras on loopback: RTSP (GStreamer) for every camera, an ONVIF
 * device with WS-Discovery for some, and a control server for faults. Each camera has its own
 * address `<network>.x.y` with RTSP on 8554, ONVIF on 8000 and WS-Discovery on 3702.
 *
 * @example
 *   const farm = await startFarm({ cameras: 4, onvif: 2, network: '127.81' });
 *   await farm.setFault('cam01', 'frozen');
 *   await farm.stop();
 */
export async function startFarm(options: FarmOptions = {}): Promise<Farm> {
  if (options.multicast && !inPrivateNetworkNamespace()) {
    throw new Error('multicast discovery is only allowed inside a private network namespace (ip netns exec …)');
  }
  const network = options.network ?? '127.77';
  if (!/^127\.\d{1,3}$/.test(network) || Number(network.split('.')[1]) > 255) throw new Error(`network must look like "127.77", got "${network}"`);
  const ffmpeg = 'ffmpeg';
  const cacheDir = options.clipCacheDir ?? path.join(os.tmpdir(), 'vigil-sim-cache');
  const username = options.username ?? 'admin';
  const password = options.password ?? `sim-${randomBytes(8).toString('hex')}`;
  const list = cameraList(options);
  // One GStreamer process serves at most CAMERAS_PER_PROCESS cameras: a single GLib main loop
  // preparing dozens of 1080p media at once answers DESCRIBE with 503.
  const shards = Array.from({ length: Math.max(1, Math.ceil(list.length / CAMERAS_PER_PROCESS)) }, () => new RtspSimProcess());
  const shardOf = new Map<string, RtspSimProcess>();
  const states = new Map<string, CameraState>();
  let control: Awaited<ReturnType<typeof startControlServer>> | null = null;

  const stop = async () => {
    await control?.close();
    for (const state of states.values()) {
      await state.onvif?.stop();
      await state.discovery?.stop();
      await Promise.all(state.pushers.map((p) => p.pusher.stop()));
    }
    await Promise.all(shards.map((shard) => shard.stop()));
  };

  try {
    control = await startControlServer(
      {
        names: () => [...states.keys()],
        faultOf: (name) => states.get(name)?.fault,
        setFault: (name, fault) => setFault(name, fault),
      },
      options.controlPort ?? 0,
    );
    const snapshot = readFileSync(await ensureSnapshot(cacheDir, ffmpeg));
    const specs: RtspCameraSpec[] = [];
    for (const [i, camera] of list.entries()) {
      const host = `${network}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      const codec: Codec = camera.codec ?? options.codec ?? 'h264';
      const source = camera.source ?? options.source ?? 'live';
      const auth = camera.auth ?? options.auth ?? 'digest';
      const main = { ...DEFAULT_MAIN, ...options.main, ...camera.main };
      const sub = { ...DEFAULT_SUB, ...options.sub, ...camera.sub };
      const id = stableId(`${network}/${camera.name}`);
      const pushers: CameraState['pushers'][number][] = [];
      const rtspProfiles = { main: { ...main }, sub: { ...sub } } as { main: ProfileSpec & ClipFeed; sub: ProfileSpec & ClipFeed };
      if (source === 'clip') {
        const profiles = options.mainOnly ? ([['main', main]] as const) : ([['main', main], ['sub', sub]] as const);
        for (const [profile, spec] of profiles) {
          const label = options.sharedClips ? `shared ${profile}` : `${camera.name} ${profile}`;
          const clip = (kind: ClipKind) => ensureClip(cacheDir, ffmpeg, { ...spec, codec, kind, label });
          const clips = { moving: await clip('moving'), frozen: await clip('frozen'), black: await clip('black') };
          const pusher = new ClipPusher(ffmpeg, clips.moving, await freeUdpPort());
          rtspProfiles[profile].udpPort = pusher.udpPort;
          rtspProfiles[profile].pushed = true;
          pushers.push({ pusher, clips });
        }
        // mainOnly: the /sub mount listens on a port nobody pushes to.
        rtspProfiles.sub.udpPort ??= await freeUdpPort();
      }
      const onvifUrl = camera.onvif ? `http://${host}:${PORTS.onvif}/onvif/device_service` : null;
      const rtspUrl = `rtsp://${host}:${PORTS.rtsp}/main`;
      const subRtspUrl = `rtsp://${host}:${PORTS.rtsp}/sub`;
      const descriptor: CameraDescriptor = {
        name: camera.name,
        host,
        rtspUrl,
        subRtspUrl,
        onvifUrl,
        discovery: camera.onvif ? `${host}:${PORTS.discovery}` : null,
        username,
        password,
        auth,
        codec,
        source,
        controlUrl: `${control.url}/cameras/${encodeURIComponent(camera.name)}/fault`,
        endpointReference: camera.onvif ? `urn:uuid:${id.uuid}` : null,
        serialNumber: id.serial,
        macAddress: id.mac,
      };
      const onvif = camera.onvif
        ? new OnvifDevice({
            host,
            port: PORTS.onvif,
            username,
            password,
            snapshot,
            slowMs: options.slowMs ?? 4000,
            clockSkewSeconds: options.clockSkewSeconds ?? 7200,
            facts: {
              name: camera.name,
              manufacturer: 'Vigil Simulated Cameras',
              model: `VS-IPC-${codec.toUpperCase()}`,
              firmware: '1.0.0',
              serialNumber: id.serial,
              hardwareId: id.mac,
              serviceUrl: onvifUrl!,
              snapshotBase: `http://${host}:${PORTS.onvif}/snapshot/`,
              profiles: [
                { token: 'main', codec, ...main, rtspUrl },
                { token: 'sub', codec, ...sub, rtspUrl: subRtspUrl },
              ],
            },
          })
        : null;
      const discovery = camera.onvif
        ? new WsDiscoveryResponder(
            {
              host,
              port: PORTS.discovery,
              endpointReference: descriptor.endpointReference!,
              serviceUrl: onvifUrl!,
              scopes: [
                `onvif://www.onvif.org/name/${encodeURIComponent(camera.name)}`,
                `onvif://www.onvif.org/hardware/VS-IPC-${codec.toUpperCase()}`,
                'onvif://www.onvif.org/location/city/Hangzhou',
                'onvif://www.onvif.org/Profile/Streaming',
                'onvif://www.onvif.org/type/video_encoder',
              ],
            },
            options.multicast ? '127.0.0.1' : null,
          )
        : null;
      states.set(camera.name, { descriptor, fault: 'none', onvif, discovery, pushers });
      specs.push({ name: camera.name, host, port: PORTS.rtsp, codec, source: source === 'clip' ? 'udp' : 'live', auth, username, password, shareAcrossQueries: options.shareAcrossQueries ?? false, ...rtspProfiles });
    }
    for (const state of states.values()) for (const p of state.pushers) p.pusher.start();
    await Promise.all(
      shards.map((shard, i) => {
        const mine = specs.slice(i * CAMERAS_PER_PROCESS, (i + 1) * CAMERAS_PER_PROCESS);
        for (const spec of mine) shardOf.set(spec.name, shard);
        return shard.start(mine);
      }),
    );
    for (const state of states.values()) {
      await state.onvif?.start();
      await state.discovery?.start();
    }
  } catch (err) {
    await stop();
    throw err;
  }

  async function setFault(name: string, fault: Fault): Promise<void> {
    const state = states.get(name);
    if (!state) throw new Error(`no camera named ${name}`);
    state.fault = fault;
    await shardOf.get(name)!.setFault(name, fault);
    await state.onvif?.setFault(fault);
    await state.discovery?.setFault(fault);
    // Clip cameras cannot restyle a live picture: they loop a frozen or black clip instead.
    const kind: ClipKind = fault === 'frozen' ? 'frozen' : fault === 'black' ? 'black' : 'moving';
    for (const p of state.pushers) p.pusher.switchTo(p.clips[kind]);
  }

  return {
    cameras: [...states.values()].map((s) => s.descriptor),
    controlUrl: control.url,
    pids: () => [...shards.map((shard) => shard.pid), ...[...states.values()].flatMap((s) => s.pushers.map((p) => p.pusher.pid))].filter((p): p is number => p !== undefined),
    faultOf: (name) => states.get(name)?.fault,
    setFault,
    stop,
  };
}
