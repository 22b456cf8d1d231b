/**
 * The canonical text of an audit record that its hash covers. Fixed field order, so the same
 * record always gives the same text on any machine; the hash of each record includes the hash of
 * the one before it, so changing or removing a record breaks every hash after it.
 */
export interface AuditFields {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string | null;
  readonly details: string | null;
}

export function canonicalAuditText(prevHash: string, r: AuditFields): string {
  return JSON.stringify([prevHash, r.id, r.at, r.actor, r.action, r.objectType, r.objectId, r.details]);
}

/** The hash before the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export type ChainBreak = { readonly id: number; readonly problem: 'altered' | 'missing' };

export interface ChainHead {
  readonly lastId: number;
  readonly lastHash: string;
}

/**
 * Walks records in id order (ids are 1, 2, 3, … with no gaps) and reports the first break: a
 * record whose hash does not match its content and predecessor (altered), or an id that is not
 * there (missing). `head`, kept apart from the records, catches records cut off the end.
 */
export function verifyChain(
  records: Iterable<AuditFields & { readonly prevHash: string; readonly hash: string }>,
  head: ChainHead,
  hash: (text: string) => string,
): ChainBreak | null {
  let expectedPrev = GENESIS_HASH;
  let expectedId = 1;
  for (const record of records) {
    if (record.id !== expectedId) return { id: expectedId, problem: 'missing' };
    if (record.prevHash !== expectedPrev || hash(canonicalAuditText(record.prevHash, record)) !== record.hash) {
      return { id: record.id, problem: 'altered' };
    }
    expectedPrev = record.hash;
    expectedId += 1;
  }
  if (head.lastId >= expectedId) return { id: expectedId, problem: 'missing' };
  // Records the head does not know of were slipped in after it.
  if (head.lastId < expectedId - 1) return { id: head.lastId + 1, problem: 'altered' };
  if (head.lastId === expectedId - 1 && head.lastId > 0 && head.lastHash !== expectedPrev) return { id: head.lastId, problem: 'altered' };
  return null;
}
