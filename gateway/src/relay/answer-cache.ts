/**
 * The parts and segments relays answered last, kept for the camera's other viewers (who ask for
 * the same new part within a second or so). Each relay keeps its newest few; all relays together
 * stay within a byte budget, the least recently asked for going first: 256 relays of 8 Mbit/s
 * cameras would otherwise hold gigabytes of whole segments.
 */
export class AnswerCache {
  /** Oldest first (an answer asked for again moves to the end). */
  readonly #entries = new Map<string, { owner: number; bytes: Buffer }>();
  /** Each owner's keys, oldest first. */
  readonly #byOwner = new Map<number, string[]>();
  #bytes = 0;
  #owners = 0;

  constructor(
    readonly maxBytes: number,
    readonly perOwner: number,
  ) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** A new owner (one per relay's window). */
  owner(): number {
    return ++this.#owners;
  }

  get(owner: number, name: string): Buffer | null {
    const key = `${owner}/${name}`;
    const entry = this.#entries.get(key);
    if (!entry) return null;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.bytes;
  }

  set(owner: number, name: string, bytes: Buffer): void {
    if (bytes.length > this.maxBytes) return;
    const key = `${owner}/${name}`;
    this.#remove(key);
    this.#entries.set(key, { owner, bytes });
    this.#bytes += bytes.length;
    const keys = this.#byOwner.get(owner) ?? [];
    keys.push(key);
    this.#byOwner.set(owner, keys);
    while (keys.length > this.perOwner) this.#remove(keys[0]!);
    for (const oldest of this.#entries.keys()) {
      if (this.#bytes <= this.maxBytes) break;
      this.#remove(oldest);
    }
  }

  /** Drops an owner's answers (its relay stopped). */
  forget(owner: number): void {
    for (const key of [...(this.#byOwner.get(owner) ?? [])]) this.#remove(key);
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes.length;
    const keys = this.#byOwner.get(entry.owner)!;
    keys.splice(keys.indexOf(key), 1);
    if (keys.length === 0) this.#byOwner.delete(entry.owner);
  }
}
