import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Fault } from '../farm.types.js';
import { hostileSoapReplies } from './hostile-payloads.js';
import * as responses from './onvif-responses.js';
import { envelope, fault, notAuthorized } from './soap.js';
import { UsernameTokenVerifier } from './username-token.js';
import { MAX_REQUEST_BYTES, parseRequestXml, pick, textOf, type XmlNode } from './xml.js';

/** Operations a device answers without authentication (ONVIF Core spec, access class PRE_AUTH). */
const PRE_AUTH = new Set(['GetSystemDateAndTime', 'GetCapabilities', 'GetServices', 'GetServiceCapabilities', 'GetWsdlUrl', 'GetHostname', 'GetEndpointReference']);

export interface OnvifDeviceOptions {
  readonly facts: responses.DeviceFacts;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly snapshot: Buffer;
  readonly slowMs: number;
  readonly clockSkewSeconds: number;
}

/**
 * One simulated ONVIF device: the SOAP device and media services on one HTTP port, and its
 * snapshot. Faults change how it answers; "offline" closes the port.
 */
export class OnvifDevice {
  #fault: Fault = 'none';
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  readonly #tokens = new UsernameTokenVerifier();
  #hostileIndex = 0;

  constructor(private readonly options: OnvifDeviceOptions) {}

  get fault(): Fault {
    return this.#fault;
  }

  /** The device's own clock, which the "clock-skew" fault sets wrong. */
  now(): Date {
    const skew = this.#fault === 'clock-skew' ? this.options.clockSkewSeconds * 1000 : 0;
    return new Date(Date.now() + skew);
  }

  async start(): Promise<void> {
    if (this.#server) return;
    const server = createServer((req, res) => void this.#handle(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async setFault(fault: Fault): Promise<void> {
    const previous = this.#fault;
    this.#fault = fault;
    if (fault === 'offline') await this.stop();
    else await this.start();
    // Requests left hanging stay silent until the device recovers, then their connections drop.
    if (previous === 'hang' && fault !== 'hang') for (const socket of this.#sockets) socket.destroy();
  }

  get #password(): string {
    // Someone changed the password on the device: the catalog's copy is now wrong.
    return this.#fault === 'wrong-password' ? `${this.options.password}-changed` : this.options.password;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#fault === 'hang') return; // accept, then silence
    if (this.#fault === 'slow') await new Promise((r) => setTimeout(r, this.options.slowMs));
    if (req.method === 'GET' && req.url?.startsWith('/snapshot/')) return this.#snapshot(req, res);
    if (req.method !== 'POST' || !req.url?.startsWith('/onvif/')) {
      res.writeHead(404).end();
      return;
    }
    const body = await readBody(req);
    if (body === null) {
      const f = fault('Sender', 'InvalidArgVal', 'request too large');
      return send(res, f.status, f.body);
    }
    const doc = parseRequestXml(body);
    const operation = doc ? operationOf(doc) : undefined;
    if (!doc || !operation) {
      const f = fault('Sender', 'WellFormed', 'malformed SOAP request');
      return send(res, f.status, f.body);
    }
    if (!PRE_AUTH.has(operation)) {
      const check = this.#tokens.verify(doc, { username: this.options.username, password: this.#password }, this.now().getTime());
      if (!check.ok) {
        const f = notAuthorized();
        return send(res, f.status, f.body);
      }
    }
    const answer = this.#answer(operation, doc);
    if (answer === null) {
      const f = fault('Receiver', 'ActionNotSupported', 'Optional Action Not Implemented');
      return send(res, f.status, f.body);
    }
    if (this.#fault === 'hostile-xml') {
      const replies = hostileSoapReplies(answer);
      return send(res, 200, replies[this.#hostileIndex++ % replies.length]!);
    }
    send(res, 200, envelope(answer));
  }

  #answer(operation: string, doc: XmlNode): string | null {
    const facts = this.options.facts;
    const token = textOf(pick(doc, 'Envelope', 'Body', operation, 'ProfileToken'));
    const profile = facts.profiles.find((p) => p.token === token) ?? facts.profiles[0]!;
    switch (operation) {
      case 'GetSystemDateAndTime':
        return responses.systemDateAndTime(this.now());
      case 'GetCapabilities':
        return responses.capabilities(facts);
      case 'GetServices':
        return responses.services(facts);
      case 'GetDeviceInformation':
        return responses.deviceInformation(facts);
      case 'GetProfiles':
        return responses.profiles(facts);
      case 'GetVideoSources':
        return responses.videoSources(facts);
      case 'GetStreamUri':
        return responses.streamUri(profile.rtspUrl);
      case 'GetSnapshotUri':
        return responses.snapshotUri(`${facts.snapshotBase}${encodeURIComponent(profile.token)}.jpg`);
      default:
        return null;
    }
  }

  #snapshot(req: IncomingMessage, res: ServerResponse): void {
    const expected = `Basic ${Buffer.from(`${this.options.username}:${this.#password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="snapshot"' }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': this.options.snapshot.length }).end(this.options.snapshot);
  }
}

/** The local name of the first element in the SOAP body: the operation asked for. */
function operationOf(doc: XmlNode): string | undefined {
  const body = pick(doc, 'Envelope', 'Body');
  if (typeof body !== 'object' || body === null) return undefined;
  return Object.keys(body).find((k) => !k.startsWith('@') && k !== '#text');
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8' }).end(body);
}
