/**
 * The annotations a Deployment keeps on its ReplicaSets, as upstream's deployment/util:
 * the deployment's own annotations copied (except kubectl's last-applied configuration and the
 * deployment.kubernetes.io ones), the revision (raised to max(old revisions)+1 when a ReplicaSet
 * becomes the new one again, the previous numbers kept in revision-history up to 2000
 * characters), and desired-replicas / max-replicas, which proportional scaling reads back.
 */
import {
  DESIRED_REPLICAS_ANNOTATION,
  maxSurge,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  specReplicas,
  type Dep,
  type RS,
} from './replicas.js';

/** MaxRevHistoryLengthInChars. */
const MAX_REVISION_HISTORY_CHARS = 2000;

const SKIPPED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** copyDeploymentAnnotationsToReplicaSet; true when something changed. */
function copyDeploymentAnnotations(d: Dep, rs: RS): boolean {
  const target = (rs.metadata!.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIPPED.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations; true when something changed. */
export function setReplicasAnnotations(rs: RS, desired: number, max: number): boolean {
  const a = (rs.metadata!.annotations ??= {});
  let changed = false;
  for (const [k, v] of [[DESIRED_REPLICAS_ANNOTATION, String(desired)], [MAX_REPLICAS_ANNOTATION, String(max)]] as const) {
    if (a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/** ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(rs: RS, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** The desired/max pair of `d` (spec.replicas, spec.replicas + maxSurge). */
export function replicasAnnotationsOf(d: Dep): [number, number] {
  return [specReplicas(d), specReplicas(d) + maxSurge(d)];
}

/**
 * SetNewReplicaSetAnnotations on `rs` (mutated): copied annotations, revision `newRevision` when
 * higher than its own (keeping the old number in revision-history), and, for a ReplicaSet about
 * to be created (`exists` false), the replicas annotations. True when something changed.
 */
export function setNewReplicaSetAnnotations(d: Dep, rs: RS, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = rs.metadata!.annotations!;
  const oldRevision = a[REVISION_ANNOTATION];
  let oldNumber = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    if (!/^-?\d+$/.test(oldRevision)) return false;
    oldNumber = Number(oldRevision);
  }
  if (oldNumber < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
      if (!history) a[REVISION_HISTORY_ANNOTATION] = oldRevision;
      else {
        let kept = history.split(',');
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > MAX_REVISION_HISTORY_CHARS && start < kept.length) total -= kept[start++]!.length + 1;
        if (total <= MAX_REVISION_HISTORY_CHARS) {
          kept = [...kept.slice(start), oldRevision];
          a[REVISION_HISTORY_ANNOTATION] = kept.join(',');
        }
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, ...replicasAnnotationsOf(d))) changed = true;
  return changed;
}
