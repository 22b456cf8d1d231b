import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalAuditText, GENESIS_HASH, verifyChain, type AuditFields } from '../../gateway/src/domain/audit-record.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

function chain(n: number) {
  const records: Array<AuditFields & { prevHash: string; hash: string }> = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const fields = { id, at: `2026-01-01T00:00:0${id}.000Z`, actor: 'admin', action: 'x', objectType: 'camera', objectId: String(id), details: null };
    const hash = sha(canonicalAuditText(prev, fields));
    records.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return { records, head: { lastId: n, lastHash: prev } };
}

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const { records, head } = chain(5);
    expect(verifyChain(records, head, sha)).toBeNull();
    expect(verifyChain([], { lastId: 0, lastHash: GENESIS_HASH }, sha)).toBeNull();
  });

  it('finds an altered field', () => {
    const { records, head } = chain(5);
    records[2] = { ...records[2]!, actor: 'mallory' };
    expect(verifyChain(records, head, sha)).toEqual({ id: 3, problem: 'altered' });
  });

  it('finds a re-hashed record by the next link', () => {
    const { records, head } = chain(5);
    const forged = { ...records[2]!, actor: 'mallory' };
    forged.hash = sha(canonicalAuditText(forged.prevHash, forged));
    records[2] = forged;
    expect(verifyChain(records, head, sha)).toEqual({ id: 4, problem: 'altered' });
  });

  it('finds a missing first, middle or last record', () => {
    const a = chain(5);
    expect(verifyChain(a.records.slice(1), a.head, sha)).toEqual({ id: 1, problem: 'missing' });
    const b = chain(5);
    expect(verifyChain([...b.records.slice(0, 2), ...b.records.slice(3)], b.head, sha)).toEqual({ id: 3, problem: 'missing' });
    const c = chain(5);
    expect(verifyChain(c.records.slice(0, 4), c.head, sha)).toEqual({ id: 5, problem: 'missing' });
  });

  it('finds records the head does not know of', () => {
    const { records } = chain(5);
    const shortHead = { lastId: 4, lastHash: records[3]!.hash };
    expect(verifyChain(records, shortHead, sha)).toEqual({ id: 5, problem: 'altered' });
  });
});
