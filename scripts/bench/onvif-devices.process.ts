/**
 * N simulated ONVIF devices without video — SOAP device and media services plus a WS-Discovery
 * responder each, on 127.97.a.b — for the onboarding benchmark, in a process of their own so
 * their CPU is not counted as Vigil's. Prints one JSON line, then runs until killed.
 *
 *   node --import tsx scripts/bench/onvif-devices.process.ts 200
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { OnvifDevice } from '../sim/onvif/onvif-device.js';
import { WsDiscoveryResponder } from '../sim/onvif/ws-discovery.responder.js';

const count = Number(process.argv[2] ?? 200);
const username = 'admin';
const password = `bench-${randomBytes(6).toString('hex')}`;
const started: Array<{ stop(): Promise<void> }> = [];
for (let i = 0; i < count; i++) {
  const host = `127.97.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const serviceUrl = `http://${host}:8000/onvif/device_service`;
  const profile = (token: string, width: number, height: number) => ({ token, codec: 'h264' as const, width, height, fps: 25, gop: 50, bitrateKbps: 3000, rtspUrl: `rtsp://${host}:8554/${token}` });
  const device = new OnvifDevice({
    host,
    port: 8000,
    username,
    password,
    snapshot: Buffer.alloc(64),
    slowMs: 4000,
    clockSkewSeconds: 0,
    facts: {
      name: `bench${i}`,
      manufacturer: 'Vigil Simulated Cameras',
      model: 'VS-IPC-H264',
      firmware: '1.0.0',
      serialNumber: `BENCH-${String(i).padStart(6, '0')}`,
      hardwareId: `bench-${i}`,
      serviceUrl,
      snapshotBase: `http://${host}:8000/snapshot/`,
      profiles: [profile('main', 1920, 1080), profile('sub', 640, 360)],
    },
  });
  const responder = new WsDiscoveryResponder({ host, port: 3702, endpointReference: `urn:uuid:${randomUUID()}`, serviceUrl, scopes: [`onvif://www.onvif.org/name/bench${i}`] }, null);
  await device.start();
  await responder.start();
  started.push(device, responder);
}
process.stdout.write(`${JSON.stringify({ count, username, password })}\n`);
const stop = () => void Promise.all(started.map((s) => s.stop())).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
