import { getDeviceInformation, getSystemDateAndTime, type DeviceInformation } from '../adapters/onvif/onvif-device.client.js';
import { getMediaAddress, getProfiles, getSnapshotUri, getStreamUri, type MediaProfile } from '../adapters/onvif/onvif-media.client.js';
import type { OnvifCredentials } from '../adapters/onvif/onvif-soap.client.js';
import type { ProbeReason } from '../domain/health-state.js';
import { parseStreamUrl } from '../domain/stream-address.js';

export interface InterrogatedProfile extends MediaProfile {
  readonly kind: 'main' | 'sub';
  /** The stream URI as the device gave it, credentials removed; null when unusable. */
  readonly url: string | null;
}

export type Interrogation =
  | {
      readonly ok: true;
      readonly device: DeviceInformation;
      readonly clockSkewMs: number;
      readonly profiles: readonly InterrogatedProfile[];
      readonly snapshotUri: string | null;
    }
  | { readonly ok: false; readonly reason: ProbeReason; readonly message: string; readonly device?: DeviceInformation };

/** A URI without user:password@ (some devices embed them): credentials live in Vigil's store only. */
function withoutCredentials(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');
}

/**
 * Asks an ONVIF device what it is and how to watch it: clock (for WS-UsernameToken), device
 * information, media profiles (first = main, second = sub) with their stream URIs, and the main
 * profile's snapshot URI. A wrong password is `auth_failed` — detected from the device's
 * NotAuthorized fault, never inferred from an empty answer.
 */
export async function interrogate(deviceUrl: string, credentials: OnvifCredentials | null, timeoutMs: number): Promise<Interrogation> {
  const time = await getSystemDateAndTime(deviceUrl, { timeoutMs });
  if (!time.ok) return { ok: false, reason: time.reason, message: `GetSystemDateAndTime: ${time.message}` };
  const clockSkewMs = time.deviceTime.getTime() - Date.now();
  const options = { timeoutMs, clockOffsetMs: clockSkewMs };
  const info = await getDeviceInformation(deviceUrl, credentials, options);
  if (!info.ok) return { ok: false, reason: info.reason, message: `GetDeviceInformation: ${info.message}` };
  const media = await getMediaAddress(deviceUrl, credentials, options);
  const mediaUrl = media.ok ? media.mediaUrl : deviceUrl;
  const listed = await getProfiles(mediaUrl, credentials, options);
  if (!listed.ok) return { ok: false, reason: listed.reason, message: `GetProfiles: ${listed.message}`, device: info.info };
  if (listed.profiles.length === 0) {
    // What the agsh client reports for a wrong password too; here it is a device with nothing to stream.
    return { ok: false, reason: 'no_stream', message: 'the device lists no media profiles', device: info.info };
  }
  const profiles: InterrogatedProfile[] = [];
  for (const [index, profile] of listed.profiles.slice(0, 2).entries()) {
    const uri = await getStreamUri(mediaUrl, profile.token, credentials, options);
    if (!uri.ok && uri.reason === 'auth_failed') return { ok: false, reason: 'auth_failed', message: `GetStreamUri: ${uri.message}`, device: info.info };
    const url = uri.ok ? withoutCredentials(uri.uri) : null;
    profiles.push({ ...profile, kind: index === 0 ? 'main' : 'sub', url: url && parseStreamUrl(url).ok ? url : null });
  }
  const snapshot = await getSnapshotUri(mediaUrl, listed.profiles[0]!.token, credentials, options);
  const snapshotUri = snapshot.ok && /^https?:\/\//i.test(snapshot.uri) ? withoutCredentials(snapshot.uri) : null;
  return { ok: true, device: info.info, clockSkewMs, profiles, snapshotUri };
}
