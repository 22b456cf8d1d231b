import type { ProfileKind } from '../domain/catalog.js';
import { VigilError } from '../domain/errors.js';
import { parseStreamUrl, streamAddressKey, validateStreamParts, type StreamAddressResult } from '../domain/stream-address.js';
import type { StreamProfileRow } from '../storage/schema.js';
import type { StreamProfileInput } from './camera.input.js';

/**
 * Turns a profile as given (a URL or parts) into the row to store, or throws INVALID_STREAM_URL
 * with the field and the stable reason (`details.reason`).
 */
export function resolveStreamProfile(cameraId: string, kind: ProfileKind, input: StreamProfileInput): StreamProfileRow {
  let result: StreamAddressResult;
  if (input.url !== undefined) {
    result = parseStreamUrl(input.url);
  } else if (input.scheme !== undefined && input.host !== undefined) {
    result = validateStreamParts({ scheme: input.scheme, host: input.host, port: input.port, path: input.path, query: input.query });
  } else {
    throw new VigilError('VALIDATION_FAILED', `profiles.${kind}: give either "url" or "scheme" and "host"`, {
      field: `profiles.${kind}`,
    });
  }
  if (!result.ok) {
    throw new VigilError('INVALID_STREAM_URL', `profiles.${kind}: ${result.message}`, {
      field: `profiles.${kind}`,
      reason: result.reason,
    });
  }
  const { address } = result;
  return {
    camera_id: cameraId,
    kind,
    scheme: address.scheme,
    host: address.host,
    port: address.port,
    path: address.path,
    query: address.query,
    address_key: streamAddressKey(address),
    codec: input.codec ?? null,
    width: input.width ?? null,
    height: input.height ?? null,
    fps: input.fps ?? null,
    bitrate_kbps: input.bitrateKbps ?? null,
  };
}
