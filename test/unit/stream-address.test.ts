import { describe, expect, it } from 'vitest';
import {
  buildStreamUrl,
  parseStreamUrl,
  streamAddressKey,
  validateStreamParts,
  type StreamAddressRejection,
} from '../../gateway/src/domain/stream-address.js';

const long = (n: number) => 'a'.repeat(n);

/** [input, the reason it must be refused for] */
const HOSTILE: Array<[string, StreamAddressRejection]> = [
  ['file:///etc/passwd', 'SCHEME_NOT_ALLOWED'],
  ['FILE:///etc/shadow', 'SCHEME_NOT_ALLOWED'],
  ['concat:rtsp://a/1|rtsp://b/2', 'SCHEME_NOT_ALLOWED'],
  ['http://10.0.0.1/stream', 'SCHEME_NOT_ALLOWED'],
  ['https://10.0.0.1/stream', 'SCHEME_NOT_ALLOWED'],
  ['data:text/plain;base64,AAAA', 'SCHEME_NOT_ALLOWED'],
  ['pipe:0', 'SCHEME_NOT_ALLOWED'],
  ['tcp://127.0.0.1:554', 'SCHEME_NOT_ALLOWED'],
  ['udp://239.0.0.1:1234', 'SCHEME_NOT_ALLOWED'],
  ['rtmp://host/live', 'SCHEME_NOT_ALLOWED'],
  ['gopher://host/', 'SCHEME_NOT_ALLOWED'],
  ['crypto:rtsp://host/', 'SCHEME_NOT_ALLOWED'],
  ['subfile,,start,0,end,0,,:file:///etc/passwd', 'MALFORMED'],
  ['/etc/passwd', 'MALFORMED'],
  ['', 'MALFORMED'],
  ['rtsp:host/path', 'MALFORMED'],
  ['rtsp://admin:secret@10.0.0.1/live', 'EMBEDDED_CREDENTIALS'],
  ['rtsp://admin@10.0.0.1/live', 'EMBEDDED_CREDENTIALS'],
  ['rtsp://:pw@10.0.0.1/live', 'EMBEDDED_CREDENTIALS'],
  ['rtsp://10.0.0.1/cam?user=admin&password=123', 'EMBEDDED_CREDENTIALS'],
  ['rtsp://10.0.0.1/user=admin_password=tlJwpbo6_channel=1.sdp', 'EMBEDDED_CREDENTIALS'],
  ['rtsp://10.0.0.1/live?pwd=123', 'EMBEDDED_CREDENTIALS'],
  ['rtsp://10.0.0.1/a@b', 'EMBEDDED_CREDENTIALS'],
  ['rtsp://10.0.0.1/live\nOPTIONS', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/live\r\nX: y', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/li\u0000ve', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/live\u007f', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/live\u202e', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/live\u200b', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/live%0d%0aX:y', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/live%00', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/li ve', 'WHITESPACE'],
  [' rtsp://10.0.0.1/live', 'WHITESPACE'],
  ['rtsp://10.0.0.1/live\t', 'CONTROL_CHARACTER'],
  ['rtsp://10.0.0.1/live\u00a0', 'WHITESPACE'],
  ['rtsp://10.0.0.1/live\u3000', 'WHITESPACE'],
  ['-i /etc/passwd', 'WHITESPACE'],
  ['-rtsp://10.0.0.1/live', 'LEADING_DASH'],
  ['--help', 'LEADING_DASH'],
  ['rtsp://-oProxyCommand=x/live', 'LEADING_DASH'],
  [`rtsp://10.0.0.1/${long(2100)}`, 'TOO_LONG'],
  [`rtsp://10.0.0.1/${long(1100)}`, 'TOO_LONG'],
  [`rtsp://10.0.0.1/live?${long(1100)}`, 'TOO_LONG'],
  [`rtsp://${long(70)}.example/live`, 'INVALID_HOST'],
  ['rtsp://10.0.0.1/live#frag', 'FRAGMENT_NOT_ALLOWED'],
  ['rtsp://10.0.0.1:0/live', 'INVALID_PORT'],
  ['rtsp://10.0.0.1:65536/live', 'INVALID_PORT'],
  ['rtsp://10.0.0.1:-1/live', 'INVALID_PORT'],
  ['rtsp://10.0.0.1:abc/live', 'INVALID_PORT'],
  ['rtsp://10.0.0.1:/live', 'INVALID_PORT'],
  ['rtsp:///live', 'INVALID_HOST'],
  ['rtsp://under_score.example/live', 'INVALID_HOST'],
  ['rtsp://0x7f.1/live', 'INVALID_HOST'],
  ['rtsp://127.1/live', 'INVALID_HOST'],
  ['rtsp://2130706433/live', 'INVALID_HOST'],
  ['rtsp://010.0.0.1/live', 'INVALID_HOST'],
  ['rtsp://256.0.0.1/live', 'INVALID_HOST'],
  ['rtsp://::1/live', 'INVALID_HOST'],
  ['rtsp://[fe80::1%25eth0]/live', 'INVALID_HOST'],
  ['rtsp://[1:2:3:4:5:6:7:8:9]/live', 'INVALID_HOST'],
  ['rtsp://[10.0.0.1]/live', 'INVALID_HOST'],
  ['rtsp://exa$mple.com/live', 'INVALID_HOST'],
  ['rtsp://10.0.0.1/../../etc/passwd', 'INVALID_PATH'],
  ['rtsp://10.0.0.1/a/%2e%2e/b', 'INVALID_PATH'],
  ['rtsp://10.0.0.1/a\\b', 'INVALID_PATH'],
  ['rtsp://10.0.0.1/a%zz', 'INVALID_PATH'],
  ['rtsp://10.0.0.1/a"b', 'INVALID_PATH'],
  ['rtsp://10.0.0.1/a<b>', 'INVALID_PATH'],
  ['rtsp://10.0.0.1/live?a=%g1', 'INVALID_QUERY'],
  ['rtsp://10.0.0.1/live?a=`id`', 'INVALID_QUERY'],
];

