import { randomUUID } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Fault } from '../farm.types.js';
import { hostileProbeReplies } from './hostile-payloads.js';
import { parseRequestXml, pick, textOf } from './xml.js';
import { xmlEscape as x } from './xml.js';

export const WS_DISCOVERY_GROUP = '239.255.255.250';

export interface DiscoveryFacts {
  readonly host: string;
  readonly port: number;
  readonly endpointReference: string;
  readonly serviceUrl: string;
  readonly scopes: readonly string[];
}

/** True when Probe's <Types> asks for something this device is (or asks for nothing). */
function typesMatch(types: string | undefined): boolean {
  if (!types) return true;
  return types
    .split(/\s+/)
    .filter(Boolean)
    .every((t) => /(?:^|:)(NetworkVideoTransmitter|Device)$/.test(t));
}

/**
 * Answers WS-Discovery Probe (WS-Discovery 2005/04, ONVIF Core §7.3) with ProbeMatches, sent by
 * unicast to the prober. It listens on its own host:3702 for unicast probes; with `multicast`
 * it also joins 239.255.255.250 — which the farm allows only inside a private network
 * namespace. It never sends Hello or Bye: it speaks only when spoken to.
 */
export class WsDiscoveryResponder {
  #fault: Fault = 'none';
  #unicast: Socket | null = null;
  #multicast: Socket | null = null;

  constructor(
    private readonly facts: DiscoveryFacts,
    private readonly multicastInterface: string | null,
  ) {}

  setFault(fault: Fault): Promise<void> {
    this.#fault = fault;
    return fault === 'offline' ? this.stop() : this.start();
  }

  async start(): Promise<void> {
    if (this.#unicast) return;
    this.#unicast = await bind(this.facts.host, this.facts.port, (msg, rinfo) => this.#onProbe(msg, rinfo));
    if (this.multicastInterface !== null) {
      const group = await bind('0.0.0.0', this.facts.port, (msg, rinfo) => this.#onProbe(msg, rinfo));
      group.addMembership(WS_DISCOVERY_GROUP, this.multicastInterface);
      this.#multicast = group;
    }
  }

  async stop(): Promise<void> {
    const sockets = [this.#unicast, this.#multicast].filter((s): s is Socket => s !== null);
    this.#unicast = null;
    this.#multicast = null;
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  #onProbe(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.#fault === 'hang' || this.#fault === 'offline') return;
    const doc = parseRequestXml(msg.toString('utf8'));
    if (!doc || pick(doc, 'Envelope', 'Body', 'Probe') === undefined) return;
    const messageId = textOf(pick(doc, 'Envelope', 'Header', 'MessageID')) ?? '';
    if (!typesMatch(textOf(pick(doc, 'Envelope', 'Body', 'Probe', 'Types')))) return;
    const replies =
      this.#fault === 'hostile-xml'
        ? hostileProbeReplies({ relatesTo: x(messageId), endpoint: x(this.facts.endpointReference), xaddrs: x(this.facts.serviceUrl) })
        : [Buffer.from(this.#probeMatches(messageId), 'utf8')];
    const delay = this.#fault === 'slow' ? 1000 : 0;
    setTimeout(() => {
      for (const reply of replies) this.#unicast?.send(reply, rinfo.port, rinfo.address);
    }, delay);
  }

  #probeMatches(relatesTo: string): string {
    return (
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
      'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">' +
      '<SOAP-ENV:Header>' +
      `<wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID><wsa:RelatesTo>${x(relatesTo)}</wsa:RelatesTo>` +
      '<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>' +
      '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>' +
      '</SOAP-ENV:Header><SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>' +
      `<wsa:EndpointReference><wsa:Address>${x(this.facts.endpointReference)}</wsa:Address></wsa:EndpointReference>` +
      '<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>' +
      `<d:Scopes>${this.facts.scopes.map(x).join(' ')}</d:Scopes>` +
      `<d:XAddrs>${x(this.facts.serviceUrl)}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>` +
      '</d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>'
    );
  }
}

function bind(host: string, port: number, onMessage: (msg: Buffer, rinfo: RemoteInfo) => void): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  socket.on('message', onMessage);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.removeListener('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}
