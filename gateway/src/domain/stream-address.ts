import { normaliseHost } from './host-name.js';

/**
 * A camera stream address kept as parts (DESIGN.md §4 Security). It is rebuilt server-side when
 * ffmpeg or the RTSP client needs it, so no client-supplied string ever reaches a process
 * argument unchecked. Credentials are never part of it: they live in the encrypted store.
 */
export const STREAM_SCHEMES = ['rtsp', 'rtsps'] as const;
export type StreamScheme = (typeof STREAM_SCHEMES)[number];

export interface StreamAddress {
  readonly scheme: StreamScheme;
  readonly host: string;
  /** null = the scheme's default port (554 for rtsp, 322 for rtsps). */
  readonly port: number | null;
  /** Starts with "/". */
  readonly path: string;
  /** Without the leading "?"; null when there is none. */
  readonly query: string | null;
}

/** Why an address was refused; stable values, returned to clients as `details.reason`. */
export type StreamAddressRejection =
  | 'TOO_LONG'
  | 'CONTROL_CHARACTER'
  | 'WHITESPACE'
  | 'LEADING_DASH'
  | 'SCHEME_NOT_ALLOWED'
  | 'EMBEDDED_CREDENTIALS'
  | 'FRAGMENT_NOT_ALLOWED'
  | 'INVALID_HOST'
  | 'INVALID_PORT'
  | 'INVALID_PATH'
  | 'INVALID_QUERY'
  | 'MALFORMED';

export type StreamAddressResult =
  | { ok: true; address: StreamAddress }
  | { ok: false; reason: StreamAddressRejection; message: string };

export const LIMITS = { url: 2048, path: 1024, query: 1024 } as const;

const DEFAULT_PORT: Record<StreamScheme, number> = { rtsp: 554, rtsps: 322 };

// C0, DEL, C1, and the invisible format characters (zero-width, bidi overrides, BOM) that make a
// URL look different from what it is.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const WHITESPACE = /\s/;
// RFC 3986 pchar without "@" (kept out so nothing can pass for userinfo), plus "/".
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:/%]*$/;
const QUERY_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:/?%]*$/;
const PERCENT = /%(?![0-9A-Fa-f]{2})/;
// Encoded control characters would reach the RTSP request line decoded by some servers.
const ENCODED_CONTROL = /%(?:[01][0-9A-Fa-f]|7[Ff])/;
// Vendor styles that carry the password inside the path or query (Dahua "?password=",
// XMEye "/user=admin_password=…"): credentials belong in the credentials fields.
const CREDENTIAL_PARAM = /(?:^|[/?&;_])(?:password|passwd|pwd|pass)=/i;

function reject(reason: StreamAddressRejection, message: string): StreamAddressResult {
  return { ok: false, reason, message };
}

/** Checks shared by the whole URL and by each part. */
function checkCharacters(value: string, what: string): StreamAddressResult | null {
  if (CONTROL.test(value)) return reject('CONTROL_CHARACTER', `${what} contains a control character`);
  if (WHITESPACE.test(value)) return reject('WHITESPACE', `${what} contains whitespace`);
  if (value.startsWith('-')) return reject('LEADING_DASH', `${what} must not start with "-"`);
  return null;
}

function checkPath(path: string): StreamAddressResult | null {
  if (path.length > LIMITS.path) return reject('TOO_LONG', `path is longer than ${LIMITS.path} characters`);
  if (!path.startsWith('/')) return reject('INVALID_PATH', 'path must start with "/"');
  if (path.includes('@')) return reject('EMBEDDED_CREDENTIALS', 'path must not contain "@"');
  if (!PATH_CHARS.test(path)) return reject('INVALID_PATH', 'path contains a character that is not allowed');
  if (PERCENT.test(path)) return reject('INVALID_PATH', 'path has a malformed percent-encoding');
  if (ENCODED_CONTROL.test(path)) return reject('CONTROL_CHARACTER', 'path contains an encoded control character');
  if (path.split('/').some((s) => s === '..' || s.toLowerCase() === '%2e%2e')) {
    return reject('INVALID_PATH', 'path must not contain ".." segments');
  }
  if (CREDENTIAL_PARAM.test(path)) return reject('EMBEDDED_CREDENTIALS', 'path must not carry a password');
  return null;
}

function checkQuery(query: string): StreamAddressResult | null {
  if (query.length > LIMITS.query) return reject('TOO_LONG', `query is longer than ${LIMITS.query} characters`);
  if (query.includes('@')) return reject('EMBEDDED_CREDENTIALS', 'query must not contain "@"');
  if (!QUERY_CHARS.test(query)) return reject('INVALID_QUERY', 'query contains a character that is not allowed');
  if (PERCENT.test(query)) return reject('INVALID_QUERY', 'query has a malformed percent-encoding');
  if (ENCODED_CONTROL.test(query)) return reject('CONTROL_CHARACTER', 'query contains an encoded control character');
  if (CREDENTIAL_PARAM.test(query)) return reject('EMBEDDED_CREDENTIALS', 'query must not carry a password');
  return null;
}

function parsePort(raw: string): number | null {
  if (!/^[0-9]{1,5}$/.test(raw)) return null;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : null;
}

function isScheme(value: string): value is StreamScheme {
  return (STREAM_SCHEMES as readonly string[]).includes(value);
}

