/**
 * The watch cache of one cluster: a single store watch over the cluster's key prefix feeds one
 * ResourceCache per resource. Because one watch sees every write of the cluster, the cache knows
 * exactly up to which revision it is current; writers wait for that (`waitFor`) before they
 * answer, so every read served from the cache afterwards sees the write.
 */
import type { Logger } from '../../lib/logger.js';
import type { Store, WatchEvent } from '../../store/types.js';
import { CacheEntry } from './entry.js';
import { ResourceCache, type CacheEvent } from './resource-cache.js';

const PAGE = 5000;

export class ClusterCache {
  private readonly resources = new Map<string, ResourceCache>();
  private rev = 0;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private abort = new AbortController();
  private failed: Error | undefined;

  constructor(
    private readonly store: Store,
    /** Key prefix of the cluster, e.g. '/registry/'. Resource prefixes are `<prefix><group>/<plural>/`. */
    readonly prefix: string,
    private readonly log: Logger,
    /** Called when the store watch fails for good (e.g. compacted away); the server should restart the cache. */
    private readonly onFatal: (err: Error) => void = () => {},
  ) {}

  /** The revision up to which every change of the cluster has been applied. */
  get revision(): number {
    return this.rev;
  }

  /** Loads the current state page by page at one revision, then follows the store from there. */
  async start(): Promise<void> {
    const rev = await this.store.currentRevision();
    this.rev = rev;
    for (const rc of this.resources.values()) rc.startHistoryAt(rev);
    let startKey: string | undefined;
    for (;;) {
      const page = await this.store.range(this.prefix, { revision: rev || undefined, limit: PAGE, startKey });
      for (const kv of page.kvs) {
        this.resourceFor(kv.key)?.load(CacheEntry.fromStored(kv.key, kv.value, kv.modRevision));
      }
      if (!page.more || page.kvs.length === 0) break;
      startKey = page.kvs[page.kvs.length - 1]!.key + '\0';
    }
    this.store.watch(this.prefix, {
      startRevision: rev + 1,
      signal: this.abort.signal,
      onEvents: (evs) => this.ingest(evs),
      onError: (err) => {
        this.failed = err;
        this.log.error({ err }, 'watch cache lost its store watch');
        this.onFatal(err);
      },
    });
  }

  stop(): void {
    this.abort.abort();
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  /** The cache of the resource whose keys start with `resourcePrefix` (created empty if new). */
  resource(resourcePrefix: string): ResourceCache {
    let rc = this.resources.get(resourcePrefix);
    if (!rc) {
      rc = new ResourceCache(resourcePrefix, this.rev);
      this.resources.set(resourcePrefix, rc);
    }
    return rc;
  }

  /** Resolves once every change up to `rev` is in the cache. */
  waitFor(rev: number): Promise<void> {
    if (rev <= this.rev || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ rev, resolve }));
  }

  private resourceFor(key: string): ResourceCache | undefined {
    // <prefix><group>/<plural>/...
    const a = key.indexOf('/', this.prefix.length);
    const b = a < 0 ? -1 : key.indexOf('/', a + 1);
    if (b < 0) return undefined;
    return this.resource(key.slice(0, b + 1));
  }

  private ingest(evs: WatchEvent[]): void {
    const touched = new Map<ResourceCache, CacheEvent[]>();
    for (const ev of evs) {
      const rc = this.resourceFor(ev.kv.key);
      if (rc) {
        const ce = toCacheEvent(ev, rc);
        rc.apply(ce);
        let list = touched.get(rc);
        if (!list) touched.set(rc, (list = []));
        list.push(ce);
      }
      this.rev = ev.kv.modRevision;
    }
    for (const [rc, list] of touched) rc.notify(list);
    for (const rc of this.resources.values()) if (!touched.has(rc)) rc.progress(this.rev);
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.rev <= this.rev);
      this.waiters = this.waiters.filter((w) => w.rev > this.rev);
      for (const w of ready) w.resolve();
    }
  }
}

function toCacheEvent(ev: WatchEvent, rc: ResourceCache): CacheEvent {
  const { kv } = ev;
  const prev = rc.entries.get(kv.key);
  if (ev.type === 'delete') {
    // The DELETED event carries the last state with the deletion's revision, as upstream.
    const last = ev.prev ?? kv;
    return { type: 'DELETED', entry: CacheEntry.fromStored(kv.key, last.value, kv.modRevision), prev };
  }
  const entry = CacheEntry.fromStored(kv.key, kv.value, kv.modRevision);
  return { type: prev ? 'MODIFIED' : 'ADDED', entry, prev };
}
