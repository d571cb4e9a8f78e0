/**
 * EKS Update objects as state machines: an Update is created InProgress with a due time; when
 * the time comes the applier of its target kind (`cluster` here, `nodegroup` / `addon` in their
 * areas) carries it out and it ends Successful, Failed or Cancelled — or asks to be looked at
 * again later (a rolling node group update).
 *
 * Cluster updates are one at a time (semantics doc §2): {@link startClusterUpdate} creates the
 * Update, then claims the cluster with compare-and-swap (`activeUpdateId`, status UPDATING); a
 * claim that loses to another update deletes the new Update and answers EKS's 409.
 */
import { randomUUID } from 'node:crypto';
import { eksError, MSG } from './errors.js';
import { kick, mutate, tables, type EksRuntime } from './runtime.js';
import { childId, KIND, type ClusterRecord, type Scope, type UpdateParam, type UpdateRecord } from './state.js';

/** What an update is about to do. */
export interface UpdateSpec {
  type: string;
  params: UpdateParam[];
  /** What the applier does when the update's time comes (for clusters: members to merge). */
  change: Record<string, unknown>;
  /** How long until it is carried out (ms of the injected clock). */
  durationMs: number;
  /** The request's idempotency token. */
  clientRequestToken?: string;
}

/** Registers the Update state machine. */
export function registerUpdateMachine(rt: EksRuntime): void {
  rt.reconciler.register<UpdateRecord>({
    kind: KIND.updates,
    async advance(u, ctx) {
      if (u.status !== 'InProgress') return { put: { ...u, lifecycle: undefined } };
      const applier = rt.updateTargets.get(u.target.kind);
      if (!applier) {
        const errors = [{ errorCode: 'Unknown', errorMessage: `eksplane cannot carry out ${u.target.kind} updates`, resourceIds: [] }];
        return { put: { ...u, status: 'Failed', errors, lifecycle: undefined } };
      }
      const out = await applier(u, { scope: { account: ctx.key.account, region: ctx.key.region }, now: ctx.now, rt });
      if ('waitUntil' in out) return { put: { ...u, lifecycle: { phase: 'run', startedAt: u.lifecycle?.startedAt ?? ctx.now, dueAt: out.waitUntil } } };
      rt.log.info({ cluster: u.clusterName, update: u.id, type: u.type, status: out.status }, 'eks update finished');
      return { put: { ...u, status: out.status, errors: out.errors ?? [], lifecycle: undefined } };
    },
  });
}

/**
 * Creates an InProgress Update of `target` (for any target kind) due after `spec.durationMs`.
 * Claiming the target, then {@link kickUpdate}, is the caller's business.
 */
export async function createUpdate(rt: EksRuntime, scope: Scope, clusterName: string, target: UpdateRecord['target'], spec: UpdateSpec): Promise<UpdateRecord> {
  const now = rt.clock.now();
  const u: UpdateRecord = {
    id: randomUUID(),
    clusterName,
    target,
    status: 'InProgress',
    type: spec.type,
    params: spec.params,
    createdAt: now,
    errors: [],
    change: spec.change,
    clientRequestToken: spec.clientRequestToken,
    lifecycle: { phase: 'run', startedAt: now, dueAt: now + spec.durationMs },
  };
  await tables(rt, scope).updates.create(childId(clusterName, u.id), u);
  return u;
}

/**
 * The Update of `target` a request with this idempotency token already made (a retried request
 * gets it back instead of a 409), if any.
 */
export async function updateByToken(rt: EksRuntime, scope: Scope, clusterName: string, target: UpdateRecord['target'], token: unknown): Promise<UpdateRecord | undefined> {
  if (typeof token !== 'string' || !token) return undefined;
  const rows = await tables(rt, scope).updates.listUnder(`${clusterName}/`);
  return rows.map((r) => r.value).find((u) => u.clientRequestToken === token && u.target.kind === target.kind && u.target.name === target.name);
}

/** Asks the reconciler to schedule an Update. */
export function kickUpdate(rt: EksRuntime, scope: Scope, u: UpdateRecord): void {
  kick(rt, KIND.updates, scope, childId(u.clusterName, u.id), u);
}

/**
 * Starts a cluster update: the cluster must be ACTIVE with no update in flight
 * (ResourceInUseException `Cannot <type> because cluster C currently has update U in progress`;
 * InvalidRequestException `Cluster 'C' is not in ACTIVE status`).
 */
export async function startClusterUpdate(rt: EksRuntime, scope: Scope, clusterName: string, spec: UpdateSpec): Promise<UpdateRecord> {
  const u = await createUpdate(rt, scope, clusterName, { kind: 'cluster' }, spec);
  const t = tables(rt, scope);
  const refusal: { err?: Error } = {};
  const claimed = await mutate(t.clusters, clusterName, (c): ClusterRecord | undefined => {
    if (c.activeUpdateId) refusal.err = eksError('ResourceInUseException', MSG.updateInProgress(spec.type, clusterName, c.activeUpdateId), { clusterName });
    else if (c.status !== 'ACTIVE') refusal.err = eksError('InvalidRequestException', MSG.clusterNotActive(clusterName), { clusterName });
    else return { ...c, status: 'UPDATING', activeUpdateId: u.id };
    return undefined;
  });
  if (!claimed || refusal.err) {
    await t.updates.delete(childId(clusterName, u.id));
    throw refusal.err ?? eksError('ResourceNotFoundException', MSG.clusterNotFound(clusterName), { clusterName });
  }
  kickUpdate(rt, scope, u);
  return u;
}
