import { createHash, createHmac, randomBytes } from 'node:crypto';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Parses `Digest a="b", c=d` into a map. */
export function parseAuthParams(header: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) params.set(match[1]!.toLowerCase(), match[2] ?? match[3] ?? '');
  return params;
}

const NONCE_LIFETIME_MS = 5 * 60_000;

/**
 * Server side of RTSP authentication (RFC 2326 §D.2 with HTTP Basic/Digest of RFC 2617):
 * makes the challenge, checks the answer. Nonces are stateless — an HMAC of the time slot — and
 * stay valid for one slot more, so a client may answer on a new connection, as real cameras allow.
 */
export class RtspAuthenticator {
  readonly #secret = randomBytes(16);

  constructor(
    private readonly method: 'basic' | 'digest',
    private readonly realm: string,
    private readonly now: () => number = Date.now,
  ) {}

  #nonce(slotOffset: number): string {
    const slot = Math.floor(this.now() / NONCE_LIFETIME_MS) - slotOffset;
    return createHmac('sha256', this.#secret).update(String(slot)).digest('hex').slice(0, 32);
  }

  challenge(): string {
    return this.method === 'basic' ? `Basic realm="${this.realm}"` : `Digest realm="${this.realm}", nonce="${this.#nonce(0)}"`;
  }

  check(authorization: string | undefined, requestMethod: string, username: string, password: string): boolean {
    if (!authorization) return false;
    if (this.method === 'basic') {
      return authorization === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    if (!authorization.startsWith('Digest ')) return false;
    const p = parseAuthParams(authorization.slice(7));
    const nonce = p.get('nonce') ?? '';
    if (p.get('username') !== username || p.get('realm') !== this.realm || (nonce !== this.#nonce(0) && nonce !== this.#nonce(1))) return false;
    const ha1 = md5(`${username}:${this.realm}:${password}`);
    const ha2 = md5(`${requestMethod}:${p.get('uri') ?? ''}`);
    const qop = p.get('qop');
    const expected = qop ? md5(`${ha1}:${nonce}:${p.get('nc') ?? ''}:${p.get('cnonce') ?? ''}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    return p.get('response') === expected;
  }
}
