/**
 * The disruption controller (`disruption`, pkg/controller/disruption): keeps every
 * PodDisruptionBudget's status — expectedPods, currentHealthy, desiredHealthy,
 * disruptionsAllowed, disruptedPods, observedGeneration and the DisruptionAllowed condition
 * (SufficientPods / InsufficientPods, SyncFailed with disruptionsAllowed 0 when the sync fails).
 * An integer minAvailable counts the selected pods; a percentage minAvailable or any
 * maxUnavailable scales against the sum of the pods' controllers' replicas (ScaleFinders).
 * Pods the eviction API recorded in disruptedPods do not count as healthy for two minutes; the
 * budget is re-checked when that ends.
 *
 * Keyed by budget: pod events map to the budgets of the pod's namespace whose selector matches it.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1.js';
import { matches, selectorFromLabelSelector } from '../../apimachinery/labels.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isConflict, isNotFound } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import { NAMESPACE_INDEX, type Informer } from '../../kubeclient/informer.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { Controller, ControllerContext } from '../manager.js';
import { controllerRefOf, isPodReady } from '../pods.js';
import { conditionsUpToDate, DELETION_TIMEOUT_MS, DISRUPTION_ALLOWED, scaledValue, setCondition, SYNC_FAILED, updateDisruptionAllowedCondition, type PdbObject } from './pdb-status.js';
import { ScaleFinders } from './scale-finders.js';

type PodObject = Pod & KubeObject;

const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' };

/** The budgets of the pod's namespace that select it (policy/v1: an empty selector selects all). */
function budgetsFor(pdbs: readonly PdbObject[], pod: PodObject): PdbObject[] {
  return pdbs.filter((pdb) => {
    try {
      return matches(selectorFromLabelSelector(pdb.spec?.selector), pod.metadata?.labels);
    } catch {
      return false;
    }
  });
}