/** Splits "host[:port]" or "[v6][:port]". */
function parseAuthority(authority: string): StreamAddressResult | { host: string; port: number | null } {
  let hostPart: string;
  let portPart: string | null = null;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return reject('INVALID_HOST', 'unterminated IPv6 address');
    hostPart = authority.slice(1, close);
    const rest = authority.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return reject('INVALID_HOST', 'unexpected text after the IPv6 address');
      portPart = rest.slice(1);
    }
    if (!hostPart.includes(':')) return reject('INVALID_HOST', 'brackets are only for IPv6 addresses');
  } else {
    const colon = authority.indexOf(':');
    if (colon >= 0) {
      hostPart = authority.slice(0, colon);
      portPart = authority.slice(colon + 1);
    } else {
      hostPart = authority;
    }
    if (hostPart.includes(':')) return reject('INVALID_HOST', 'IPv6 addresses must be in brackets');
  }
  const host = normaliseHost(hostPart);
  if (host === null) return reject('INVALID_HOST', 'host is not a valid name or IP address');
  if (portPart === null) return { host, port: null };
  const port = parsePort(portPart);
  if (port === null) return reject('INVALID_PORT', 'port must be a number from 1 to 65535');
  return { host, port };
}

/**
 * Parses and validates a stream URL such as `rtsp://10.0.0.5:554/Streaming/Channels/101`.
 *
 * @example parseStreamUrl('rtsp://cam1.example/live').ok // true
 * @example parseStreamUrl('file:///etc/passwd') // { ok: false, reason: 'SCHEME_NOT_ALLOWED', … }
 */
export function parseStreamUrl(url: string): StreamAddressResult {
  if (url.length === 0) return reject('MALFORMED', 'stream URL is empty');
  if (url.length > LIMITS.url) return reject('TOO_LONG', `stream URL is longer than ${LIMITS.url} characters`);
  const bad = checkCharacters(url, 'stream URL');
  if (bad) return bad;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (!schemeMatch?.[1]) return reject('MALFORMED', 'stream URL must start with rtsp:// or rtsps://');
  const scheme = schemeMatch[1].toLowerCase();
  if (!isScheme(scheme)) return reject('SCHEME_NOT_ALLOWED', `scheme "${scheme}" is not allowed; use rtsp or rtsps`);
  const rest = url.slice(schemeMatch[0].length);
  if (!rest.startsWith('//')) return reject('MALFORMED', 'stream URL must have the form rtsp://host/path');
  if (rest.includes('#')) return reject('FRAGMENT_NOT_ALLOWED', 'stream URL must not have a fragment');
  const afterSlashes = rest.slice(2);
  const authorityEnd = afterSlashes.search(/[/?]/);
  const authority = authorityEnd < 0 ? afterSlashes : afterSlashes.slice(0, authorityEnd);
  if (authority.includes('@')) {
    return reject('EMBEDDED_CREDENTIALS', 'credentials must not be in the URL; use the credentials fields');
  }
  const tail = authorityEnd < 0 ? '' : afterSlashes.slice(authorityEnd);
  const q = tail.indexOf('?');
  const path = (q < 0 ? tail : tail.slice(0, q)) || '/';
  const query = q < 0 ? null : tail.slice(q + 1);
  return validateStreamParts({ scheme, host: authority, port: null, path, query }, true);
}

export interface StreamAddressInput {
  readonly scheme: string;
  readonly host: string;
  readonly port?: number | null | undefined;
  readonly path?: string | undefined;
  readonly query?: string | null | undefined;
}

/**
 * Validates an address given as parts. With `hostHasPort` the host is an authority ("h:554")
 * taken from a URL; otherwise it must be a bare host.
 */
export function validateStreamParts(input: StreamAddressInput, hostHasPort = false): StreamAddressResult {
  const scheme = input.scheme.toLowerCase();
  const badScheme = checkCharacters(input.scheme, 'scheme');
  if (badScheme) return badScheme;
  if (!isScheme(scheme)) return reject('SCHEME_NOT_ALLOWED', `scheme "${scheme}" is not allowed; use rtsp or rtsps`);

  const badHost = checkCharacters(input.host, 'host');
  if (badHost) return badHost;
  if (input.host.includes('@')) return reject('EMBEDDED_CREDENTIALS', 'credentials must not be in the host');
  let host: string;
  let port: number | null;
  if (hostHasPort) {
    const authority = parseAuthority(input.host);
    if ('ok' in authority) return authority;
    ({ host, port } = authority);
  } else {
    const bare = input.host.startsWith('[') && input.host.endsWith(']') ? input.host.slice(1, -1) : input.host;
    const normal = normaliseHost(bare);
    if (normal === null) return reject('INVALID_HOST', 'host is not a valid name or IP address');
    host = normal;
    port = input.port ?? null;
    if (port !== null && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      return reject('INVALID_PORT', 'port must be a number from 1 to 65535');
    }
  }

  const path = input.path === undefined || input.path === '' ? '/' : input.path;
  const badPath = checkCharacters(path, 'path') ?? checkPath(path);
  if (badPath) return badPath;

  const query = input.query === undefined || input.query === null || input.query === '' ? null : input.query;
  if (query !== null) {
    const badQuery = checkCharacters(query, 'query') ?? checkQuery(query);
    if (badQuery) return badQuery;
  }
  const address: StreamAddress = { scheme, host, port, path, query };
  if (buildStreamUrl(address).length > LIMITS.url) {
    return reject('TOO_LONG', `stream URL is longer than ${LIMITS.url} characters`);
  }
  return { ok: true, address };
}

/** The URL without credentials, e.g. for display and for ffmpeg (credentials are supplied apart). */
export function buildStreamUrl(address: StreamAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const port = address.port === null ? '' : `:${address.port}`;
  const query = address.query === null ? '' : `?${address.query}`;
  return `${address.scheme}://${host}${port}${address.path}${query}`;
}

/**
 * The identity of an address for duplicate detection: the same camera stream written with and
 * without its default port, or in another letter case of host or scheme, is one stream.
 */
export function streamAddressKey(address: StreamAddress): string {
  const port = address.port ?? DEFAULT_PORT[address.scheme];
  return buildStreamUrl({ ...address, port });
}
