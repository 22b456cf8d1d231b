import { describe, expect, it } from 'vitest';
import { buildMediaCheckArgv, parseMediaCheckOutput } from '../../../gateway/src/adapters/ffmpeg/media-check-argv.js';
import { parseUntrustedXml } from '../../../gateway/src/adapters/onvif/untrusted-xml.js';
import { videoOfSdp } from '../../../gateway/src/adapters/rtsp/sdp.js';
import { pictureVerdict } from '../../../gateway/src/health/media-checker.js';

describe('SDP video', () => {
  const sdp = (media: string) => `v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=cam\r\nt=0 0\r\n${media}`;
  it.each([
    ['H.264 with framesize', sdp('m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=framesize:96 1920-1080\r\n'), { codec: 'h264', width: 1920, height: 1080 }],
    ['H.265', sdp('m=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\n'), { codec: 'h265', width: null, height: null }],
    ['HEVC spelled out, x-dimensions', sdp('m=video 0 RTP/AVP 98\r\na=rtpmap:98 HEVC/90000\r\na=x-dimensions:1280,720\r\n'), { codec: 'h265', width: 1280, height: 720 }],
    ['static MJPEG payload type', sdp('m=video 0 RTP/AVP 26\r\n'), { codec: 'mjpeg', width: null, height: null }],
    ['audio first, then video', sdp('m=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\nm=video 0 RTP/AVP 97\r\na=rtpmap:97 H264/90000\r\n'), { codec: 'h264', width: null, height: null }],
  ])('%s', (_name, text, expected) => {
    expect(videoOfSdp(text)).toEqual(expected);
  });

  it('says null for an audio-only answer', () => {
    expect(videoOfSdp(sdp('m=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n'))).toBeNull();
  });
});

describe('media check argv and output', () => {
  it('is an exact array, with no credentials allowed in', () => {
    expect(buildMediaCheckArgv({ inputUrl: 'rtsp://127.0.0.1:4000/abc/sub', sampleSeconds: 4, minDurationSeconds: 2, socketTimeoutS: 5 })).toEqual([
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
      '-protocol_whitelist', 'rtsp,tcp',
      '-rtsp_transport', 'tcp',
      '-timeout', '5000000',
      '-probesize', '500000', '-analyzeduration', '1000000',
      '-i', 'rtsp://127.0.0.1:4000/abc/sub',
      '-t', '4',
      '-map', '0:v:0', '-an', '-sn', '-dn',
      '-vf', 'scale=320:-2,freezedetect=n=-60dB:d=2,blackdetect=d=2:pic_th=0.98:pix_th=0.10',
      '-f', 'null', '-',
      '-progress', 'pipe:1',
    ]);
    expect(() => buildMediaCheckArgv({ inputUrl: 'rtsp://admin:pw@10.0.0.1/main', sampleSeconds: 4, minDurationSeconds: 2, socketTimeoutS: 5 })).toThrow(/credentials/);
  });

  const progress = (frames: number, seconds: number) => `frame=${frames}\nfps=10.0\nout_time_us=${seconds * 1_000_000}\nprogress=end\n`;

  it.each([
    ['a moving picture', progress(40, 4), '', { frames: 40, decodedSeconds: 4, frozenSeconds: 0, blackSeconds: 0 }, { ok: true }],
    ['frozen to the end', progress(40, 4), '[freezedetect @ 0x5] lavfi.freezedetect.freeze_start: 0.1\n[freezedetect @ 0x5] lavfi.freezedetect.freeze_duration: 2.1\n', { frames: 40, decodedSeconds: 4, frozenSeconds: 3.9, blackSeconds: 0 }, { ok: false, reason: 'frozen' }],
    ['a short pause only', progress(40, 4), '[freezedetect @ 0x5] lavfi.freezedetect.freeze_start: 0.5\n[freezedetect @ 0x5] lavfi.freezedetect.freeze_end: 2.6\n', { frames: 40, decodedSeconds: 4, frozenSeconds: 2.1, blackSeconds: 0 }, { ok: true }],
    ['black (and so also still)', progress(40, 4), '[freezedetect @ 0x5] lavfi.freezedetect.freeze_start: 0\n[blackdetect @ 0x6] black_start:0 black_end:4 black_duration:4\n', { frames: 40, decodedSeconds: 4, frozenSeconds: 4, blackSeconds: 4 }, { ok: false, reason: 'black' }],
    ['no frames at all', '', 'Connection timed out', { frames: 0, decodedSeconds: 0, frozenSeconds: 0, blackSeconds: 0 }, { ok: false, reason: 'no_video' }],
  ])('%s', (_name, out, log, findings, verdict) => {
    const parsed = parseMediaCheckOutput(out, log);
    expect(parsed.frames).toBe(findings.frames);
    expect(parsed.decodedSeconds).toBeCloseTo(findings.decodedSeconds, 6);
    expect(parsed.frozenSeconds).toBeCloseTo(findings.frozenSeconds, 6);
    expect(parsed.blackSeconds).toBeCloseTo(findings.blackSeconds, 6);
    expect(pictureVerdict(parsed, 2)).toEqual(verdict);
  });
});

describe('untrusted XML', () => {
  it.each([
    ['a DTD', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DTD/],
    ['too large', `<a>${'x'.repeat(300 * 1024)}</a>`, /too large/],
    ['too deep', `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`, /deep/],
    ['a prototype key', '<Envelope><__proto__><polluted>1</polluted></__proto__></Envelope>', /forbidden/],
    ['a constructor attribute', '<Envelope constructor="x"/>', /forbidden/],
  ])('refuses %s', (_name, text, why) => {
    const result = parseUntrustedXml(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.why).toMatch(why);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parses an ordinary SOAP answer without namespace prefixes', () => {
    const result = parseUntrustedXml('<s:Envelope xmlns:s="x"><s:Body><t:Thing a="1">v</t:Thing></s:Body></s:Envelope>');
    expect(result).toEqual({ ok: true, doc: { Envelope: { Body: { Thing: { '#text': 'v', '@a': '1' } } } } });
  });
});
