import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, nextPage, START_CURSOR, type PatrolCandidate, type RotationCursor } from '../../gateway/src/domain/patrol-rotation.js';
import type { Tier } from '../../gateway/src/domain/tier.js';

const cams = (tier: Tier, n: number): PatrolCandidate[] => Array.from({ length: n }, (_, i) => ({ id: `${tier[0]}${i}`, tier }));
const WEIGHTS = { key: 6, attention: 3, general: 1 };

function rotate(candidates: PatrolCandidate[], pages: number, count: number, weights = WEIGHTS) {
  let cursor: RotationCursor = START_CURSOR;
  const out: string[][] = [];
  for (let i = 0; i < pages; i++) {
    const page = nextPage(candidates, weights, cursor, { count });
    out.push(page.picks.map((p) => p.id));
    cursor = page.cursor;
  }
  return out;
}

describe('patrol rotation', () => {
  it('gives each tier its weighted share of tiles, evenly spread, and cameras of a tier take turns', () => {
    const candidates = [...cams('key', 10), ...cams('attention', 10), ...cams('general', 10)];
    const pages = rotate(candidates, 10, 10);
    const tiers = pages.flat().map((id) => id[0]);
    expect(tiers.filter((t) => t === 'k')).toHaveLength(60);
    expect(tiers.filter((t) => t === 'a')).toHaveLength(30);
    expect(tiers.filter((t) => t === 'g')).toHaveLength(10);
    // Smooth round robin: never more than two key tiles in a row with these weights.
    expect(pages[0]!.map((id) => id[0]).join('')).toBe('kakkakgkak');
    expect(tiers.join('')).not.toMatch(/kkk/);
    // Within a tier every camera comes round once before any comes round twice.
    const keys = pages.flat().filter((id) => id.startsWith('k'));
    expect(keys.slice(0, 10).sort()).toEqual(cams('key', 10).map((c) => c.id).sort());
  });

  it('per camera, a key camera comes round far more often than a general one', () => {
    const candidates = [...cams('key', 3), ...cams('attention', 3), ...cams('general', 6)];
    const seen = new Map<string, number>();
    for (const id of rotate(candidates, 50, 4).flat()) seen.set(id, (seen.get(id) ?? 0) + 1);
    const per = (prefix: string, n: number) => [...seen].filter(([id]) => id.startsWith(prefix)).reduce((s, [, c]) => s + c, 0) / n;
    expect(per('k', 3)).toBeGreaterThan(10 * per('g', 6));
    expect(per('a', 3)).toBeGreaterThan(per('g', 6));
  });

  it('never shows a camera twice on a page, nor an excluded one; a small catalog gives a short page', () => {
    const candidates = [...cams('key', 2), ...cams('general', 3)];
    const page = nextPage(candidates, WEIGHTS, START_CURSOR, { count: 9 });
    expect(page.picks.map((p) => p.id).sort()).toEqual(['g0', 'g1', 'g2', 'k0', 'k1']);
    const replacement = nextPage(candidates, WEIGHTS, page.cursor, { count: 1, exclude: new Set(['k0', 'k1', 'g0', 'g1']) });
    expect(replacement.picks.map((p) => p.id)).toEqual(['g2']);
    expect(nextPage(candidates, WEIGHTS, page.cursor, { count: 3, exclude: new Set(candidates.map((c) => c.id)) }).picks).toEqual([]);
  });

  it('leaves out a tier of weight 0, and copes with no candidates', () => {
    const candidates = [...cams('key', 2), ...cams('general', 3)];
    expect(nextPage(candidates, { key: 1, attention: 1, general: 0 }, START_CURSOR, { count: 5 }).picks.map((p) => p.tier)).toEqual(['key', 'key']);
    expect(nextPage([], WEIGHTS, START_CURSOR, { count: 4 }).picks).toEqual([]);
  });

  it('round-trips its cursor and refuses anything else', () => {
    const { cursor } = nextPage([...cams('key', 3), ...cams('general', 3)], WEIGHTS, START_CURSOR, { count: 4 });
    expect(cursor.turns.key + cursor.turns.general).toBe(4);
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    for (const bad of ['', 'abc', '1.2.3', '1.2.3.4.5.6.7', '1.-2.3.4.5.6', '1.2.3.4.5.x', '9999999999999.0.0.0.0.0']) expect(decodeCursor(bad), bad).toBeNull();
  });
});
