import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScaleFarm, type ScaleFarm } from '../../scripts/sim/scale-farm.js';
import { parseAuthParams } from '../../scripts/sim/rtsp-digest.js';
import { rtspRequest } from '../helpers/media-probe.js';

let farm: ScaleFarm;

beforeAll(async () => {
  farm = await startScaleFarm({ count: 2000, network: '127.87', perAddress: 100 });
});
afterAll(async () => farm?.stop());

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** DESCRIBE with Digest authentication, the way a health probe does it. */
async function describeCamera(url: string, username: string, password: string): Promise<string | null> {
  const { hostname, port } = new URL(url.replace('rtsp:', 'http:'));
  const first = await rtspRequest(hostname, Number(port), `DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n`);
  if (!first?.startsWith('RTSP/1.0 401')) return first;
  const challenge = parseAuthParams(/WWW-Authenticate: Digest (.*)\r\n/i.exec(first)?.[1] ?? '');
  const realm = challenge.get('realm')!;
  const nonce = challenge.get('nonce')!;
  const response = md5(`${md5(`${username}:${realm}:${password}`)}:${nonce}:${md5(`DESCRIBE:${url}`)}`);
  // Same connection is not needed: the simulator's nonce is per connection, so reuse one socket.
  const auth = `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${url}", response="${response}"`;
  return rtspRequest(hostname, Number(port), `DESCRIBE ${url} RTSP/1.0\r\nCSeq: 2\r\nAuthorization: ${auth}\r\n\r\n`);
}

describe('scale farm', () => {
  it('spreads thousands of cameras over many loopback addresses', () => {
    expect(farm.cameras).toHaveLength(2000);
    expect(farm.addresses).toBe(20);
    const hosts = new Set(farm.cameras.map((c) => new URL(c.rtspUrl.replace('rtsp:', 'http:')).hostname));
    expect(hosts.size).toBe(20);
  });

  it('answers OPTIONS, and DESCRIBE with 401 then an H.264 SDP', async () => {
    const camera = farm.cameras[1234]!;
    const { hostname, port } = new URL(camera.rtspUrl.replace('rtsp:', 'http:'));
    expect(await rtspRequest(hostname, Number(port), `OPTIONS ${camera.rtspUrl} RTSP/1.0\r\nCSeq: 7\r\n\r\n`)).toMatch(/^RTSP\/1\.0 200 OK\r\nCSeq: 7/);
    const anonymous = await rtspRequest(hostname, Number(port), `DESCRIBE ${camera.rtspUrl} RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
    expect(anonymous).toMatch(/^RTSP\/1\.0 401/);
  });

  it('faults change the answers of one camera only', async () => {
    const [a, b, c, d] = [farm.cameras[10]!, farm.cameras[11]!, farm.cameras[12]!, farm.cameras[13]!];
    farm.setFault(11, 'wrong-password');
    farm.setFault(12, 'no-video');
    farm.setFault(13, 'hang');
    expect(await describeCamera(a.rtspUrl, farm.username, farm.password)).toMatch(/^RTSP\/1\.0 200[\s\S]*m=video[\s\S]*H264\/90000/);
    expect(await describeCamera(b.rtspUrl, farm.username, farm.password)).toMatch(/^RTSP\/1\.0 401/);
    const audio = await describeCamera(c.rtspUrl, farm.username, farm.password);
    expect(audio).toMatch(/^RTSP\/1\.0 200/);
    expect(audio).not.toContain('m=video');
    expect(await describeCamera(d.rtspUrl, farm.username, farm.password)).toBeNull();
    farm.setFault(10, 'offline');
    expect(await describeCamera(a.rtspUrl, farm.username, farm.password)).toBeNull();
    for (const i of [10, 11, 12, 13]) farm.setFault(i, 'none');
    expect(await describeCamera(b.rtspUrl, farm.username, farm.password)).toMatch(/^RTSP\/1\.0 200/);
  });

  it('answers a burst of 1,000 DESCRIBEs across addresses without a failure', async () => {
    const results = await Promise.all(
      farm.cameras.slice(0, 1000).map((c) => describeCamera(c.rtspUrl, farm.username, farm.password)),
    );
    expect(results.filter((r) => !r?.startsWith('RTSP/1.0 200'))).toEqual([]);
  });
});
