/** Objects every cluster starts with, as kube-apiserver's bootstrap controllers create them. */
import { StatusError } from '../apimachinery/errors.js';
import type { ApiServer } from '../apiserver/api-server.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates what is missing; safe to run at every start. */
export async function bootstrapCluster(api: ApiServer): Promise<void> {
  const ns = api.storeFor('', 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) {
    if (ns.cache.entries.has(ns.key(undefined, name))) continue;
    try {
      await ns.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
  }
}
