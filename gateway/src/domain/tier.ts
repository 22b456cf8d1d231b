/**
 * Priority tiers of video patrol (DESIGN.md §1: 重点 / 关注 / 一般). Key cameras are patrolled
 * and health-checked most often.
 */
export const TIERS = ['key', 'attention', 'general'] as const;
export type Tier = (typeof TIERS)[number];

/** Lower rank = more important; used for sorting and for "key wins" decisions. */
export function tierRank(tier: Tier): number {
  switch (tier) {
    case 'key':
      return 0;
    case 'attention':
      return 1;
    case 'general':
      return 2;
  }
}

/** A temporary raise (or lowering) of a camera's tier, e.g. for an event; ends at `expiresAt`. */
export interface TierOverride {
  readonly tier: Tier;
  /** ISO-8601 UTC instant. */
  readonly expiresAt: string;
}

/**
 * The tier in force at `now`: the override while it has not expired, otherwise the base tier.
 * An override is over at its expiry instant exactly (expiresAt is exclusive).
 *
 * @example effectiveTier('general', { tier: 'key', expiresAt: '2026-01-02T00:00:00.000Z' }, new Date('2026-01-01T00:00:00Z')) // 'key'
 */
export function effectiveTier(base: Tier, override: TierOverride | null, now: Date): Tier {
  if (override === null) return base;
  const expiry = Date.parse(override.expiresAt);
  if (Number.isNaN(expiry)) return base;
  return now.getTime() < expiry ? override.tier : base;
}

export type TierOverrideCheck = { ok: true } | { ok: false; reason: string };

/** An override must end in the future and not too far ahead: a forgotten raise must not stay for ever. */
export function checkTierOverride(override: TierOverride, now: Date, maxDays: number): TierOverrideCheck {
  const expiry = Date.parse(override.expiresAt);
  if (Number.isNaN(expiry)) return { ok: false, reason: 'expiresAt is not a valid date-time' };
  if (expiry <= now.getTime()) return { ok: false, reason: 'expiresAt must be in the future' };
  if (expiry - now.getTime() > maxDays * 86_400_000) {
    return { ok: false, reason: `expiresAt must be within ${maxDays} days` };
  }
  return { ok: true };
}
