import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorization, pickChallenge } from '../../gateway/src/adapters/rtsp/rtsp-client-auth.js';
import { RtspFramingError, RtspReader, writeMessage } from '../../gateway/src/adapters/rtsp/rtsp-message.js';
import { splitUpstream, toProxy, toUpstream } from '../../gateway/src/adapters/rtsp/rtsp-url-map.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('RtspReader', () => {
  it('splits messages with bodies and interleaved frames, across chunk boundaries', () => {
    const sdp = Buffer.from('v=0\r\nm=video 0 RTP/AVP 96\r\n');
    const response = writeMessage('RTSP/1.0 200 OK', [['CSeq', '2'], ['Content-Type', 'application/sdp']], sdp);
    const frame = Buffer.from([0x24, 0x00, 0x00, 0x03, 0xaa, 0xbb, 0xcc]);
    const all = Buffer.concat([response, frame, frame]);
    const reader = new RtspReader();
    const items = [];
    for (let i = 0; i < all.length; i += 5) items.push(...reader.push(all.subarray(i, i + 5)));
    expect(items.map((i) => i.kind)).toEqual(['message', 'frame', 'frame']);
    expect(items[0]).toMatchObject({ startLine: 'RTSP/1.0 200 OK', body: sdp });
    expect(items[1]!.kind === 'frame' && [...items[1]!.bytes]).toEqual([...frame]);
  });

  it('hands a run of whole frames over as one slice, keeping a partial frame and a following message apart', () => {
    const frame = Buffer.from([0x24, 0x00, 0x00, 0x03, 0xaa, 0xbb, 0xcc]);
    const keepalive = writeMessage('RTSP/1.0 200 OK', [['CSeq', '9']]);
    const reader = new RtspReader();
    const first = reader.push(Buffer.concat([frame, frame, frame, keepalive, frame.subarray(0, 5)]));
    expect(first.map((i) => i.kind)).toEqual(['frame', 'message']);
    expect(first[0]!.kind === 'frame' && first[0]!.bytes.length).toBe(3 * frame.length);
    expect(first[1]).toMatchObject({ startLine: 'RTSP/1.0 200 OK' });
    const second = reader.push(frame.subarray(5));
    expect(second.length === 1 && second[0]!.kind === 'frame' && [...second[0]!.bytes]).toEqual([...frame]);
  });

  it('refuses an endless header and a silly Content-Length', () => {
    expect(() => new RtspReader().push(Buffer.alloc(70_000, 0x41))).toThrow(RtspFramingError);
    expect(() => new RtspReader().push(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n'))).toThrow(RtspFramingError);
  });
});

describe('url map', () => {
  const map = { proxyBase: 'rtsp://127.0.0.1:4000/abc', upstreamOrigin: 'rtsp://10.0.0.5:554' };
  it('maps ffmpeg requests to the camera and camera URLs back to the proxy', () => {
    expect(toUpstream(map, 'rtsp://127.0.0.1:4000/abc/Streaming/101')).toBe('rtsp://10.0.0.5:554/Streaming/101');
    expect(toUpstream(map, 'rtsp://127.0.0.1:4000/abc/main/trackID=1')).toBe('rtsp://10.0.0.5:554/main/trackID=1');
    expect(toUpstream(map, '*')).toBe('*');
    // A camera behind NAT names its LAN address: re-rooted all the same.
    expect(toProxy(map, 'a=control:rtsp://192.168.1.64:554/main/trackID=1')).toBe('a=control:rtsp://127.0.0.1:4000/abc/main/trackID=1');
    expect(toProxy(map, 'url=rtsp://10.0.0.5/main/track1;seq=1,url=rtsp://10.0.0.5/main/track2')).toBe('url=rtsp://127.0.0.1:4000/abc/main/track1;seq=1,url=rtsp://127.0.0.1:4000/abc/main/track2');
    expect(splitUpstream('rtsps://cam:322/live?x=1')).toEqual({ origin: 'rtsps://cam:322', rest: '/live?x=1' });
  });
});

describe('RTSP client authentication', () => {
  it('prefers Digest to Basic and skips unknown algorithms', () => {
    expect(pickChallenge(['Basic realm="r"', 'Digest realm="r", nonce="n"'])?.scheme).toBe('digest');
    expect(pickChallenge(['Digest realm="r", nonce="n", algorithm=SHA-256', 'Basic realm="r"'])?.scheme).toBe('basic');
    expect(pickChallenge(['Bearer x'])).toBeNull();
  });

  it('computes RFC 2617 responses, with and without qop', () => {
    const plain = pickChallenge(['Digest realm="cam", nonce="abc"'])!;
    const expected = md5(`${md5('admin:cam:pw')}:abc:${md5('DESCRIBE:rtsp://h/main')}`);
    expect(authorization(plain, 'DESCRIBE', 'rtsp://h/main', 'admin', 'pw')).toContain(`response="${expected}"`);
    const qop = pickChallenge(['Digest realm="cam", nonce="abc", qop="auth"'])!;
    const withQop = md5(`${md5('admin:cam:pw')}:abc:00000002:cn:auth:${md5('SETUP:rtsp://h/main/t1')}`);
    expect(authorization(qop, 'SETUP', 'rtsp://h/main/t1', 'admin', 'pw', 2, 'cn')).toContain(`response="${withQop}"`);
    expect(authorization(pickChallenge(['Basic realm="x"'])!, 'DESCRIBE', 'u', 'admin', 'pw')).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
  });
});
