import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import os from 'node:os';
import { parseProbeMatches, probeMessage, WS_DISCOVERY_GROUP, WS_DISCOVERY_PORT, type ProbeMatch } from '../adapters/onvif/ws-discovery.js';
import type { UnicastTarget } from '../domain/discovery-targets.js';

export interface ProbeOptions {
  readonly unicast: readonly UnicastTarget[];
  /** Interface names (e.g. "eth1") to send the multicast Probe on; none: no multicast. */
  readonly interfaces: readonly string[];
  /** How long to collect replies after the last Probe. */
  readonly timeoutMs: number;
  /** Unicast Probes per second. */
  readonly ratePerSecond: number;
  readonly allowForeignXAddrs: boolean;
  readonly signal: AbortSignal;
  onProbed(count: number): void;
  onMatch(match: ProbeMatch, from: string): void;
  onRejected(from: string, why: string): void;
}

/** The IPv4 addresses of the named interfaces; an unknown name is an error worth reporting. */
export function interfaceAddresses(names: readonly string[]): Array<{ name: string; address: string }> {
  const all = os.networkInterfaces();
  return names.flatMap((name) => {
    const list = all[name];
    if (!list) throw new Error(`no network interface named "${name}"`);
    return list.filter((a) => a.family === 'IPv4').map((a) => ({ name, address: a.address }));
  });
}

function bindSocket(address: string, onMessage: (msg: Buffer, from: string) => void): Promise<Socket> {
  // A large receive buffer: a burst of big (hostile) replies must not push honest ones out.
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (msg, rinfo) => onMessage(msg, rinfo.address));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => {
      socket.removeListener('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

const REPEAT_DELAY_MS = 250;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Sends WS-Discovery Probes — unicast to each target at a bounded rate, and multicast on each
 * named interface (one socket per interface address, TTL 1) — and collects ProbeMatches until
 * `timeoutMs` after the last Probe or until cancelled. Every datagram is parsed on its own.
 */
export async function probeDevices(options: ProbeOptions): Promise<void> {
  const messageId = `urn:uuid:${randomUUID()}`;
  const probe = Buffer.from(probeMessage(messageId), 'utf8');
  const onMessage = (msg: Buffer, from: string) => {
    const parsed = parseProbeMatches(msg, from, { messageId, allowForeignXAddrs: options.allowForeignXAddrs });
    if (!parsed.ok) return options.onRejected(from, parsed.why);
    for (const match of parsed.matches) options.onMatch(match, from);
  };
  const sockets: Socket[] = [];
  try {
    const multicast: Socket[] = [];
    for (const { address } of interfaceAddresses(options.interfaces)) {
      const socket = await bindSocket(address, onMessage);
      socket.setMulticastInterface(address);
      // One hop: a Probe never leaves the local link.
      socket.setMulticastTTL(1);
      sockets.push(socket);
      multicast.push(socket);
    }
    const unicast = options.unicast.length > 0 ? await bindSocket('0.0.0.0', onMessage) : null;
    if (unicast) sockets.push(unicast);
    // SOAP-over-UDP repeats its datagrams (UDP loses them): every Probe goes out twice, the
    // repeat after a pause; devices answer each, replies are merged by endpoint reference.
    const batch = Math.max(1, Math.round(options.ratePerSecond / 50));
    for (let round = 0; round < 2 && !options.signal.aborted; round++) {
      if (round > 0) await sleep(REPEAT_DELAY_MS, options.signal);
      for (const socket of multicast) socket.send(probe, WS_DISCOVERY_PORT, WS_DISCOVERY_GROUP);
      let sent = 0;
      for (const target of options.unicast) {
        if (options.signal.aborted) break;
        unicast!.send(probe, target.port, target.host, () => undefined);
        sent += 1;
        if (sent % batch === 0) {
          if (round === 0) options.onProbed(sent);
          await sleep(20, options.signal);
        }
      }
      if (round === 0) options.onProbed(sent);
    }
    await sleep(options.timeoutMs, options.signal);
  } finally {
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
