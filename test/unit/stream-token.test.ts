import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StreamTokens, type StreamClaims } from '../../gateway/src/security/stream-token.js';

const claims: StreamClaims = { v: 'view-1', c: 'camera-1', u: 'user-1', p: 'sub', m: 'copy', e: 2_000_000_000 };

describe('StreamTokens', () => {
  const key = randomBytes(32);
  const tokens = new StreamTokens(key);

  it('round-trips its claims and uses only URL-path-safe characters', () => {
    const token = tokens.sign(claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify(token, 1_000_000_000_000)).toEqual(claims);
  });

  it('refuses expired, altered, foreign and malformed tokens', () => {
    const token = tokens.sign(claims);
    expect(tokens.verify(token, 2_000_000_001_000)).toBeNull();
    const [body, sig] = token.split('.');
    const other = Buffer.from(JSON.stringify({ ...claims, c: 'camera-2' })).toString('base64url');
    expect(tokens.verify(`${other}.${sig!}`, 0)).toBeNull();
    expect(new StreamTokens(randomBytes(32)).verify(token, 0)).toBeNull();
    for (const bad of ['', 'x', `${body!}.`, `${body!}.${sig!}.x`, `.${sig!}`]) expect(tokens.verify(bad, 0)).toBeNull();
  });

  it('keeps a checked token for its next requests, and it still expires', () => {
    const own = new StreamTokens(key);
    const token = own.sign({ ...claims, v: 'view-kept' });
    expect(own.verify(token, 1_000_000_000_000)?.v).toBe('view-kept');
    expect(own.verify(token, 1_500_000_000_000)?.v).toBe('view-kept');
    expect(own.verify(token, 2_000_000_000_000)).toBeNull();
    // A token first seen after its expiry is refused too, and not kept as good.
    const late = own.sign({ ...claims, v: 'view-late', e: 1_000 });
    expect(own.verify(late, 2_000_000)).toBeNull();
    expect(own.verify(late, 0)).toEqual({ ...claims, v: 'view-late', e: 1_000 });
  });

  it('is the same for any gateway holding the same master key', () => {
    expect(new StreamTokens(key).verify(tokens.sign(claims), 0)).toEqual(claims);
  });
});