export class DisruptionController extends LoopingController implements Controller {
  private readonly client: KubeClient;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly pdbs: Informer<PdbObject>;
  private readonly pods: Informer<PodObject>;
  private readonly finders: ScaleFinders;
  private readonly queue: WorkQueue<string>;
  protected readonly loop: ControllerLoop;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super();
    this.client = ctx.client;
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.queue = new WorkQueue(ctx.clock);
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'controllermanager' }, ctx.log);
    this.pdbs = ctx.informers.informer<PdbObject>({ resource: PDBS });
    this.pods = ctx.informers.informer<PodObject>({ resource: { group: '', version: 'v1', resource: 'pods' } });
    this.finders = new ScaleFinders(ctx.client, ctx.informers);
    const enqueue = (p: PdbObject) => this.queue.add(objectKey(p));
    this.pdbs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    this.pods.addEventHandler({ onAdd: (p) => this.onPod(p), onUpdate: (_o, p) => this.onPod(p), onDelete: (p) => this.onPod(p) });
    this.loop = new ControllerLoop([this.pdbs, this.pods, ...this.finders.informers], [{ queue: this.queue, reconcile: (k) => this.sync(k) }], ctx.log);
  }

  /** getPdbForPod: a pod matched by several budgets is reported (MultiplePodDisruptionBudgets); all of them are synced. */
  private onPod(pod: PodObject): void {
    const pdbs = budgetsFor(this.pdbs.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? ''), pod);
    if (pdbs.length > 1) {
      const msg = `Pod ${JSON.stringify(pod.metadata?.namespace)}/${JSON.stringify(pod.metadata?.name)} matches multiple PodDisruptionBudgets.  Chose ${JSON.stringify(pdbs[0]!.metadata?.name)} arbitrarily.`;
      void this.recorder.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', msg);
    }
    for (const pdb of pdbs) this.queue.add(objectKey(pdb));
  }

  /** sync: trySync, with the fail-safe status on errors other than conflicts. */
  async sync(key: string): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const pdb = this.pdbs.get(namespace, name);
    if (!pdb) return;
    try {
      return await this.trySync(pdb);
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) throw err;
      this.log.error({ err, ns: namespace, name }, 'failed to sync PDB');
      // As upstream, a fail-safe status that was written ends the sync; the next event retries.
      await this.failSafe(pdb, err as Error);
    }
  }

  private async trySync(pdb: PdbObject): Promise<ReconcileResult> {
    let pods: PodObject[];
    try {
      const sel = selectorFromLabelSelector(pdb.spec?.selector);
      pods = this.pods.byIndex(NAMESPACE_INDEX, pdb.metadata!.namespace!).filter((p) => matches(sel, p.metadata?.labels));
    } catch (err) {
      void this.recorder.event(pdb, 'Warning', 'NoPods', `Failed to get pods: ${(err as Error).message}`);
      throw err;
    }
    if (pods.length === 0) void this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let expected: { expectedCount: number; desiredHealthy: number; unmanaged: string[] };
    try {
      expected = await this.expectedPodCount(pdb, pods);
    } catch (err) {
      void this.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      throw err;
    }
    if (expected.unmanaged.length) {
      const sel = JSON.stringify(pdb.spec?.selector ?? null);
      void this.recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${sel}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    const now = this.clock.now();
    const { disrupted, recheckAt } = this.disruptedPodMap(pods, pdb, now);
    const currentHealthy = countHealthy(pods, disrupted, now);
    await this.updateStatus(pdb, currentHealthy, expected.desiredHealthy, expected.expectedCount, disrupted);
    if (recheckAt !== undefined) return { requeueAfterMs: Math.max(1, recheckAt - now) };
  }

  /** getExpectedPodCount. */
  private async expectedPodCount(pdb: PdbObject, pods: PodObject[]): Promise<{ expectedCount: number; desiredHealthy: number; unmanaged: string[] }> {
    const { maxUnavailable, minAvailable } = pdb.spec ?? {};
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      const { count, unmanaged } = await this.expectedScale(pods);
      return { expectedCount: count, desiredHealthy: Math.max(0, count - scaledValue(maxUnavailable, count)), unmanaged };
    }
    if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanaged: [] };
    if (typeof minAvailable === 'string') {
      const { count, unmanaged } = await this.expectedScale(pods);
      return { expectedCount: count, desiredHealthy: scaledValue(minAvailable, count), unmanaged };
    }
    return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
  }

  /** getExpectedScale: the sum of the replicas of the pods' distinct controllers; pods without one are unmanaged. */
  private async expectedScale(pods: PodObject[]): Promise<{ count: number; unmanaged: string[] }> {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = controllerRefOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata!.name!);
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const found = await this.finders.find(ref, pod.metadata!.namespace!);
      if (!found) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata!.name)}`);
      scales.set(found.uid, found.scale);
    }
    let count = 0;
    for (const n of scales.values()) count += n;
    return { count, unmanaged };
  }

  /** buildDisruptedPodMap: entries younger than the deletion timeout for pods not yet being deleted. */
  private disruptedPodMap(pods: PodObject[], pdb: PdbObject, now: number): { disrupted: Record<string, string>; recheckAt?: number } {
    const recorded = pdb.status?.disruptedPods;
    const disrupted: Record<string, string> = {};
    let recheckAt: number | undefined;
    if (!recorded) return { disrupted };
    for (const pod of pods) {
      if (pod.metadata?.deletionTimestamp) continue;
      const at = recorded[pod.metadata!.name!];
      if (!at) continue;
      const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (expectedDeletion < now) {
        void this.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata!.namespace}/${pdb.metadata!.name} to be deleted but it wasn't`);
      } else {
        if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
        disrupted[pod.metadata!.name!] = at;
      }
    }
    return { disrupted, recheckAt };
  }

  /** updatePdbStatus: writes only when something changed. */
  private async updateStatus(pdb: PdbObject, currentHealthy: number, desiredHealthy: number, expectedPods: number, disruptedPods: Record<string, string>): Promise<void> {
    let disruptionsAllowed = currentHealthy - desiredHealthy;
    if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
    const st = pdb.status;
    const generation = pdb.metadata?.generation ?? 0;
    if (
      st &&
      st.currentHealthy === currentHealthy &&
      st.desiredHealthy === desiredHealthy &&
      st.expectedPods === expectedPods &&
      st.disruptionsAllowed === disruptionsAllowed &&
      sameMap(st.disruptedPods, disruptedPods) &&
      (st.observedGeneration ?? 0) === generation &&
      conditionsUpToDate(pdb)
    )
      return;
    const status: PodDisruptionBudgetStatus = {
      currentHealthy,
      desiredHealthy,
      expectedPods,
      disruptionsAllowed,
      observedGeneration: generation,
      conditions: structuredClone(st?.conditions ?? []),
    };
    if (Object.keys(disruptedPods).length) status.disruptedPods = disruptedPods;
    updateDisruptionAllowedCondition(status, this.clock.now());
    await this.client.update<PdbObject>({ ...PDBS, namespace: pdb.metadata!.namespace, name: pdb.metadata!.name, subresource: 'status' }, { ...pdb, status });
  }

  /** failSafe: no disruptions while the budget cannot be computed (throws when even that cannot be written). */
  private async failSafe(pdb: PdbObject, err: Error): Promise<void> {
    const status = structuredClone(pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 });
    status.disruptionsAllowed = 0;
    status.conditions ??= [];
    setCondition(status.conditions, { type: DISRUPTION_ALLOWED, status: 'False', reason: SYNC_FAILED, message: err.message, observedGeneration: status.observedGeneration ?? 0 }, this.clock.now());
    await this.client.update<PdbObject>({ ...PDBS, namespace: pdb.metadata!.namespace, name: pdb.metadata!.name, subresource: 'status' }, { ...pdb, status });
  }
}

/** countHealthyPods: ready pods neither being deleted nor recently evicted. */
function countHealthy(pods: PodObject[], disrupted: Record<string, string>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata!.name!];
    if (at && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a![k] === b[k]);
}
