import { describe, expect, it } from 'vitest';
import { checkTierOverride, effectiveTier, tierRank } from '../../gateway/src/domain/tier.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');

describe('effectiveTier', () => {
  it.each([
    ['no override', 'general', null, 'general'],
    ['override in force', 'general', { tier: 'key', expiresAt: '2026-06-01T13:00:00.000Z' }, 'key'],
    ['override expired', 'general', { tier: 'key', expiresAt: '2026-06-01T11:59:59.999Z' }, 'general'],
    ['override ends exactly now', 'attention', { tier: 'key', expiresAt: '2026-06-01T12:00:00.000Z' }, 'attention'],
    ['lowering also works', 'key', { tier: 'general', expiresAt: '2026-06-02T00:00:00.000Z' }, 'general'],
    ['unparseable expiry falls back to base', 'attention', { tier: 'key', expiresAt: 'tomorrow' }, 'attention'],
    ['offset expiry in force', 'general', { tier: 'key', expiresAt: '2026-06-01T20:30:00+08:00' }, 'key'],
    ['offset expiry past', 'general', { tier: 'key', expiresAt: '2026-06-01T19:30:00+08:00' }, 'general'],
  ] as const)('%s', (_name, base, override, expected) => {
    expect(effectiveTier(base, override, NOW)).toBe(expected);
  });

  it('expires as the clock passes the expiry', () => {
    const override = { tier: 'key', expiresAt: '2026-06-01T12:00:01.000Z' } as const;
    expect(effectiveTier('general', override, NOW)).toBe('key');
    expect(effectiveTier('general', override, new Date(NOW.getTime() + 1000))).toBe('general');
  });
});

describe('checkTierOverride', () => {
  it('accepts a future expiry within the limit', () => {
    expect(checkTierOverride({ tier: 'key', expiresAt: '2026-06-10T00:00:00Z' }, NOW, 30)).toEqual({ ok: true });
  });
  it('rejects a past, a too distant or an invalid expiry', () => {
    expect(checkTierOverride({ tier: 'key', expiresAt: '2026-05-01T00:00:00Z' }, NOW, 30).ok).toBe(false);
    expect(checkTierOverride({ tier: 'key', expiresAt: '2026-06-01T12:00:00Z' }, NOW, 30).ok).toBe(false);
    expect(checkTierOverride({ tier: 'key', expiresAt: '2026-08-01T00:00:00Z' }, NOW, 30).ok).toBe(false);
    expect(checkTierOverride({ tier: 'key', expiresAt: 'soon' }, NOW, 30).ok).toBe(false);
  });
});

describe('tierRank', () => {
  it('orders key before attention before general', () => {
    expect(['general', 'key', 'attention'].map((t) => tierRank(t as 'key')).sort()).toEqual([0, 1, 2]);
    expect(tierRank('key')).toBeLessThan(tierRank('attention'));
    expect(tierRank('attention')).toBeLessThan(tierRank('general'));
  });
});
