/**
 * Reads of the objects tokens are checked against (service accounts, secrets, pods, nodes)
 * straight from the API server's watch cache, as upstream's token getter reads informer caches:
 * no request, no authorization, nothing copied.
 */
import type { KObject } from '../registry/resource.js';

/** What the token code needs of an ApiServer: its generic stores' caches (`ApiServer` satisfies it). */
export interface StoreLookup {
  storeFor(group: string, plural: string): { key(namespace: string | undefined, name: string): string; cache: { entries: ReadonlyMap<string, { obj: KObject }> } } | undefined;
}

/** The cached core/v1 object, or undefined (unknown resource, or no such object). Never mutate it. */
export function getCached(lookup: StoreLookup | undefined, plural: 'serviceaccounts' | 'secrets' | 'pods' | 'nodes', namespace: string | undefined, name: string): KObject | undefined {
  const gs = lookup?.storeFor('', plural);
  return gs?.cache.entries.get(gs.key(namespace, name))?.obj;
}

/** True when the object's deletionTimestamp lies before `before` (ms): upstream treats it as gone. */
export function deletedBefore(obj: KObject, before: number): boolean {
  const ts = obj.metadata?.deletionTimestamp;
  return !!ts && Date.parse(ts) < before;
}
