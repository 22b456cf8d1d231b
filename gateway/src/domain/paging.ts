/** One page of a list, with the total that matches the filters. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
}

/** A sort key with direction: "name" ascending, "-name" descending. */
export interface Sort<K extends string> {
  readonly key: K;
  readonly direction: 'asc' | 'desc';
}

export function parseSort<K extends string>(raw: string, keys: readonly K[]): Sort<K> | null {
  const direction = raw.startsWith('-') ? 'desc' : 'asc';
  const key = raw.replace(/^[-+]/, '');
  return (keys as readonly string[]).includes(key) ? { key: key as K, direction } : null;
}
