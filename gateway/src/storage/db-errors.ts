/**
 * Recognises a unique-constraint violation on SQLite (better-sqlite3) and PostgreSQL (pg), and
 * names the violated column where the driver says it, so services can turn a lost race into a
 * 409 instead of a 500.
 */
export function uniqueViolation(err: unknown): { column: string | null } | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, message, constraint } = err as { code?: unknown; message?: unknown; constraint?: unknown };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const match = typeof message === 'string' ? /constraint failed: ([\w.]+)/.exec(message) : null;
    return { column: match?.[1]?.split('.').pop() ?? null };
  }
  if (code === '23505') return { column: typeof constraint === 'string' ? constraint : null };
  return null;
}

/** Escapes LIKE wildcards so user text matches literally (used with ESCAPE '\'). */
export function likePattern(text: string, mode: 'contains' | 'prefix'): string {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return mode === 'contains' ? `%${escaped}%` : `${escaped}%`;
}
