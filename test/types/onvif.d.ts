// The parts of the `onvif` package (agsh, CommonJS, untyped) that the simulator tests use.
declare module 'onvif' {
  import type { EventEmitter } from 'node:events';

  type Callback<T> = (err: Error | null, value: T, xml?: string) => void;

  export interface CamOptions {
    hostname: string;
    port?: number;
    path?: string;
    username?: string;
    password?: string;
    timeout?: number;
    autoconnect?: boolean;
    urn?: string;
  }

  export class Cam extends EventEmitter {
    constructor(options: CamOptions, callback?: (err: Error | null) => void);
    hostname: string;
    port: number | string;
    username?: string;
    password?: string;
    profiles: Array<{ $: { token: string }; name: string; videoEncoderConfiguration?: { encoding: string; resolution: { width: number; height: number } } }>;
    connect(callback: (err: Error | null) => void): void;
    getDeviceInformation(callback: Callback<{ manufacturer: string; model: string; serialNumber: string; hardwareId: string }>): void;
    getSystemDateAndTime(callback: Callback<Date>): void;
    getStreamUri(options: { protocol?: string; profileToken?: string }, callback: Callback<{ uri: string }>): void;
    getSnapshotUri(options: { profileToken?: string }, callback: Callback<{ uri: string }>): void;
  }

  export const Discovery: EventEmitter & {
    probe(options: { timeout?: number; resolve?: boolean }, callback: (err: unknown, cams: Cam[]) => void): void;
  };

  const onvif: { Cam: typeof Cam; Discovery: typeof Discovery };
  export default onvif;
}
