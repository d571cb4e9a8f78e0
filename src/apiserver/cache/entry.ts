/**
 * One object as the watch cache holds it: its served JSON (with metadata.resourceVersion) built
 * once per write, and the parsed object built lazily, only when a selector, index or handler needs
 * it. Lists and watch events are then string concatenation, whatever the number of readers.
 */
import type { KObject } from '../registry/resource.js';

const decoder = new TextDecoder();
const META = '"metadata":{';

export class CacheEntry {
  /** Held weakly: a parsed pod costs several times its JSON, and 150k of them must fit. */
  private parsed: WeakRef<KObject> | undefined;
  /** The served JSON, once built. */
  private text: string | undefined;
  /** The stored bytes (no resourceVersion) until the served JSON is first asked for. */
  private stored: Uint8Array | undefined;

  constructor(
    /** Store key. */
    readonly key: string,
    /** The object as served, resourceVersion included. */
    json: string,
    /** The store revision of the write that produced this state (its resourceVersion). */
    readonly rev: number,
  ) {
    this.text = json;
  }

  /**
   * Builds an entry from stored bytes, which carry no resourceVersion (as in etcd for
   * kube-apiserver). The served JSON is built on first use: loading 100k objects at start-up then
   * costs no decoding, and the bytes live outside the JS heap until something reads them.
   */
  static fromStored(key: string, value: Uint8Array, rev: number): CacheEntry {
    const e = new CacheEntry(key, '', rev);
    e.text = undefined;
    e.stored = value;
    return e;
  }

  /** The object as served, resourceVersion included. */
  get json(): string {
    if (this.text === undefined) {
      this.text = withResourceVersion(decoder.decode(this.stored), this.rev);
      this.stored = undefined;
    }
    return this.text;
  }

  /**
   * What a JSON field reader can scan without building anything: the served JSON if it exists,
   * else the stored bytes (the same object without resourceVersion).
   */
  get source(): string | Uint8Array {
    return this.text ?? this.stored!;
  }

  /**
   * The parsed object, re-parsed when the garbage collector has reclaimed it. Shared by every
   * reader: never mutate it; clone before changing.
   */
  get obj(): KObject {
    let o = this.parsed?.deref();
    if (!o) {
      o = JSON.parse(this.json) as KObject;
      this.parsed = new WeakRef(o);
    }
    return o;
  }
}

/**
 * Inserts `"resourceVersion":"N"` into stored JSON. Objects are stored with apiVersion, kind and
 * metadata first (see encodeForStore), so the first `"metadata":{` is the object's own; anything
 * else takes the slow path.
 */
export function withResourceVersion(stored: string, rev: number): string {
  const at = stored.indexOf(META);
  if (at > 0 && at < 200 && stored.startsWith('{"apiVersion":')) {
    const i = at + META.length;
    const sep = stored[i] === '}' ? '' : ',';
    return `${stored.slice(0, i)}"resourceVersion":"${rev}"${sep}${stored.slice(i)}`;
  }
  const obj = JSON.parse(stored) as KObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(rev) };
  return JSON.stringify(obj);
}

/**
 * The stored form of an object: apiVersion, kind, metadata first, without resourceVersion (the
 * store revision is the resourceVersion).
 */
export function encodeForStore(obj: KObject): Uint8Array {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const { resourceVersion: _rv, ...meta } = metadata ?? {};
  return Buffer.from(JSON.stringify({ apiVersion, kind, metadata: meta, ...rest }));
}
