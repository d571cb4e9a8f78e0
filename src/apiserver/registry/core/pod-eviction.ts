/**
 * `POST …/pods/<name>/eviction`: the Eviction API, as upstream's EvictionREST.Create
 * (pkg/registry/core/pod/storage/eviction.go). A pod that is Pending, Succeeded, Failed or already
 * terminating is deleted without looking at budgets. Otherwise the pod's PodDisruptionBudgets
 * decide: none → delete; several → a 500 Status; one → an unready pod goes when the budget's
 * unhealthyPodEvictionPolicy is AlwaysAllow or (IfHealthyBudget, the default) the budget is
 * currently met, pinned to the pod's resourceVersion (a lost race is a 429); any other pod needs
 * disruptionsAllowed > 0, which is decremented and the pod recorded in status.disruptedPods with
 * the time — atomically with compare-and-swap retries — or the answer is 429 with the
 * DisruptionBudget cause. Before the delete the pod gets DisruptionTarget=True
 * (EvictionByEvictionAPI). The eviction's deleteOptions (grace period, preconditions, dryRun) apply
 * to the delete; success is a Status 201.
 */
import { badRequest, conflict, forbidden, internalError, notFound, StatusError, type StatusDetails } from '../../../apimachinery/errors.js';
import { matches, selectorFromLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { rfc3339 } from '../../../lib/clock.js';
import type { DeleteOptions, GenericStore } from '../generic-store.js';
import type { KObject, SubresourceActionContext } from '../resource.js';

/** The kind the subresource answers with, for discovery (kubectl drain looks for it). */
export const EVICTION_KIND = { group: 'policy', version: 'v1', kind: 'Eviction' } as const;

/** MaxDisruptedPodSize: evictions not yet confirmed by the disruption controller. */
const MAX_DISRUPTED_POD_SIZE = 2000;
/** EvictionsRetry.Steps. */
const EVICTION_RETRIES = 20;
export const BUDGET_VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";
export const MULTIPLE_BUDGETS = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | null;
  lastProbeTime?: string | null;
  observedGeneration?: number;
}

interface PdbStatus {
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  conditions?: Condition[];
}

interface Pdb extends KObject {
  spec?: { selector?: MetaLabelSelector | null; unhealthyPodEvictionPolicy?: string };
  status?: PdbStatus;
}

interface PodLike extends KObject {
  status?: { phase?: string; conditions?: Condition[] };
}

const SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

const isReady = (pod: PodLike) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const phaseOf = (pod: PodLike) => pod.status?.phase;

/** canIgnorePDB: terminal, pending or terminating pods are deleted without a budget check. */
function canIgnorePDB(pod: PodLike): boolean {
  const p = phaseOf(pod);
  return p === 'Succeeded' || p === 'Failed' || p === 'Pending' || !!pod.metadata?.deletionTimestamp;
}

/** shouldEnforceResourceVersion: all but terminal or terminating pods are deleted pinned to what was checked. */
function shouldEnforceResourceVersion(pod: PodLike): boolean {
  const p = phaseOf(pod);
  return !(p === 'Succeeded' || p === 'Failed' || pod.metadata?.deletionTimestamp);
}

/** errors.NewTooManyRequests with the DisruptionBudget cause. */
function budgetError(cause: string, retryAfterSeconds: number): StatusError {
  const details: StatusDetails = { causes: [{ reason: 'DisruptionBudget', message: cause }] };
  if (retryAfterSeconds) details.retryAfterSeconds = retryAfterSeconds;
  return new StatusError(429, 'TooManyRequests', BUDGET_VIOLATION, details);
}

/** createTooManyRequestsError: the budget has not caught up with its spec (or the pod changed under us). */
const stillProcessing = (pdb: string) => budgetError(`The disruption budget ${pdb} is still being processed by the server.`, 10);

const pdbForbidden = (name: string, why: string) => forbidden(`poddisruptionbudget.policy "${name}" is forbidden: ${why}`, { name, group: 'policy', kind: 'poddisruptionbudget' });

