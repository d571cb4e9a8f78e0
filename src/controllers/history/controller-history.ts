/**
 * ControllerRevision history, as upstream's pkg/controller/history: revisions named
 * `<owner>-<hash>` (the hash over the revision data plus the collision count, so that a name
 * collision with different data moves on to another name), ordered by revision number then
 * creation time then name, equal when their data is, and created, renumbered (a rollback reuses
 * the equal revision with a new number), adopted and deleted through the API.
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../kubeclient/errors.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { newControllerRef } from '../pods.js';
import { claimObjects, type ClaimOwner } from './controller-ref-manager.js';
import { goJson, hashControllerRevision } from './hash.js';

/** Label holding the hash of a revision's data (history.ControllerRevisionHashLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
/** The apps/v1 controllerrevisions collection. */
export const CONTROLLER_REVISIONS: ResourceRef = { group: 'apps', version: 'v1', resource: 'controllerrevisions' };

/** A ControllerRevision as it comes from the API (every stored one has a name and namespace). */
export type Revision = ControllerRevision & KubeObject;

/** `<prefix>-<hash>`, the prefix cut to 223 characters so the name stays within 253 (ControllerRevisionName). */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/**
 * The revision `owner` would record for `data` (NewControllerRevision): the template's labels plus
 * the hash label, a controller reference, the revision number, named after the hash.
 */
export function newControllerRevision(owner: KubeObject, apiVersion: string, kind: string, templateLabels: Record<string, string> | undefined, data: object, revision: number, collisionCount: number): Revision {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(owner.metadata!.name!, hash),
      namespace: owner.metadata!.namespace,
      labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(owner, apiVersion, kind)],
    },
    data,
    revision,
  };
}

/** Same data (EqualRevision): the hash labels, when both parse, must agree, then the data must. */
export function equalRevision(a: Revision | undefined, b: Revision | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const hb = b.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha !== undefined && hb !== undefined && /^\d+$/.test(ha) && /^\d+$/.test(hb) && ha !== hb) return false;
  return goJson(a.data) === goJson(b.data);
}

/** The revisions equal to `needle`, in their order (FindEqualRevisions). */
export function findEqualRevisions(revisions: readonly Revision[], needle: Revision): Revision[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** Sorts by revision number, then creation time, then name (SortControllerRevisions). */
export function sortControllerRevisions(revisions: Revision[]): Revision[] {
  return revisions.sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** One more than the highest revision of sorted `revisions`, 1 for none (nextRevision). */
export function nextRevision(sorted: readonly Revision[]): number {
  return sorted.length ? sorted[sorted.length - 1]!.revision + 1 : 1;
}

const CONFLICT_RETRIES = 5;

/** The history of one kind of owner: reads from the shared revision informer, writes through the API (realHistory). */
export class RevisionHistory {
  constructor(
    private readonly client: KubeClient,
    private readonly informer: Informer<Revision>,
  ) {}

  /**
   * The revisions `owner` controls, adopting orphans that match its selector
   * (ListControllerRevisions + AdoptOrphanRevisions through the ref manager).
   */
  claim(owner: ClaimOwner): Promise<Revision[]> {
    return claimObjects(this.client, this.informer, CONTROLLER_REVISIONS, owner);
  }

  /**
   * Creates `revision` for `owner` (CreateControllerRevision). A name taken by a revision with the
   * same data returns that one; taken by other data, `collision.count` is raised and the name is
   * recomputed.
   */
  async create(owner: KubeObject, revision: Revision, collision: { count: number }): Promise<Revision> {
    for (;;) {
      const hash = hashControllerRevision(revision.data, collision.count);
      const name = controllerRevisionName(owner.metadata!.name!, hash);
      const body: Revision = { ...revision, metadata: { ...revision.metadata, name, labels: { ...revision.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash } } };
      const ref = { ...CONTROLLER_REVISIONS, namespace: owner.metadata!.namespace };
      try {
        return await this.client.create<Revision>(ref, body);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = await this.client.get<Revision>({ ...ref, name });
        if (goJson(existing.data) === goJson(body.data)) return existing;
        collision.count++;
      }
    }
  }

  /** Sets the revision number, retrying on conflicts from the cache's latest copy (UpdateControllerRevision). */
  async renumber(revision: Revision, newRevision: number): Promise<Revision> {
    let cur = revision;
    for (let i = 0; ; i++) {
      if (cur.revision === newRevision) return cur;
      try {
        return await this.client.update<Revision>({ ...CONTROLLER_REVISIONS, namespace: cur.metadata!.namespace }, { ...cur, revision: newRevision });
      } catch (err) {
        if (!isConflict(err) || i >= CONFLICT_RETRIES) throw err;
        cur = this.informer.get(cur.metadata!.namespace, cur.metadata!.name!) ?? (await this.client.get<Revision>({ ...CONTROLLER_REVISIONS, namespace: cur.metadata!.namespace, name: cur.metadata!.name! }));
      }
    }
  }

  /** Deletes a revision; already gone is fine. */
  async delete(revision: Revision): Promise<void> {
    try {
      await this.client.delete({ ...CONTROLLER_REVISIONS, namespace: revision.metadata!.namespace, name: revision.metadata!.name! });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
