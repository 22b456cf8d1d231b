import { createHash, timingSafeEqual } from 'node:crypto';
import { pick, textOf, type XmlNode } from './xml.js';

/** How far a token's Created may be from the device clock (ONVIF devices typically allow 5 min). */
const MAX_CLOCK_DIFFERENCE_MS = 5 * 60_000;

export type TokenCheck = { ok: true } | { ok: false; why: string };

/**
 * Checks a WS-Security UsernameToken with PasswordDigest (OASIS WSS UsernameToken Profile 1.0):
 * Digest = Base64(SHA-1(nonce bytes + Created + password)). Plain-text passwords are refused, a
 * Created far from the device clock is refused, and a nonce is accepted once.
 */
export class UsernameTokenVerifier {
  readonly #seen = new Map<string, number>();

  verify(envelope: XmlNode, expected: { username: string; password: string }, deviceNow: number): TokenCheck {
    const token = pick(envelope, 'Envelope', 'Header', 'Security', 'UsernameToken');
    if (typeof token !== 'object' || token === null) return { ok: false, why: 'no UsernameToken' };
    const username = textOf(pick(token, 'Username'));
    const passwordNode = pick(token, 'Password');
    const digest = textOf(passwordNode);
    const typeAttribute = typeof passwordNode === 'object' && passwordNode !== null ? (passwordNode as XmlNode)['@Type'] : undefined;
    const type = typeof typeAttribute === 'string' ? typeAttribute : '';
    const nonce = textOf(pick(token, 'Nonce'));
    const created = textOf(pick(token, 'Created'));
    if (!username || !digest || !nonce || !created) return { ok: false, why: 'incomplete UsernameToken' };
    if (!type.endsWith('#PasswordDigest')) return { ok: false, why: 'only PasswordDigest is accepted' };
    const createdAt = Date.parse(created);
    if (Number.isNaN(createdAt) || Math.abs(createdAt - deviceNow) > MAX_CLOCK_DIFFERENCE_MS) {
      return { ok: false, why: 'Created is too far from the device clock' };
    }
    if (username !== expected.username) return { ok: false, why: 'unknown user' };
    const want = createHash('sha1')
      .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(expected.password, 'utf8')]))
      .digest();
    const got = Buffer.from(digest, 'base64');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, why: 'wrong password' };
    this.#forgetOld(deviceNow);
    if (this.#seen.has(nonce)) return { ok: false, why: 'nonce replayed' };
    this.#seen.set(nonce, deviceNow);
    return { ok: true };
  }

  #forgetOld(now: number): void {
    for (const [nonce, at] of this.#seen) {
      if (now - at > 2 * MAX_CLOCK_DIFFERENCE_MS) this.#seen.delete(nonce);
      else break;
    }
  }
}

/** Builds a UsernameToken header value set, as a client does (used by tests and the CLI). */
export function usernameToken(username: string, password: string, now: Date, nonce: Buffer): { digest: string; nonce: string; created: string } {
  const created = now.toISOString();
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
  return { digest, nonce: nonce.toString('base64'), created };
}
