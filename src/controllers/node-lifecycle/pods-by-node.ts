/**
 * The pod index both node controllers share (upstream's `spec.nodeName` indexer on the shared pod
 * informer): pods filed under the node they are bound to, so "the pods of node X" is a lookup, not
 * a scan of 150,000 pods.
 */
import type { Informer } from '../../kubeclient/informer.js';
import type { SharedInformers } from '../../kubeclient/shared-informers.js';
import type { PodObject } from './objects.js';

/** The index name, as upstream's nodeNameKeyIndex. */
export const POD_NODE_NAME_INDEX = 'spec.nodeName';

/** The shared pod informer with the node-name index added. */
export function podsInformerByNode(informers: SharedInformers): Informer<PodObject> {
  const pods = informers.informer<PodObject>({ resource: { group: '', version: 'v1', resource: 'pods' } });
  pods.addIndexer(POD_NODE_NAME_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  return pods;
}
