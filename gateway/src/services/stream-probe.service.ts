import { describeCamera } from '../adapters/rtsp/rtsp-describe.js';
import { VigilError } from '../domain/errors.js';
import { buildStreamUrl, parseStreamUrl, validateStreamParts, type StreamAddressResult } from '../domain/stream-address.js';
import type { StreamProfileInput } from './camera.input.js';

export interface StreamProbeResult {
  /** The address probed, without credentials. */
  readonly url: string;
  readonly reachable: boolean;
  /** null when the camera was not reached, or asked for no login. */
  readonly authOk: boolean | null;
  readonly ok: boolean;
  readonly reason: string | null;
  readonly message: string | null;
  readonly codec: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly ms: number;
}

/**
 * "Probe first, then save" for manual RTSP registration: one DESCRIBE with the login given, and
 * what came back — reachable, login accepted, codec and size — before anything is stored.
 */
export class StreamProbeService {
  constructor(private readonly timeoutMs: number) {}

  async probe(address: StreamProfileInput, credentials: { username: string; password: string } | null): Promise<StreamProbeResult> {
    let result: StreamAddressResult;
    if (address.url !== undefined) result = parseStreamUrl(address.url);
    else if (address.scheme !== undefined && address.host !== undefined) result = validateStreamParts({ scheme: address.scheme, host: address.host, port: address.port, path: address.path, query: address.query });
    else throw new VigilError('VALIDATION_FAILED', 'give either "url" or "scheme" and "host"', { field: 'url' });
    if (!result.ok) throw new VigilError('INVALID_STREAM_URL', result.message, { field: 'url', reason: result.reason });
    const a = result.address;
    if (a.scheme !== 'rtsp') throw new VigilError('VALIDATION_FAILED', 'only rtsp:// addresses can be probed', { field: 'url' });
    const url = buildStreamUrl(a);
    const outcome = await describeCamera(
      { url, host: a.host, port: a.port ?? 554, username: credentials?.username ?? null, password: credentials?.password ?? null },
      { timeoutMs: this.timeoutMs },
    );
    if (outcome.ok) {
      return { url, reachable: true, authOk: credentials ? true : null, ok: true, reason: null, message: null, codec: outcome.video.codec, width: outcome.video.width, height: outcome.video.height, ms: outcome.ms };
    }
    return {
      url,
      reachable: outcome.step === 'rtsp',
      authOk: outcome.reason === 'auth_failed' ? false : outcome.step === 'rtsp' && outcome.reason !== 'timeout' ? (credentials ? true : null) : null,
      ok: false,
      reason: outcome.reason,
      message: outcome.message,
      codec: null,
      width: null,
      height: null,
      ms: outcome.ms,
    };
  }
}
