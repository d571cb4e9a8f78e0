/**
 * Key ordering and prefix ranges shared by the backends.
 *
 * Keys are JavaScript strings stored as UTF-8, and every backend orders them by their UTF-8 bytes
 * (etcd compares bytes; SQLite's BINARY collation is memcmp over UTF-8). UTF-8 byte order equals
 * Unicode code point order, which differs from JavaScript's UTF-16 code unit order (`<`) only
 * when a surrogate pair (U+10000 and up) meets a character in U+E000..U+FFFF. These helpers make
 * the in-process code agree with the databases.
 */

/** Maps a UTF-16 code unit >= 0xD800 so that code unit order becomes code point order. */
function fixup(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/** Compares two keys in UTF-8 byte order: negative, zero or positive, like a sort comparator. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? fixup(x) - fixup(y) : x - y;
  }
  return a.length - b.length;
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code point order,
 * or undefined when there is none (the empty prefix, or a prefix made only of U+10FFFF).
 * Keys in [prefix, prefixEnd(prefix)) are exactly the keys that start with prefix, which is what
 * lets SQLite answer a prefix query with an index range instead of a scan.
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix, (ch) => ch.codePointAt(0) ?? 0);
  while (cps.length > 0) {
    const last = cps.pop() ?? 0;
    if (last < 0x10ffff) {
      // Skip the surrogate block, which no well-formed string contains.
      cps.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...cps);
    }
  }
  return undefined;
}

/**
 * The byte-wise etcd equivalent of {@link prefixEnd}: the range_end for a prefix of raw bytes,
 * `\0` (all keys) when the prefix is empty or all 0xff, as etcd's clientv3.GetPrefixRangeEnd.
 */
export function prefixEndBytes(prefix: Uint8Array): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] ?? 0xff) < 0xff) {
      end[i] = (end[i] ?? 0) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** Where a range over `prefix` starts: `startKey` when it is past the prefix itself. */
export function rangeStart(prefix: string, startKey: string | undefined): string {
  return startKey !== undefined && compareKeys(startKey, prefix) > 0 ? startKey : prefix;
}

/** Index of the first element of `sorted` (ascending by compareKeys) that is >= key. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(sorted[mid] as string, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A zero-copy plain Uint8Array view of a Buffer, so every backend returns the same type. */
export function asBytes(buf: Uint8Array | null | undefined): Uint8Array {
  if (!buf) return new Uint8Array(0);
  return Object.getPrototypeOf(buf) === Uint8Array.prototype
    ? buf
    : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
