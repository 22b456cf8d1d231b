import { createHash } from 'node:crypto';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export interface Challenge {
  readonly scheme: 'basic' | 'digest';
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
  readonly qop: string | undefined;
  readonly algorithm: string | undefined;
}

function params(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of text.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) map.set(m[1]!.toLowerCase(), m[2] ?? m[3] ?? '');
  return map;
}

/**
 * The strongest challenge among the WWW-Authenticate headers of a 401: Digest (MD5) before
 * Basic. Null when none is usable (unknown scheme, or a Digest algorithm other than MD5).
 */
export function pickChallenge(headers: readonly string[]): Challenge | null {
  let basic: Challenge | null = null;
  for (const header of headers) {
    const [scheme = '', ...rest] = header.trim().split(/\s+/);
    const p = params(rest.join(' '));
    if (scheme.toLowerCase() === 'digest') {
      const algorithm = p.get('algorithm');
      if (algorithm && algorithm.toUpperCase() !== 'MD5') continue;
      return { scheme: 'digest', realm: p.get('realm') ?? '', nonce: p.get('nonce') ?? '', opaque: p.get('opaque'), qop: p.get('qop'), algorithm };
    }
    if (scheme.toLowerCase() === 'basic') basic = { scheme: 'basic', realm: p.get('realm') ?? '', nonce: '', opaque: undefined, qop: undefined, algorithm: undefined };
  }
  return basic;
}

/**
 * The Authorization header for one request (RFC 2617, as RTSP cameras use it). With qop=auth,
 * `nc` counts requests under the same nonce and `cnonce` is the client's random value.
 */
export function authorization(challenge: Challenge, method: string, uri: string, username: string, password: string, nc = 1, cnonce = 'vigil'): string {
  if (challenge.scheme === 'basic') return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  const ha1 = md5(`${username}:${challenge.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const qop = challenge.qop?.split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
  const ncHex = nc.toString(16).padStart(8, '0');
  const response = qop ? md5(`${ha1}:${challenge.nonce}:${ncHex}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${challenge.nonce}:${ha2}`);
  const fields = [
    `username="${username.replace(/"/g, '\\"')}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${uri}"`,
    `response="${response}"`,
    ...(challenge.opaque !== undefined ? [`opaque="${challenge.opaque}"`] : []),
    ...(challenge.algorithm ? [`algorithm=${challenge.algorithm}`] : []),
    ...(qop ? [`qop=${qop}`, `nc=${ncHex}`, `cnonce="${cnonce}"`] : []),
  ];
  return `Digest ${fields.join(', ')}`;
}
