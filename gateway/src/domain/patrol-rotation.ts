import { TIERS, type Tier } from './tier.js';

/**
 * The order in which a patrol wall visits cameras (DESIGN.md §1: graded patrol). Each pick goes
 * to a tier by smooth weighted round robin — with weights key 6, attention 3, general 1, six of
 * every ten tiles go to key cameras, spread evenly rather than in runs — and within a tier the
 * cameras take turns. A key camera therefore comes round far more often than a general one, and
 * every camera of a tier comes round before any comes round twice.
 *
 * Pure: the caller passes the candidates (already health-filtered) and the cursor of the last
 * page; it gets the next page and the cursor to pass next time.
 */
export type TierWeights = Readonly<Record<Tier, number>>;

export interface RotationCursor {
  /** Smooth-WRR running credit per tier. */
  readonly credit: Readonly<Record<Tier, number>>;
  /** Turns taken so far within each tier (the next camera is turns mod the tier's size). */
  readonly turns: Readonly<Record<Tier, number>>;
}

export const START_CURSOR: RotationCursor = { credit: { key: 0, attention: 0, general: 0 }, turns: { key: 0, attention: 0, general: 0 } };

export interface PatrolCandidate {
  readonly id: string;
  readonly tier: Tier;
}

export interface PageRequest {
  readonly count: number;
  /** Cameras not to pick (the tiles still on the wall when one tile is replaced). */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * The next `count` distinct cameras. Fewer when the candidates run out: a wall of 9 over 5 cameras
 * shows 5 tiles, never one camera twice.
 */
export function nextPage<C extends PatrolCandidate>(candidates: readonly C[], weights: TierWeights, cursor: RotationCursor, request: PageRequest): { picks: C[]; cursor: RotationCursor } {
  const byTier: Record<Tier, C[]> = { key: [], attention: [], general: [] };
  for (const c of candidates) byTier[c.tier].push(c);
  const credit = { ...cursor.credit };
  const turns = { ...cursor.turns };
  const taken = new Set(request.exclude ?? []);
  const picks: C[] = [];
  // A tier drops out of this page once every one of its cameras is taken.
  const open = new Set(TIERS.filter((t) => byTier[t].length > 0 && weights[t] > 0));
  while (picks.length < request.count && open.size > 0) {
    const total = [...open].reduce((sum, t) => sum + weights[t], 0);
    let best: Tier | null = null;
    for (const t of TIERS) {
      if (!open.has(t)) continue;
      credit[t] += weights[t];
      if (best === null || credit[t] > credit[best]) best = t;
    }
    const tier = best!;
    credit[tier] -= total;
    const pool = byTier[tier];
    let picked: C | null = null;
    for (let tries = 0; tries < pool.length && !picked; tries++) {
      const candidate = pool[turns[tier] % pool.length]!;
      turns[tier] += 1;
      if (!taken.has(candidate.id)) picked = candidate;
    }
    if (!picked) {
      open.delete(tier);
      continue;
    }
    taken.add(picked.id);
    picks.push(picked);
  }
  return { picks, cursor: { credit, turns } };
}

/** The cursor as an opaque URL-safe string (clients pass it back unchanged). */
export function encodeCursor(cursor: RotationCursor): string {
  return TIERS.flatMap((t) => [cursor.credit[t], cursor.turns[t]]).join('.');
}

/** null for anything that is not a cursor this module wrote. */
export function decodeCursor(text: string): RotationCursor | null {
  if (!/^-?\d{1,12}(\.-?\d{1,12}){5}$/.test(text)) return null;
  const parts = text.split('.');
  const n = parts.map(Number);
  const credit = { key: n[0]!, attention: n[2]!, general: n[4]! };
  const turns = { key: n[1]!, attention: n[3]!, general: n[5]! };
  if (Object.values(turns).some((t) => t < 0)) return null;
  return { credit, turns };
}
