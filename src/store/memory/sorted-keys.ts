/**
 * A set of keys that can be walked in UTF-8 byte order from any starting key.
 *
 * Membership changes are O(1); ordering is restored lazily when a walk needs it: a few new keys
 * are inserted by binary search, many are sorted and merged in one pass. Deleted keys stay in the
 * sorted array until the next merge and are skipped while walking. This keeps bulk loads of
 * 100k keys near O(n log n) instead of O(n²) splices, while single writes between reads stay cheap.
 */
import { compareKeys, lowerBound } from '../keys.js';

const SMALL_INSERT = 64;

export class SortedKeys {
  private sorted: string[] = [];
  private added: string[] = [];
  private readonly members = new Set<string>();
  private stale = 0;

  has(key: string): boolean {
    return this.members.has(key);
  }

  add(key: string): void {
    if (this.members.has(key)) return;
    this.members.add(key);
    this.added.push(key);
  }

  delete(key: string): void {
    if (this.members.delete(key)) this.stale++;
  }

  get size(): number {
    return this.members.size;
  }

  /** Member keys >= `from`, ascending, while `keep` returns true. */
  *from(from: string, keep: (key: string) => boolean): Generator<string> {
    const sorted = this.ordered();
    for (let i = lowerBound(sorted, from); i < sorted.length; i++) {
      const key = sorted[i] as string;
      if (!keep(key)) return;
      if (this.members.has(key)) yield key;
    }
  }

  private ordered(): string[] {
    if (this.added.length === 0 && this.stale <= this.sorted.length / 2) return this.sorted;
    if (this.added.length <= SMALL_INSERT && this.stale <= this.sorted.length / 2) {
      for (const key of this.added) {
        const i = lowerBound(this.sorted, key);
        if (this.sorted[i] !== key) this.sorted.splice(i, 0, key);
      }
    } else {
      this.added.sort(compareKeys);
      this.sorted = merge(this.sorted, this.added, this.members);
      this.stale = 0;
    }
    this.added = [];
    return this.sorted;
  }
}

/** Merges two ascending arrays, keeping only members and dropping duplicates. */
function merge(a: string[], b: string[], members: Set<string>): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  let last: string | undefined;
  while (i < a.length || j < b.length) {
    let key: string;
    if (j >= b.length || (i < a.length && compareKeys(a[i] as string, b[j] as string) <= 0)) {
      key = a[i++] as string;
    } else {
      key = b[j++] as string;
    }
    if (key !== last && members.has(key)) out.push(key);
    last = key;
  }
  return out;
}
