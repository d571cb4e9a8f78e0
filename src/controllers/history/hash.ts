/**
 * The hashes workload controllers name things with, as upstream computes them: FNV-1 / FNV-1a 32-bit
 * over bytes, printed in decimal and passed through apimachinery's rand.SafeEncodeString (which
 * maps every character onto a vowel-free alphabet so that no hash spells a word), and Go's
 * encoding/json output for a decoded object (keys sorted, `<`, `>` and `&` escaped), which is what
 * a ControllerRevision's data bytes are.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** rand.SafeEncodeString's alphabet: no vowels, no 0/1/3 that read as letters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A running 32-bit FNV hash, `a` choosing FNV-1a (xor before multiply) over FNV-1 (hash/fnv New32a / New32). */
export class Fnv32 {
  private h = FNV_OFFSET;
  constructor(private readonly a: boolean) {}

  /** Adds bytes (strings as UTF-8). */
  write(data: Uint8Array | string): this {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let h = this.h;
    for (const b of bytes) {
      if (this.a) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
      else h = (Math.imul(h, FNV_PRIME) ^ b) >>> 0;
    }
    this.h = h;
    return this;
  }

  /** The unsigned 32-bit sum (Sum32). */
  sum32(): number {
    return this.h >>> 0;
  }
}

/** rand.SafeEncodeString: every character replaced by SAFE_ALPHABET[code % 27]. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/**
 * Go's json.Marshal of a value decoded into map[string]interface{}: object keys sorted byte-wise,
 * no whitespace, HTML-sensitive characters and the JS line separators escaped as \u00XX.
 */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${keys.map((k) => `${goString(k)}:${goJson(obj[k])}`).join(',')}}`;
}

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * history.HashControllerRevision: FNV-1 over the revision's data bytes, then the collision count
 * in decimal when there is one, safe-encoded.
 */
export function hashControllerRevision(data: unknown, collisionCount?: number): string {
  const h = new Fnv32(false).write(goJson(data));
  if (collisionCount !== undefined) h.write(String(collisionCount));
  return safeEncodeString(String(h.sum32()));
}

/**
 * controller.ComputeHash (the pod-template-hash and the DaemonSet's revision hash): FNV-1a over
 * the template, then the collision count as 8 little-endian bytes when there is one, safe-encoded.
 * Upstream hashes the Go struct's printed form; we hash its canonical JSON, which changes exactly
 * when the template does.
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  const h = new Fnv32(true).write(goJson(template));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h.write(bytes);
  }
  return safeEncodeString(String(h.sum32()));
}
