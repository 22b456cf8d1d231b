import dgram from 'node:dgram';
import onvif, { type Cam } from 'onvif';

/**
 * Runs the `onvif` package's own WS-Discovery probe, but unicast: the package only knows
 * multicast to 239.255.255.250, which must never leave this machine (DESIGN.md §5). While the
 * probe runs, a send to the multicast group is redirected to each unicast target instead; the
 * package's Probe message and its reply parsing are used unchanged.
 */
export async function agshUnicastProbe(targets: ReadonlyArray<{ host: string; port: number }>, timeoutMs = 1500): Promise<Cam[]> {
  const proto = dgram.Socket.prototype as unknown as { send: (...args: unknown[]) => void };
  const original = proto.send;
  proto.send = function (this: dgram.Socket, ...args: unknown[]) {
    const [msg, offset, length, port, address] = args;
    if (address === '239.255.255.250' && port === 3702) {
      for (const t of targets) original.call(this, msg, offset, length, t.port, t.host);
      return;
    }
    if (typeof address === 'string' && address.startsWith('239.')) throw new Error('multicast blocked in tests');
    original.apply(this, args);
  };
  try {
    return await new Promise<Cam[]>((resolve) => {
      onvif.Discovery.probe({ timeout: timeoutMs }, (_err, cams) => resolve(cams ?? []));
    });
  } finally {
    proto.send = original;
  }
}

/** Promisified agsh calls. */
export function connectCam(options: { hostname: string; port: number; username: string; password: string }): Promise<Cam> {
  return new Promise((resolve, reject) => {
    const cam = new onvif.Cam({ ...options, timeout: 5000, autoconnect: false });
    cam.connect((err) => (err ? reject(err) : resolve(cam)));
  });
}

export function call<T>(fn: (cb: (err: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}
