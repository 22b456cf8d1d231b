import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';

/**
 * Loops a pre-encoded clip into a UDP port in real time (`-re`) as RTP, where the RTSP simulator
 * repacketises it — about 0.4 % of a core per camera instead of a live encoder's 3 %. RTP rather
 * than MPEG-TS: GStreamer's tsdemux, after a lost datagram on a loaded machine, could drop its pad
 * ("not-linked") and end every client's session; an RTP depayloader just skips the broken frame.
 * Runs under `setpriv --pdeathsig` so the pusher dies with the farm even after a SIGKILL.
 */
export class ClipPusher {
  #child: ChildProcess | null = null;
  #clip: string;
  #stopped = false;

  constructor(
    private readonly ffmpeg: string,
    clip: string,
    readonly udpPort: number,
  ) {
    this.#clip = clip;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    this.#stopped = false;
    const child = spawn(
      'setpriv',
      ['--pdeathsig', 'SIGKILL', '--', this.ffmpeg, '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', this.#clip, '-c', 'copy', '-f', 'rtp', `rtp://127.0.0.1:${this.udpPort}?pkt_size=1200`],
      { stdio: 'ignore' },
    );
    this.#child = child;
    // A pusher that dies (it should not) comes back, as a camera's encoder would.
    child.on('exit', () => {
      if (this.#child === child && !this.#stopped) setTimeout(() => this.#stopped || this.start(), 500);
    });
  }

  /** Switches to another clip (frozen, black, back to moving) without changing the port. */
  switchTo(clip: string): void {
    if (clip === this.#clip) return;
    this.#clip = clip;
    const old = this.#child;
    this.#child = null;
    old?.kill('SIGKILL');
    this.start();
  }

  stop(): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

// Ports already handed out by this process: the kernel may offer a port again once its probe
// socket is closed, and two cameras on one port (udpsrc binds with SO_REUSEADDR) left one silent.
const handedOut = new Set<number>();

/** A UDP port that is free on 127.0.0.1 right now and not given to another camera of this process. */
export async function freeUdpPort(): Promise<number> {
  for (;;) {
    const port = await probeFreeUdpPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function probeFreeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