/** The Eviction's deleteOptions with the request's dryRun folded in (propagateDryRun). */
function evictionDeleteOptions(body: KObject, requestDryRun: boolean): DeleteOptions {
  const raw = body.deleteOptions;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw badRequest('deleteOptions must be an object');
  const o = (raw ?? {}) as Record<string, unknown>;
  const bodyDryRun = Array.isArray(o.dryRun) && o.dryRun.length > 0;
  if (bodyDryRun && requestDryRun && !(o.dryRun as unknown[]).every((v) => v === 'All'))
    throw internalError(`Non-matching dry-run options in request and content: [All] and [${(o.dryRun as unknown[]).join(' ')}]`);
  const out: DeleteOptions = { dryRun: requestDryRun || bodyDryRun };
  if (o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds !== null) {
    const n = Number(o.gracePeriodSeconds);
    if (!Number.isInteger(n)) throw badRequest(`gracePeriodSeconds: Invalid value: "${String(o.gracePeriodSeconds)}"`);
    out.gracePeriodSeconds = Math.max(0, n);
  }
  const pre = o.preconditions as { uid?: string | null; resourceVersion?: string | null } | null | undefined;
  if (pre && (pre.uid || pre.resourceVersion)) out.preconditions = { ...(pre.uid ? { uid: pre.uid } : {}), ...(pre.resourceVersion ? { resourceVersion: pre.resourceVersion } : {}) };
  const policy = o.propagationPolicy ?? (o.orphanDependents === true ? 'Orphan' : o.orphanDependents === false ? 'Background' : undefined);
  if (policy === 'Orphan' || policy === 'Background' || policy === 'Foreground') out.propagationPolicy = policy;
  return out;
}

const withResourceVersion = (o: DeleteOptions, rv: string | undefined): DeleteOptions => ({ ...o, preconditions: { ...o.preconditions, resourceVersion: rv } });
const resourceVersionUnset = (o: DeleteOptions) => !o.preconditions?.resourceVersion;
const isConflict = (err: unknown) => err instanceof StatusError && err.code === 409 && err.reason === 'Conflict';

/** podutil.UpdatePodCondition: the transition time moves only when the status does. */
function setPodCondition(pod: PodLike, c: Condition, now: number): void {
  const conditions = ((pod.status ??= {}).conditions ??= []);
  const old = conditions.find((x) => x.type === c.type);
  if (!old) conditions.push({ ...c, lastProbeTime: null, lastTransitionTime: rfc3339(now) });
  else {
    if (old.status !== c.status) old.lastTransitionTime = rfc3339(now);
    Object.assign(old, { status: c.status, reason: c.reason, message: c.message });
  }
}

/** addConditionAndDeletePod: DisruptionTarget first (outside dry runs), then the delete. */
async function addConditionAndDelete(pods: GenericStore, ns: string, name: string, opts: DeleteOptions, now: number): Promise<void> {
  let options = opts;
  if (!opts.dryRun) {
    const ref = { group: '', resource: 'Pod' };
    const { obj } = await pods.update(
      ns,
      name,
      (latest) => {
        const pod = latest as PodLike;
        const pre = opts.preconditions;
        if (pre?.uid && pre.uid !== pod.metadata?.uid)
          throw conflict(ref, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${pod.metadata?.uid}). The object might have been deleted and then recreated`);
        if (pre?.resourceVersion && pre.resourceVersion !== pod.metadata?.resourceVersion)
          throw conflict(ref, name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${pod.metadata?.resourceVersion}). The object might have been modified`);
        setPodCondition(pod, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }, now);
        delete pod.metadata!.resourceVersion;
        return pod;
      },
      { subresource: 'status' },
    );
    if (!resourceVersionUnset(opts)) options = withResourceVersion(opts, obj.metadata?.resourceVersion);
  }
  await pods.delete(ns, name, options);
}

/** getPodDisruptionBudgets: the namespace's budgets whose selector (valid, policy/v1 semantics) matches the pod. */
function budgetsFor(pdbs: GenericStore, pod: PodLike): Pdb[] {
  const out: Pdb[] = [];
  for (const e of pdbs.cache.select({ namespace: pod.metadata!.namespace! })) {
    const pdb = e.obj as Pdb;
    try {
      if (matches(selectorFromLabelSelector(pdb.spec?.selector), pod.metadata?.labels)) out.push(pdb);
    } catch {
      // An invalid selector matches nothing.
    }
  }
  return out;
}

