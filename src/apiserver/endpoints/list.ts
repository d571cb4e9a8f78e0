/**
 * LIST: served from the watch cache at its current revision; later pages of a paginated list and
 * `resourceVersionMatch=Exact` reads of an older revision come from the store at that revision,
 * so every page of one list is one consistent snapshot (410 Expired once compacted).
 */
import { badRequest, expired, StatusError } from '../../apimachinery/errors.js';
import { CompactedError, type Store } from '../../store/types.js';
import { CacheEntry } from '../cache/entry.js';
import type { GenericStore } from '../registry/generic-store.js';
import { groupVersion, type ResourceDef } from '../registry/resource.js';
import type { Filter } from './filter.js';
import type { ApiListBody } from './types.js';

export interface ListResult {
  entries: CacheEntry[];
  resourceVersion: number;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

const TOO_LARGE_RV_WAIT_MS = 3000;

export async function listEntries(
  gs: GenericStore,
  store: Store,
  waitFor: (rev: number) => Promise<void>,
  currentRev: () => number,
  namespace: string | undefined,
  filter: Filter,
  query: URLSearchParams,
): Promise<ListResult> {
  const limit = parseLimit(query.get('limit'));
  const cont = query.get('continue');
  const rvParam = query.get('resourceVersion') ?? '';
  const match = query.get('resourceVersionMatch') ?? '';
  if (match && !['Exact', 'NotOlderThan'].includes(match)) throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  if (match && !rvParam) throw badRequest(`resourceVersionMatch is forbidden unless resourceVersion is provided`);
  if (cont) {
    if (rvParam) throw badRequest('specifying resource version is not allowed when using continue');
    const token = decodeContinue(cont);
    // Nothing changed since the first page: the cache is that snapshot, no need for the store.
    if (token.rv === currentRev()) return fromCache(gs, namespace, filter, limit, token.rv, gs.prefix + token.start);
    return fromStore(gs, store, namespace, filter, limit, token.rv, token.start);
  }
  const rv = rvParam ? parseRv(rvParam) : 0;
  if (match === 'Exact') {
    if (rv === 0) throw badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
    if (rv !== currentRev()) return fromStore(gs, store, namespace, filter, limit, rv, '');
  }
  if (rv > currentRev()) await waitForRevision(waitFor, rv, currentRev);
  const at = currentRev();
  return fromCache(gs, namespace, filter, limit, at);
}

/** A page of the cache's current state (at revision `at`), from `startKey` on. */
function fromCache(gs: GenericStore, namespace: string | undefined, filter: Filter, limit: number, at: number, startKey?: string): ListResult {
  let keys: readonly string[];
  let i: number;
  if (filter.name !== undefined && (namespace !== undefined || !gs.def.namespaced)) {
    const key = gs.key(namespace, filter.name);
    keys = gs.cache.entries.has(key) && (startKey === undefined || key >= startKey) ? [key] : [];
    i = 0;
  } else {
    ({ keys, from: i } = gs.cache.selectKeys({ namespace, index: filter.index, startKey }));
  }
  const out: CacheEntry[] = [];
  for (; i < keys.length; i++) {
    const e = gs.cache.entries.get(keys[i]!)!;
    if (!filter.everything && !filter.matches(e.obj)) continue;
    if (limit && out.length === limit) break;
    out.push(e);
  }
  const result: ListResult = { entries: out, resourceVersion: at };
  if (limit && i < keys.length && out.length === limit) {
    result.continue = encodeContinue({ v: 'meta.k8s.io/v1', rv: at, start: relKey(gs, out[out.length - 1]!.key) + '\u0000' });
    if (filter.everything) result.remainingItemCount = keys.length - i;
  }
  return result;
}

async function fromStore(gs: GenericStore, store: Store, namespace: string | undefined, filter: Filter, limit: number, rv: number, start: string): Promise<ListResult> {
  const prefix = namespace !== undefined && gs.def.namespaced ? `${gs.prefix}${namespace}/` : gs.prefix;
  const out: CacheEntry[] = [];
  let startKey = start ? gs.prefix + start : undefined;
  if (startKey !== undefined && !startKey.startsWith(prefix)) throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  let more = false;
  let remaining = 0;
  for (;;) {
    let page;
    try {
      page = await store.range(prefix, { revision: rv, limit: limit ? limit + 1 : 0, startKey });
    } catch (e) {
      if (e instanceof CompactedError)
        throw expired(`The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.`);
      throw e;
    }
    for (const kv of page.kvs) {
      const e = CacheEntry.fromStored(kv.key, kv.value, kv.modRevision);
      if (!filter.everything && !filter.matches(e.obj)) continue;
      if (limit && out.length === limit) {
        more = true;
        break;
      }
      out.push(e);
    }
    if (more || !page.more || page.kvs.length === 0) {
      if (!more && page.more) more = true;
      remaining = page.remaining;
      break;
    }
    startKey = page.kvs[page.kvs.length - 1]!.key + '\u0000';
  }
  const result: ListResult = { entries: out, resourceVersion: rv };
  if (more && out.length) {
    result.continue = encodeContinue({ v: 'meta.k8s.io/v1', rv, start: relKey(gs, out[out.length - 1]!.key) + '\u0000' });
    if (filter.everything) result.remainingItemCount = remaining;
  }
  return result;
}

function relKey(gs: GenericStore, key: string): string {
  return key.slice(gs.prefix.length);
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || t.start.includes('..')) throw new Error('bad');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export function parseRv(s: string): number {
  if (!/^\d+$/.test(s)) throw badRequest(`Invalid value: "${s}": resourceVersion: Invalid value: "${s}": must be a non-negative integer`);
  return Number(s);
}

function parseLimit(s: string | null): number {
  if (s === null || s === '') return 0;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`limit: Invalid value: "${s}": must be a non-negative integer`);
  return n;
}

async function waitForRevision(waitFor: (rev: number) => Promise<void>, rv: number, currentRev: () => number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, TOO_LARGE_RV_WAIT_MS)));
  await Promise.race([waitFor(rv), timeout]);
  clearTimeout(timer);
  if (rv > currentRev())
    throw new StatusError(504, 'Timeout', `Too large resource version: ${rv}, current: ${currentRev()}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
}

/**
 * A list response in parts: the list's envelope around the cached items' served JSON, which is
 * shared with the cache, not copied (see ApiListBody).
 */
export function listBody(def: ResourceDef, r: ListResult): ApiListBody {
  const meta: Record<string, unknown> = { resourceVersion: String(r.resourceVersion) };
  if (r.continue) meta.continue = r.continue;
  if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
  return {
    contentType: 'application/json',
    head: `{"kind":"${def.kind}List","apiVersion":"${groupVersion(def)}","metadata":${JSON.stringify(meta)},"items":[`,
    items: r.entries.map((e) => e.json),
    tail: ']}',
  };
}
