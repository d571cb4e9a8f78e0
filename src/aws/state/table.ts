/**
 * AWS resources in the store: one JSON document per resource under
 * `/aws/<service>/<account>/<region or "global">/<type>/<id>`, read and written with the store's
 * compare-and-swap, so AWS state survives restarts and moves to etcd with everything else.
 */
import type { KeyValue, Store } from '../../store/types.js';

export interface Stored<T> {
  value: T;
  /** Pass back to `update`/`delete` to guard against a concurrent change. */
  revision: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class Table<T> {
  readonly prefix: string;

  constructor(
    private readonly store: Store,
    scope: { service: string; account: string; region?: string; type: string },
  ) {
    this.prefix = `/aws/${scope.service}/${scope.account}/${scope.region ?? 'global'}/${scope.type}/`;
  }

  async get(id: string): Promise<Stored<T> | undefined> {
    const kv = await this.store.get(this.prefix + id);
    return kv ? { value: JSON.parse(dec.decode(kv.value)) as T, revision: kv.modRevision } : undefined;
  }

  /**
   * What `make` builds from the resource, built once per stored version: `memo` keeps it for the
   * version's KeyValue, which a store mirror (./store-mirror.ts) hands out unchanged until the
   * record changes. `make` must not keep the decoded value anywhere else, and what it returns
   * must be treated as immutable (it is shared by every later read of that version).
   */
  async getMemo<V>(id: string, memo: WeakMap<KeyValue, V>, make: (value: T) => V): Promise<V | undefined> {
    const kv = await this.store.get(this.prefix + id);
    if (!kv) return undefined;
    let v = memo.get(kv);
    if (v === undefined) {
      v = make(JSON.parse(dec.decode(kv.value)) as T);
      memo.set(kv, v);
    }
    return v;
  }

  /** Creates the resource; false when the id is taken. */
  async create(id: string, value: T): Promise<boolean> {
    return (await this.store.create(this.prefix + id, enc.encode(JSON.stringify(value)))).ok;
  }

  /** Replaces the resource if it is still at `revision`; false when it changed or is gone. */
  async update(id: string, value: T, revision: number): Promise<boolean> {
    return (await this.store.update(this.prefix + id, enc.encode(JSON.stringify(value)), revision)).ok;
  }

  /** Reads, changes and writes with retries on concurrent changes; undefined when absent. */
  async modify(id: string, change: (v: T) => T): Promise<T | undefined> {
    for (;;) {
      const cur = await this.get(id);
      if (!cur) return undefined;
      const next = change(cur.value);
      if (await this.update(id, next, cur.revision)) return next;
    }
  }

  /** Deletes the resource (guarded when `revision` is given); false when absent or changed. */
  async delete(id: string, revision?: number): Promise<boolean> {
    return (await this.store.delete(this.prefix + id, revision)).ok;
  }

  /** Every resource of the table, in id order. */
  list(): Promise<{ id: string; value: T; revision: number }[]> {
    return this.scan();
  }

  /**
   * The resources whose stored JSON contains `text` (an id they may reference), in id order: the
   * raw bytes are searched before anything is decoded, so looking for the few documents that
   * name one id (is this security group still used?) does not parse every document of the table.
   * Callers still check the decoded documents: a match in the bytes is only a candidate.
   */
  listContaining(text: string): Promise<{ id: string; value: T; revision: number }[]> {
    const needle = Buffer.from(JSON.stringify(text).slice(1, -1));
    return this.scan((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).includes(needle));
  }

  private async scan(keep?: (value: Uint8Array) => boolean): Promise<{ id: string; value: T; revision: number }[]> {
    const out: { id: string; value: T; revision: number }[] = [];
    let startKey: string | undefined;
    for (;;) {
      const page = await this.store.range(this.prefix, { limit: 1000, startKey });
      for (const kv of page.kvs) {
        if (keep && !keep(kv.value)) continue;
        out.push({ id: kv.key.slice(this.prefix.length), value: JSON.parse(dec.decode(kv.value)) as T, revision: kv.modRevision });
      }
      if (!page.more || !page.kvs.length) return out;
      startKey = page.kvs[page.kvs.length - 1]!.key + '\0';
    }
  }
}
