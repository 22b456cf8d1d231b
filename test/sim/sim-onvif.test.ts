import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../scripts/sim/farm.js';
import { agshUnicastProbe, call, connectCam } from '../helpers/agsh-onvif.js';

let farm: Farm;

beforeAll(async () => {
  farm = await startFarm({ network: '127.82', cameras: 4, onvif: 3 });
}, 60_000);
afterAll(async () => farm?.stop());

const onvifCameras = () => farm.cameras.filter((c) => c.onvifUrl !== null);
const target = (c: Farm['cameras'][number]) => ({ host: c.host, port: Number(c.discovery!.split(':')[1]) });

describe('ONVIF simulator with the onvif (agsh) client', () => {
  it('is discovered by unicast WS-Discovery, every device and nothing else', async () => {
    // Probe the ONVIF devices and the RTSP-only camera's address: only the three may answer.
    const targets = [...onvifCameras().map(target), { host: farm.cameras[3]!.host, port: 3702 }];
    const cams = await agshUnicastProbe(targets);
    expect(cams.map((c) => c.hostname).sort()).toEqual(onvifCameras().map((c) => c.host).sort());
    for (const cam of cams) expect(Number(cam.port)).toBe(8000);
  });

  it('is interrogated: device information, profiles, stream and snapshot URIs', async () => {
    const c = onvifCameras()[0]!;
    const cam = await connectCam({ hostname: c.host, port: 8000, username: c.username, password: c.password });
    const info = await call<{ manufacturer: string; serialNumber: string; hardwareId: string }>((cb) => cam.getDeviceInformation(cb));
    expect(info).toMatchObject({ manufacturer: 'Vigil Simulated Cameras', serialNumber: c.serialNumber, hardwareId: c.macAddress });
    expect(cam.profiles.map((p) => p.$.token)).toEqual(['main', 'sub']);
    expect(cam.profiles[0]!.videoEncoderConfiguration?.resolution).toEqual({ width: 640, height: 360 });
    const main = await call<{ uri: string }>((cb) => cam.getStreamUri({ protocol: 'RTSP', profileToken: 'main' }, cb));
    const sub = await call<{ uri: string }>((cb) => cam.getStreamUri({ protocol: 'RTSP', profileToken: 'sub' }, cb));
    expect(main.uri).toBe(c.rtspUrl);
    expect(sub.uri).toBe(c.subRtspUrl);
    const snapshot = await call<{ uri: string }>((cb) => cam.getSnapshotUri({ profileToken: 'main' }, cb));
    const jpeg = await fetch(snapshot.uri, { headers: { authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` } });
    expect(jpeg.status).toBe(200);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await jpeg.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect((await fetch(snapshot.uri)).status).toBe(401);
  });

  it('refuses a wrong password with "Sender not Authorized"', async () => {
    const c = onvifCameras()[1]!;
    // Like many clients, agsh "connects" with a wrong password (pre-auth calls work) but gets no profiles.
    const cam = await connectCam({ hostname: c.host, port: 8000, username: c.username, password: 'wrong-password' });
    expect(cam.profiles).toEqual([]);
    await expect(call((cb) => cam.getDeviceInformation(cb))).rejects.toThrow(/Sender not Authorized/);
  });

  it('answers GetSystemDateAndTime without authentication, with the device clock', async () => {
    const c = onvifCameras()[2]!;
    const cam = await connectCam({ hostname: c.host, port: 8000, username: c.username, password: c.password });
    const time = await call<Date>((cb) => cam.getSystemDateAndTime(cb));
    expect(Math.abs(time.getTime() - Date.now())).toBeLessThan(5000);
  });
});
