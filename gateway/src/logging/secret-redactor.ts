/**
 * Redaction by value: every secret Vigil handles (a camera password being stored, a decrypted
 * credential handed to a probe) is registered here, and every log line is scrubbed of it before
 * it is written — whatever field, message or child-process output it hides in. Path-based
 * redaction alone misses a password echoed inside an error message or an ffmpeg stderr line.
 */
export class SecretRedactor {
  /** Shorter values are too likely to occur by chance; redacting them would garble every line. */
  static readonly MIN_LENGTH = 4;
  static readonly MASK = '[REDACTED]';
  readonly #secrets = new Set<string>();
  readonly #limit: number;
  #pattern: RegExp | null = null;

  constructor(limit = 50_000) {
    this.#limit = limit;
  }

  /** Registers a secret; its raw, JSON-escaped and URL-encoded spellings are all redacted. */
  add(secret: string): void {
    if (secret.length < SecretRedactor.MIN_LENGTH) return;
    const spellings = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
    let changed = false;
    for (const s of spellings) {
      if (!this.#secrets.has(s)) {
        this.#secrets.add(s);
        changed = true;
      }
    }
    // Oldest first out: a bounded set cannot grow without end on a catalog that churns.
    while (this.#secrets.size > this.#limit) {
      const oldest = this.#secrets.values().next().value;
      if (oldest === undefined) break;
      this.#secrets.delete(oldest);
    }
    if (changed) this.#pattern = null;
  }

  redact(text: string): string {
    if (this.#secrets.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#secrets]
        .sort((a, b) => b.length - a.length)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, SecretRedactor.MASK);
  }
}
