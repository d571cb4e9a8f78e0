/**
 * A DaemonSet's ControllerRevisions, as upstream's daemon controller keeps them (update.go
 * constructHistory / snapshot / dedupCurHistories / cleanupHistory): each revision stores the
 * strategic merge patch that puts its pod template back (`{"spec":{"template":{…,"$patch":"replace"}}}`);
 * the revision whose patch equals the DaemonSet's is current (after `kubectl rollout undo` that is
 * an old one, which gets the next revision number instead of a new object); a new template gets a
 * revision named `<ds>-<hash of the template and collisionCount>` labelled
 * `controller-revision-hash`; old revisions beyond revisionHistoryLimit that no pod still uses are
 * deleted oldest first.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists } from '../../kubeclient/errors.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { newControllerRef } from '../pods.js';
import { CONTROLLER_REVISIONS, type Revision, type RevisionHistory } from '../history/controller-history.js';
import { computeTemplateHash, goJson } from '../history/hash.js';
import { CONTROLLER_REVISION_HASH_POD_LABEL } from './placement.js';

/** A DaemonSet as read from the API. */
export type DaemonSetObject = DaemonSet & KubeObject;

export const DAEMONSETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'daemonsets' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };

/**
 * The patch a revision of `ds` stores (getPatch): the template as Go serialises it — an unset
 * creationTimestamp included as null — marked to replace the whole template when applied.
 */
export function daemonSetPatch(ds: DaemonSet): object {
  const template = structuredClone(ds.spec?.template ?? {}) as Record<string, unknown>;
  template.metadata = { creationTimestamp: null, ...((template.metadata as object | undefined) ?? {}) };
  template.$patch = 'replace';
  return { spec: { template } };
}

/** Whether `revision` records the template `ds` has now (Match). */
export function matchesRevision(ds: DaemonSet, revision: Revision): boolean {
  return goJson(daemonSetPatch(ds)) === goJson(revision.data);
}

/** The current revision (created or renumbered as needed) and the others. */
export interface DaemonSetHistory {
  cur: Revision;
  old: Revision[];
}

/**
 * Finds or records the revision of the DaemonSet's current template (constructHistory). `pods` are
 * its pods, relabelled when duplicate current revisions are collapsed into one.
 */
export async function constructHistory(client: KubeClient, history: RevisionHistory, ds: DaemonSetObject, revisions: Revision[], pods: () => Promise<Pod[]>): Promise<DaemonSetHistory> {
  const current: Revision[] = [];
  const old: Revision[] = [];
  for (let r of revisions) {
    if (r.metadata?.labels?.[CONTROLLER_REVISION_HASH_POD_LABEL] === undefined) {
      r = await client.update<Revision>({ ...CONTROLLER_REVISIONS, namespace: ds.metadata!.namespace }, { ...r, metadata: { ...r.metadata, labels: { ...r.metadata?.labels, [CONTROLLER_REVISION_HASH_POD_LABEL]: r.metadata!.name! } } });
    }
    (matchesRevision(ds, r) ? current : old).push(r);
  }
  const next = old.reduce((m, r) => Math.max(m, r.revision), 0) + 1;
  if (current.length === 0) return { cur: await snapshot(client, ds, next), old };
  let cur = current.reduce((keep, r) => (r.revision >= keep.revision ? r : keep));
  if (current.length > 1) {
    const hash = cur.metadata!.labels![CONTROLLER_REVISION_HASH_POD_LABEL]!;
    for (const p of await pods()) {
      if (p.metadata?.labels?.[CONTROLLER_REVISION_HASH_POD_LABEL] === hash) continue;
      await client.patch({ ...PODS, namespace: ds.metadata!.namespace, name: p.metadata!.name! }, { metadata: { labels: { [CONTROLLER_REVISION_HASH_POD_LABEL]: hash } } }, 'merge');
    }
    for (const r of current) if (r !== cur) await history.delete(r);
  }
  if (cur.revision < next) cur = await history.renumber(cur, next);
  return { cur, old };
}

/**
 * Records the DaemonSet's template as revision `revision` (snapshot). A name already taken by
 * other data raises status.collisionCount (so the next sync computes another name) and fails this
 * sync.
 */
async function snapshot(client: KubeClient, ds: DaemonSetObject, revision: number): Promise<Revision> {
  const data = daemonSetPatch(ds);
  const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
  const name = `${ds.metadata!.name}-${hash}`;
  const ref = { ...CONTROLLER_REVISIONS, namespace: ds.metadata!.namespace };
  const body: Revision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: ds.metadata!.namespace,
      labels: { ...(ds.spec?.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_POD_LABEL]: hash },
      annotations: ds.metadata?.annotations,
      ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
    },
    data,
    revision,
  };
  try {
    return await client.create<Revision>(ref, body);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const existing = await client.get<Revision>({ ...ref, name });
    if (matchesRevision(ds, existing)) return existing;
    const fresh = await client.get<DaemonSetObject>({ ...DAEMONSETS, namespace: ds.metadata!.namespace, name: ds.metadata!.name! });
    if ((fresh.status?.collisionCount ?? undefined) !== (ds.status?.collisionCount ?? undefined)) {
      throw new Error(`found a stale collision count (${ds.status?.collisionCount}, expected ${fresh.status?.collisionCount}) of DaemonSet "${ds.metadata!.name}" while processing; will retry until it is updated`);
    }
    const bumped: DaemonSetObject = { ...fresh, status: { ...fresh.status!, collisionCount: (fresh.status?.collisionCount ?? 0) + 1 } };
    await client.update({ ...DAEMONSETS, namespace: ds.metadata!.namespace, subresource: 'status' }, bumped);
    throw err;
  }
}

/**
 * Deletes old revisions beyond revisionHistoryLimit, lowest revision first, sparing any whose hash
 * a pod still carries (cleanupHistory).
 */
export async function cleanupHistory(history: RevisionHistory, ds: DaemonSet, old: Revision[], pods: readonly Pod[]): Promise<void> {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const live = new Set<string>();
  for (const p of pods) {
    const h = p.metadata?.labels?.[CONTROLLER_REVISION_HASH_POD_LABEL];
    if (h) live.add(h);
  }
  for (const r of [...old].sort((a, b) => a.revision - b.revision)) {
    if (toKill <= 0) break;
    if (live.has(r.metadata?.labels?.[CONTROLLER_REVISION_HASH_POD_LABEL] ?? '')) continue;
    await history.delete(r);
    toKill--;
  }
}
