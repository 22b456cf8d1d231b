import type { OnvifOutcome } from './onvif-device.client.js';
import { soapCall, type OnvifCredentials, type SoapOptions } from './onvif-soap.client.js';
import { listOf, pick, textOf } from './untrusted-xml.js';
import { xmlEscape } from './ws-username-token.js';

const TDS = 'http://www.onvif.org/ver10/device/wsdl';
const TRT = 'http://www.onvif.org/ver10/media/wsdl';
const TT = 'http://www.onvif.org/ver10/schema';

/** The media service address from GetCapabilities; devices without one serve media at the device address. */
export async function getMediaAddress(url: string, credentials: OnvifCredentials | null, options: SoapOptions): Promise<OnvifOutcome<{ readonly mediaUrl: string }>> {
  const result = await soapCall(url, `<GetCapabilities xmlns="${TDS}"><Category>All</Category></GetCapabilities>`, credentials, options);
  if (!result.ok) return result;
  const media = textOf(pick(result.body, 'GetCapabilitiesResponse', 'Capabilities', 'Media', 'XAddr'));
  return { ok: true, mediaUrl: media && /^https?:\/\//i.test(media) ? media : url };
}

export interface MediaProfile {
  readonly token: string;
  readonly name: string | null;
  /** h264, h265, mjpeg, mpeg4 or the encoding in lower case. */
  readonly codec: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly fps: number | null;
  readonly bitrateKbps: number | null;
}

const ENCODINGS: Record<string, string> = { h264: 'h264', h265: 'h265', hevc: 'h265', jpeg: 'mjpeg', mpeg4: 'mpeg4' };

function positive(text: string | undefined): number | null {
  const n = Number(text);
  return Number.isFinite(n) && n > 0 && n < 1_000_000 ? n : null;
}

export async function getProfiles(mediaUrl: string, credentials: OnvifCredentials | null, options: SoapOptions): Promise<OnvifOutcome<{ readonly profiles: readonly MediaProfile[] }>> {
  const result = await soapCall(mediaUrl, `<GetProfiles xmlns="${TRT}"/>`, credentials, options);
  if (!result.ok) return result;
  const profiles: MediaProfile[] = [];
  for (const node of listOf(pick(result.body, 'GetProfilesResponse', 'Profiles')).slice(0, 16)) {
    const token = textOf(pick(node, '@token'));
    if (!token || token.length > 64) continue;
    const encoder = pick(node, 'VideoEncoderConfiguration');
    const encoding = textOf(pick(encoder, 'Encoding'))?.toLowerCase();
    profiles.push({
      token,
      name: textOf(pick(node, 'Name'))?.slice(0, 64) ?? null,
      codec: encoding ? (ENCODINGS[encoding] ?? encoding.slice(0, 16)) : null,
      width: positive(textOf(pick(encoder, 'Resolution', 'Width'))),
      height: positive(textOf(pick(encoder, 'Resolution', 'Height'))),
      fps: positive(textOf(pick(encoder, 'RateControl', 'FrameRateLimit'))),
      bitrateKbps: positive(textOf(pick(encoder, 'RateControl', 'BitrateLimit'))),
    });
  }
  return { ok: true, profiles };
}

async function mediaUri(operation: 'GetStreamUri' | 'GetSnapshotUri', mediaUrl: string, token: string, credentials: OnvifCredentials | null, options: SoapOptions): Promise<OnvifOutcome<{ readonly uri: string }>> {
  const setup =
    operation === 'GetStreamUri'
      ? `<StreamSetup><Stream xmlns="${TT}">RTP-Unicast</Stream><Transport xmlns="${TT}"><Protocol>RTSP</Protocol></Transport></StreamSetup>`
      : '';
  const result = await soapCall(mediaUrl, `<${operation} xmlns="${TRT}">${setup}<ProfileToken>${xmlEscape(token)}</ProfileToken></${operation}>`, credentials, options);
  if (!result.ok) return result;
  const uri = textOf(pick(result.body, `${operation}Response`, 'MediaUri', 'Uri'))?.trim();
  if (!uri || uri.length > 2048) return { ok: false, reason: 'onvif_fault', message: `${operation} without a URI` };
  return { ok: true, uri };
}

export const getStreamUri = (mediaUrl: string, token: string, credentials: OnvifCredentials | null, options: SoapOptions) => mediaUri('GetStreamUri', mediaUrl, token, credentials, options);
export const getSnapshotUri = (mediaUrl: string, token: string, credentials: OnvifCredentials | null, options: SoapOptions) => mediaUri('GetSnapshotUri', mediaUrl, token, credentials, options);
