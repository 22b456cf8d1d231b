import { getDeviceInformation, getSystemDateAndTime } from '../adapters/onvif/onvif-device.client.js';
import { tcpConnect } from '../adapters/net/tcp-probe.js';
import { describeCamera, type ChallengeCache } from '../adapters/rtsp/rtsp-describe.js';
import type { StepResult } from '../domain/probe-result.js';
import type { MediaChecker } from './media-checker.js';

/** What one check needs of a camera. Credentials are revealed just for the check. */
export interface CheckTarget {
  readonly cameraId: string;
  /** The main stream: rtsp://… without credentials, and where to connect. */
  readonly rtsp: { readonly url: string; readonly host: string; readonly port: number; readonly secure: boolean };
  /** The stream the media check decodes (the sub stream when there is one: cheaper). */
  readonly mediaUrl: string;
  readonly username: string | null;
  readonly password: string | null;
  /** ONVIF device service address, or null for an RTSP-only camera. */
  readonly onvifUrl: string | null;
}

export interface LadderSettings {
  readonly timeoutMs: number;
}

/**
 * The probe ladder, cheapest step first (DESIGN.md §4): TCP connect and RTSP DESCRIBE with auth
 * (one connection), then ONVIF time and device information for ONVIF cameras, then — when asked —
 * a media check of a few seconds of video. It stops at the first failure of TCP or RTSP: a
 * camera that does not answer RTSP has nothing more to tell.
 */
export class ProbeLadder {
  readonly #challenges: ChallengeCache = new Map();

  constructor(
    private readonly settings: LadderSettings,
    private readonly media: MediaChecker | null,
  ) {}

  async run(target: CheckTarget, withMedia: boolean): Promise<StepResult[]> {
    const results: StepResult[] = [];
    if (target.rtsp.secure) return this.#reachableOnly(target, withMedia);
    const describeTarget = { ...target.rtsp, username: target.username, password: target.password };
    const describe = await describeCamera(describeTarget, {
      timeoutMs: this.settings.timeoutMs,
      challenges: this.#challenges,
    });
    if (!describe.ok) {
      if (describe.step === 'rtsp') results.push({ step: 'tcp', ok: true, ms: 0 });
      results.push({ step: describe.step, ok: false, reason: describe.reason, ms: describe.ms, message: describe.message });
      return results;
    }
    results.push({ step: 'tcp', ok: true, ms: describe.connectMs });
    const { codec, width, height } = describe.video;
    results.push({ step: 'rtsp', ok: true, ms: describe.ms, detail: { codec, ...(width !== null && { width }), ...(height !== null && { height }) } });
    if (target.onvifUrl) results.push(await this.#onvif(target));
    if (withMedia && this.media) {
      results.push(
        await this.media.check({ cameraId: target.cameraId, upstreamUrl: target.mediaUrl, username: target.username, password: target.password }),
      );
    }
    return results;
  }

  /**
   * rtsps:// cameras: Vigil's DESCRIBE client speaks plain RTSP only, so the cheap step is a TCP
   * connect; the media check (ffmpeg through the proxy, which speaks TLS upstream) sees the rest.
   */
  async #reachableOnly(target: CheckTarget, withMedia: boolean): Promise<StepResult[]> {
    const connected = await tcpConnect(target.rtsp.host, target.rtsp.port, this.settings.timeoutMs);
    if (!connected.ok) return [{ step: 'tcp', ok: false, reason: connected.reason, ms: 0, message: connected.message }];
    connected.socket.destroy();
    const results: StepResult[] = [{ step: 'tcp', ok: true, ms: 0 }];
    if (target.onvifUrl) results.push(await this.#onvif(target));
    if (withMedia && this.media) results.push(await this.media.check({ cameraId: target.cameraId, upstreamUrl: target.mediaUrl, username: target.username, password: target.password }));
    return results;
  }

  /** Clock skew from GetSystemDateAndTime, then GetDeviceInformation signed in the device's time. */
  async #onvif(target: CheckTarget): Promise<StepResult> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const options = { timeoutMs: this.settings.timeoutMs };
    const time = await getSystemDateAndTime(target.onvifUrl!, options);
    if (!time.ok) return { step: 'onvif', ok: false, reason: time.reason === 'auth_failed' ? 'auth_failed' : 'onvif_fault', ms: ms(), message: time.message };
    // Half the round trip: the device read its clock about then.
    const clockSkewMs = time.deviceTime.getTime() - (Date.now() - ms() / 2);
    const credentials = target.username !== null ? { username: target.username, password: target.password ?? '' } : null;
    const info = await getDeviceInformation(target.onvifUrl!, credentials, { ...options, clockOffsetMs: clockSkewMs });
    if (!info.ok) return { step: 'onvif', ok: false, reason: info.reason === 'auth_failed' ? 'auth_failed' : 'onvif_fault', ms: ms(), message: info.message };
    const { manufacturer, model, firmware } = info.info;
    return {
      step: 'onvif',
      ok: true,
      ms: ms(),
      detail: { clockSkewMs: Math.round(clockSkewMs), ...(manufacturer && { manufacturer }), ...(model && { model }), ...(firmware && { firmware }) },
    };
  }
}
