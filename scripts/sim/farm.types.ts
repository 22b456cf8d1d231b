/** The simulated camera farm's vocabulary, shared by the farm, its CLI and the tests. */

export const FAULTS = ['none', 'offline', 'hang', 'wrong-password', 'frozen', 'black', 'no-video', 'slow', 'hostile-xml', 'clock-skew'] as const;
export type Fault = (typeof FAULTS)[number];

export type Codec = 'h264' | 'h265';
export type RtspAuth = 'none' | 'basic' | 'digest';
/** live: encode a test picture in GStreamer; clip: repacketise a pre-encoded loop pushed by ffmpeg. */
export type CameraSource = 'live' | 'clip';

export interface ProfileSpec {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Frames between key frames. */
  readonly gop: number;
  readonly bitrateKbps: number;
}

export interface CameraOptions {
  readonly name: string;
  readonly codec?: Codec;
  readonly source?: CameraSource;
  readonly auth?: RtspAuth;
  readonly onvif?: boolean;
  readonly main?: Partial<ProfileSpec>;
  readonly sub?: Partial<ProfileSpec>;
}

/** What the farm tells its users about one camera (the `--json` document's entries). */
export interface CameraDescriptor {
  readonly name: string;
  readonly host: string;
  readonly rtspUrl: string;
  readonly subRtspUrl: string;
  /** ONVIF device service address, or null for an RTSP-only camera. */
  readonly onvifUrl: string | null;
  /** WS-Discovery unicast target "host:port", or null. */
  readonly discovery: string | null;
  readonly username: string;
  readonly password: string;
  readonly auth: RtspAuth;
  readonly codec: Codec;
  readonly source: CameraSource;
  readonly controlUrl: string;
  readonly endpointReference: string | null;
  readonly serialNumber: string;
  readonly macAddress: string;
}

export interface FarmOptions {
  /** Live-encoded cameras, or explicit camera options. */
  readonly cameras?: number | readonly CameraOptions[];
  /** How many of the numbered cameras also run an ONVIF device. */
  readonly onvif?: number;
  /** First two octets of the cameras' loopback addresses, e.g. "127.77"; camera n is 127.77.x.y. */
  readonly network?: string;
  readonly codec?: Codec;
  readonly auth?: RtspAuth;
  readonly source?: CameraSource;
  readonly username?: string;
  /** Password of every camera; random per farm by default. */
  readonly password?: string;
  readonly main?: Partial<ProfileSpec>;
  readonly sub?: Partial<ProfileSpec>;
  /** Answer WS-Discovery multicast too; refused outside a private network namespace. */
  readonly multicast?: boolean;
  /** Delay of SOAP replies under the "slow" fault. */
  readonly slowMs?: number;
  /** Camera clock offset under the "clock-skew" fault. */
  readonly clockSkewSeconds?: number;
  /** Folder for pre-encoded clips (reused between runs). */
  readonly clipCacheDir?: string;
  /** Clip cameras share one clip instead of one with each name burnt in (fast set-up of many cameras). */
  readonly sharedClips?: boolean;
  /** Clip cameras push their main stream only (their /sub mount stays silent): half the load, for benchmarks. */
  readonly mainOnly?: boolean;
  /**
   * A mount serves one stream whatever the query string (`/main?fan=3`), as a camera ignores a
   * parameter it does not know: one camera can be registered under several addresses (the relay
   * soak benchmark). Off by default: the stock GStreamer factory.
   */
  readonly shareAcrossQueries?: boolean;
  /** Port of the control server on 127.0.0.1; 0 picks one. */
  readonly controlPort?: number;
}

export const PORTS = { rtsp: 8554, onvif: 8000, discovery: 3702 } as const;