describe('parseStreamUrl rejects hostile input', () => {
  it('has at least 40 hostile cases', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE)('%j → %s', (input, reason) => {
    const result = parseStreamUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });
});

describe('parseStreamUrl accepts real camera addresses', () => {
  const GOOD: Array<[string, { host: string; port: number | null; path: string; query: string | null }]> = [
    ['rtsp://10.0.0.5:554/Streaming/Channels/101', { host: '10.0.0.5', port: 554, path: '/Streaming/Channels/101', query: null }],
    ['rtsp://192.168.1.64/cam/realmonitor?channel=1&subtype=0', { host: '192.168.1.64', port: null, path: '/cam/realmonitor', query: 'channel=1&subtype=0' }],
    ['RTSP://Cam-1.Example.ORG/h264Preview_01_main', { host: 'cam-1.example.org', port: null, path: '/h264Preview_01_main', query: null }],
    ['rtsps://cam.example:322/live', { host: 'cam.example', port: 322, path: '/live', query: null }],
    ['rtsp://[::1]:8554/cam1', { host: '::1', port: 8554, path: '/cam1', query: null }],
    ['rtsp://[2001:db8::ffff:10.0.0.1]/x', { host: '2001:db8::ffff:10.0.0.1', port: null, path: '/x', query: null }],
    ['rtsp://127.0.0.1:8554', { host: '127.0.0.1', port: 8554, path: '/', query: null }],
    ['rtsp://10.1.2.3/live/ch00_0', { host: '10.1.2.3', port: null, path: '/live/ch00_0', query: null }],
    ['rtsp://10.1.2.3/media/video1%20main', { host: '10.1.2.3', port: null, path: '/media/video1%20main', query: null }],
    ['rtsp://camera.local/onvif-media/media.amp?profile=profile_1_h264', { host: 'camera.local', port: null, path: '/onvif-media/media.amp', query: 'profile=profile_1_h264' }],
  ];
  it.each(GOOD)('%s', (input, expected) => {
    const result = parseStreamUrl(input);
    expect(result).toMatchObject({ ok: true, address: expected });
  });

  it('lower-cases the scheme', () => {
    const result = parseStreamUrl('RTSPS://cam.example/live');
    expect(result.ok && result.address.scheme).toBe('rtsps');
  });
});

describe('validateStreamParts', () => {
  it('accepts parts and rebuilds the URL', () => {
    const result = validateStreamParts({ scheme: 'rtsp', host: '10.0.0.9', port: 554, path: '/live', query: 'ch=1' });
    expect(result.ok && buildStreamUrl(result.address)).toBe('rtsp://10.0.0.9:554/live?ch=1');
  });

  it.each<[Parameters<typeof validateStreamParts>[0], StreamAddressRejection]>([
    [{ scheme: 'file', host: 'x.example' }, 'SCHEME_NOT_ALLOWED'],
    [{ scheme: 'rtsp', host: 'user@10.0.0.1' }, 'EMBEDDED_CREDENTIALS'],
    [{ scheme: 'rtsp', host: '10.0.0.1/evil' }, 'INVALID_HOST'],
    [{ scheme: 'rtsp', host: '-10.0.0.1' }, 'LEADING_DASH'],
    [{ scheme: 'rtsp', host: '10.0.0.1', port: 70000 }, 'INVALID_PORT'],
    [{ scheme: 'rtsp', host: '10.0.0.1', port: 1.5 }, 'INVALID_PORT'],
    [{ scheme: 'rtsp', host: '10.0.0.1', path: 'no-slash' }, 'INVALID_PATH'],
    [{ scheme: 'rtsp', host: '10.0.0.1', path: '/a\nb' }, 'CONTROL_CHARACTER'],
    [{ scheme: 'rtsp', host: '10.0.0.1', path: '/a', query: 'x y' }, 'WHITESPACE'],
    [{ scheme: 'rtsp', host: '10.0.0.1', path: '/a', query: 'a#b' }, 'INVALID_QUERY'],
  ])('rejects %j as %s', (input, reason) => {
    const result = validateStreamParts(input);
    expect(result.ok ? null : result.reason).toBe(reason);
  });
});

describe('streamAddressKey', () => {
  it('treats the default port and letter case as the same stream', () => {
    const a = parseStreamUrl('rtsp://CAM.example/live');
    const b = parseStreamUrl('rtsp://cam.example:554/live');
    expect(a.ok && b.ok && streamAddressKey(a.address) === streamAddressKey(b.address)).toBe(true);
  });

  it('keeps different paths and queries apart', () => {
    const a = parseStreamUrl('rtsp://cam.example/live?ch=1');
    const b = parseStreamUrl('rtsp://cam.example/live?ch=2');
    expect(a.ok && b.ok && streamAddressKey(a.address) !== streamAddressKey(b.address)).toBe(true);
  });
});
