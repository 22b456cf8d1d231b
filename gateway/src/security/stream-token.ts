import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export interface StreamClaims {
  /** view id (audit record) */
  readonly v: string;
  /** camera id */
  readonly c: string;
  /** user id */
  readonly u: string;
  /** profile */
  readonly p: 'main' | 'sub';
  /** codec mode */
  readonly m: 'copy' | 'h264';
  /** expiry, seconds since the epoch */
  readonly e: number;
}

// Tokens whose signature was checked, kept so a player's next request (every second or two, for
// the token's whole life) costs a map lookup instead of an HMAC; emptied when it reaches this size.
const VERIFIED_KEPT = 10_000;

/**
 * Short-lived signed tokens for playlist and segment requests, bound to one user, camera,
 * profile and view. HMAC-SHA-256 with a key derived from the master key, so any gateway
 * sharing the key can check them. Only URL-safe characters: the token is a path segment.
 */
export class StreamTokens {
  readonly #key: Buffer;
  readonly #verified = new Map<string, StreamClaims>();

  constructor(masterKey: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'vigil stream tokens v1', 32));
  }

  sign(claims: StreamClaims): string {
    const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${body}.${createHmac('sha256', this.#key).update(body).digest('base64url')}`;
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  verify(token: string, nowMs: number): StreamClaims | null {
    const known = this.#verified.get(token);
    if (known) return known.e * 1000 > nowMs ? known : null;
    const claims = this.#check(token);
    if (!claims || claims.e * 1000 <= nowMs) return null;
    if (this.#verified.size >= VERIFIED_KEPT) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }

  /** The claims of a token signed with this key, expired or not; null for anything else. */
  #check(token: string): StreamClaims | null {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return null;
    const expected = createHmac('sha256', this.#key).update(body).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StreamClaims;
    } catch {
      return null;
    }
  }
}