/** checkAndDecrement on `pdb` (a private copy): throws the 429/403 answers, else takes one disruption. */
function checkAndDecrement(pdb: Pdb, podName: string, dryRun: boolean, now: number): void {
  const name = pdb.metadata!.name!;
  const st = (pdb.status ??= {});
  if ((st.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) throw stillProcessing(name);
  const allowed = st.disruptionsAllowed ?? 0;
  if (allowed < 0) throw pdbForbidden(name, 'pdb disruptions allowed is negative');
  if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) throw pdbForbidden(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (allowed === 0) throw budgetError(`The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`, 0);
  st.disruptionsAllowed = allowed - 1;
  if (st.disruptionsAllowed === 0) {
    // UpdateDisruptionAllowedCondition.
    const conditions = (st.conditions ??= []);
    const c = conditions.find((x) => x.type === 'DisruptionAllowed');
    const next = { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: st.observedGeneration ?? 0 };
    if (!c) conditions.push({ ...next, lastTransitionTime: rfc3339(now) });
    else Object.assign(c, next, c.status === 'False' ? {} : { lastTransitionTime: rfc3339(now) });
  }
  if (dryRun) return;
  (st.disruptedPods ??= {})[podName] = rfc3339(now);
}

/** The `eviction` action of pods (ResourceStrategy.subresourceActions). */
export async function evictPod(ctx: SubresourceActionContext): Promise<KObject> {
  const ns = ctx.obj.metadata!.namespace!;
  const name = ctx.obj.metadata!.name!;
  const body = ctx.body;
  if (body.kind !== undefined && body.kind !== 'Eviction') throw badRequest(`not a Eviction object: ${String(body.kind)}`);
  if (body.apiVersion !== undefined && body.apiVersion !== 'policy/v1' && body.apiVersion !== 'policy/v1beta1') throw badRequest(`unsupported apiVersion for Eviction: ${String(body.apiVersion)}`);
  if (body.metadata?.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  const original = evictionDeleteOptions(body, ctx.dryRun);
  const pods = ctx.storeFor('', 'pods');
  const pdbs = ctx.storeFor('policy', 'poddisruptionbudgets');
  if (!pods || !pdbs) throw internalError('pods or poddisruptionbudgets are not served');

  // Pods a budget does not guard go at once (retrying lost races unless the caller pinned a version).
  let pod: PodLike | undefined;
  for (let attempt = 0; ; attempt++) {
    pod = pods.getEntry(ns, name).obj as PodLike;
    if (!canIgnorePDB(pod)) break;
    const opts = shouldEnforceResourceVersion(pod) && resourceVersionUnset(original) ? withResourceVersion(original, pod.metadata?.resourceVersion) : original;
    try {
      await addConditionAndDelete(pods, ns, name, opts, ctx.now);
      return SUCCESS;
    } catch (err) {
      if (!isConflict(err) || !resourceVersionUnset(original) || attempt + 1 >= EVICTION_RETRIES) throw err;
    }
  }

  const budgets = budgetsFor(pdbs, pod);
  if (budgets.length > 1) return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: MULTIPLE_BUDGETS, code: 500 };
  let pin = false;
  const budget = budgets[0];
  if (budget) {
    const healthyEnough = (budget.status?.currentHealthy ?? 0) >= (budget.status?.desiredHealthy ?? 0) && (budget.status?.desiredHealthy ?? 0) > 0;
    if (!isReady(pod) && (budget.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || healthyEnough)) pin = true;
    else if (original.dryRun) checkAndDecrement(structuredClone(budget), name, true, ctx.now);
    else
      await pdbs.update(ns, budget.metadata!.name!, (current) => {
        if (!current) throw notFound({ group: 'policy', resource: 'poddisruptionbudgets' }, budget.metadata!.name!);
        checkAndDecrement(current as Pdb, name, false, ctx.now);
        delete current.metadata!.resourceVersion;
        return current;
      }, { subresource: 'status' });
  }
  try {
    await addConditionAndDelete(pods, ns, name, pin ? withResourceVersion(original, pod.metadata?.resourceVersion) : original, ctx.now);
  } catch (err) {
    // The pod changed (e.g. became ready) since it was judged unhealthy: the client retries.
    if (isConflict(err) && pin && resourceVersionUnset(original)) throw stillProcessing(budget!.metadata!.name!);
    throw err;
  }
  return SUCCESS;
}
