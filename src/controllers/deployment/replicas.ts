/**
 * The replica arithmetic of a Deployment rollout, as upstream's deployment/util: maxSurge and
 * maxUnavailable resolved from ints or percentages (surge rounded up, unavailable down, and
 * unavailable forced to 1 when both resolve to 0), the size of the new ReplicaSet's next step,
 * proportional scaling shares, saturation, and the sums over ReplicaSets the status is built from.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';

export type RS = ReplicaSet & KubeObject;
export type Dep = Deployment & KubeObject;

/** deployment.kubernetes.io annotations (upstream deployment/util constants). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

export const specReplicas = (o: { spec?: { replicas?: number } } | undefined): number => o?.spec?.replicas ?? 1;

/** intstr.GetScaledValueFromIntOrPercent: an int as is, "p%" of `total` rounded up or down. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g '5%')`);
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** ResolveFenceposts: [maxSurge, maxUnavailable] for `desired` replicas. */
export function resolveFenceposts(d: Dep, desired = specReplicas(d)): [number, number] {
  const ru = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export const isRollingUpdate = (d: Dep): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** MaxSurge: 0 unless RollingUpdate. */
export function maxSurge(d: Dep): number {
  return isRollingUpdate(d) ? resolveFenceposts(d)[0] : 0;
}

/** MaxUnavailable: 0 unless RollingUpdate with replicas, never more than spec.replicas. */
export function maxUnavailable(d: Dep): number {
  const replicas = specReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(d)[1], replicas);
}

/** Sum of spec.replicas (GetReplicaCountForReplicaSets). */
export const specSum = (rss: readonly (RS | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? rs.spec?.replicas ?? 0 : 0), 0);
/** Sum of status.replicas (GetActualReplicaCountForReplicaSets). */
export const actualSum = (rss: readonly (RS | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readySum = (rss: readonly (RS | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableSum = (rss: readonly (RS | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/** ReplicaSets with spec.replicas > 0 (FilterActiveReplicaSets). */
export const activeOf = (rss: readonly (RS | undefined)[]): RS[] => rss.filter((rs): rs is RS => !!rs && (rs.spec?.replicas ?? 0) > 0);

const created = (rs: RS): number => Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;
const byName = (a: RS, b: RS): number => (a.metadata!.name! < b.metadata!.name! ? -1 : a.metadata!.name! > b.metadata!.name! ? 1 : 0);

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export const byCreation = (a: RS, b: RS): number => created(a) - created(b) || byName(a, b);
/** ReplicaSetsBySizeOlder: larger first, then older. */
export const bySizeOlder = (a: RS, b: RS): number => specReplicas(b) - specReplicas(a) || byCreation(a, b);
/** ReplicaSetsBySizeNewer: larger first, then newer. */
export const bySizeNewer = (a: RS, b: RS): number => specReplicas(b) - specReplicas(a) || byCreation(b, a);

/** The revision annotation as a number (0 when absent or malformed). */
export function revisionOf(o: KubeObject | undefined): number {
  const v = o?.metadata?.annotations?.[REVISION_ANNOTATION];
  return v && /^\d+$/.test(v) ? Number(v) : 0;
}

/** ReplicaSetsByRevision: lower revision first, then older. */
export const byRevision = (a: RS, b: RS): number => revisionOf(a) - revisionOf(b) || byCreation(a, b);

/** An int32 annotation (GetDesiredReplicasAnnotation / getMaxReplicasAnnotation). */
export function intAnnotation(rs: RS, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** NewRSNewReplicas: the size the new ReplicaSet may grow to in this step. */
export function newRSNewReplicas(d: Dep, allRSs: readonly (RS | undefined)[], newRS: RS): number {
  const replicas = specReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge ?? 0, replicas, true);
  const current = specSum(allRSs);
  const maxTotal = replicas + surge;
  const have = newRS.spec?.replicas ?? 0;
  if (current >= maxTotal) return have;
  return have + Math.min(maxTotal - current, replicas - have);
}

/** IsSaturated: the new ReplicaSet runs every desired replica, all available. */
export function isSaturated(d: Dep, rs: RS | undefined): boolean {
  if (!rs) return false;
  const desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
  const replicas = specReplicas(d);
  return (rs.spec?.replicas ?? 0) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** FindActiveOrLatest: the only active ReplicaSet, else the new or newest one when none is active, else undefined. */
export function findActiveOrLatest(newRS: RS | undefined, oldRSs: readonly RS[]): RS | undefined {
  if (!newRS && !oldRSs.length) return undefined;
  const olds = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeOf([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  return active.length === 1 ? active[0] : undefined;
}

/**
 * GetProportion: how many of `toAdd` (negative when shrinking) this ReplicaSet takes, in
 * proportion to its share of the size recorded in its max-replicas annotation.
 */
export function proportion(rs: RS, d: Dep, toAdd: number, added: number): number {
  const size = rs.spec?.replicas ?? 0;
  if (size === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: RS, d: Dep): number {
  const size = rs.spec?.replicas ?? 0;
  if (specReplicas(d) === 0) return -size;
  const deploymentReplicas = specReplicas(d) + maxSurge(d);
  const annotated = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0;
  if (annotated <= 0) return 0;
  // Go's integer.RoundToInt32 rounds halves away from zero; the value is never negative here.
  return Math.round((size * deploymentReplicas) / annotated) - size;
}
