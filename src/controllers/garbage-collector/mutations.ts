/**
 * The garbage collector's writes, each guarded so that it never acts on a replaced object:
 * deletes carry a uid precondition; ownerReference and finalizer edits are merge patches pinned to
 * the resourceVersion that was read (a lost race is a 409, re-read and retried).
 */
import type { KubeClient } from '../../kubeclient/client.js';
import type { ApiResourceInfo } from '../../kubeclient/discovery.js';
import { isConflict, isNotFound } from '../../kubeclient/errors.js';
import type { KubeObject, OwnerReference, ResourceRef } from '../../kubeclient/types.js';
import type { ObjectIdentity } from './graph.js';

export type Policy = 'Background' | 'Foreground' | 'Orphan';

const CONFLICT_RETRIES = 5;

function ref(info: ApiResourceInfo, namespace: string | undefined, name: string): ResourceRef {
  return { group: info.group, version: info.version, resource: info.resource, namespace: info.namespaced ? namespace : undefined, name };
}

export class Mutations {
  constructor(private readonly client: KubeClient) {}

  /** The object, or undefined when it does not exist. */
  async get(info: ApiResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.client.get(ref(info, namespace, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Deletes exactly this object (uid precondition); an absent one counts as deleted. */
  async delete(info: ApiResourceInfo, id: ObjectIdentity, policy: Policy): Promise<void> {
    try {
      await this.client.delete(ref(info, id.namespace, id.name), { propagationPolicy: policy, preconditions: { uid: id.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Replaces the ownerReferences of `latest` (as read) with `refs`; a concurrent change is a 409. */
  async patchOwnerRefs(info: ApiResourceInfo, latest: KubeObject, refs: OwnerReference[]): Promise<void> {
    const m = latest.metadata!;
    try {
      await this.client.patch(ref(info, m.namespace, m.name!), { metadata: { resourceVersion: m.resourceVersion, ownerReferences: refs.length ? refs : null } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Removes the reference to `ownerUid` from the dependent, re-reading on conflicts. */
  async removeOwnerRef(info: ApiResourceInfo, id: ObjectIdentity, ownerUid: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.get(info, id.namespace, id.name);
      if (!cur || cur.metadata?.uid !== id.uid) return;
      const refs = cur.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === ownerUid)) return;
      try {
        await this.patchOwnerRefs(info, cur, refs.filter((r) => r.uid !== ownerUid));
        return;
      } catch (err) {
        if (!isConflict(err) || attempt >= CONFLICT_RETRIES) throw err;
      }
    }
  }

  /** Removes `finalizer` from the object read as `latest` (same uid), re-reading on conflicts. */
  async removeFinalizer(info: ApiResourceInfo, latest: KubeObject, finalizer: string): Promise<void> {
    const uid = latest.metadata?.uid;
    let cur: KubeObject | undefined = latest;
    for (let attempt = 0; ; attempt++) {
      if (!cur || cur.metadata?.uid !== uid) return;
      const m = cur.metadata!;
      const fins = m.finalizers ?? [];
      if (!fins.includes(finalizer)) return;
      const rest = fins.filter((f) => f !== finalizer);
      try {
        await this.client.patch(ref(info, m.namespace, m.name!), { metadata: { resourceVersion: m.resourceVersion, finalizers: rest.length ? rest : null } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= CONFLICT_RETRIES) throw err;
      }
      cur = await this.get(info, m.namespace, m.name!);
    }
  }
}
