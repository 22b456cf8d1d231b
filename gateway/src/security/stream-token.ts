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

/**
 * Short-lived signed tokens for playlist and segment requests, bound to one user, camera,
 * profile and view. HMAC-SHA-256 with a key derived from the master key, so any gateway
 * sharing the key can check them. Only URL-safe characters: the token is a path segment.
 */
export class StreamTokens {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'vigil stream tokens v1', 32));
  }

  sign(claims: StreamClaims): string {
    const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${body}.${createHmac('sha256', this.#key).update(body).digest('base64url')}`;
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  verify(token: string, nowMs: number): StreamClaims | null {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return null;
    const expected = createHmac('sha256', this.#key).update(body).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StreamClaims;
      return claims.e * 1000 > nowMs ? claims : null;
    } catch {
      return null;
    }
  }
}
