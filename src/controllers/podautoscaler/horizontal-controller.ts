/**
 * The HorizontalPodAutoscaler controller (`horizontal-pod-autoscaler`, pkg/controller/podautoscaler
 * horizontal.go), for autoscaling/v2 HPAs with Resource metrics (cpu and memory, AverageUtilization
 * and AverageValue targets). Every HPA is synced every 15 s on the injected clock (a new or changed
 * HPA waits for its next slot, as upstream's fixed-interval queue): read the target's scale
 * subresource (deployments, replicasets, statefulsets, replicationcontrollers), compute a proposal
 * per metric from the pods its selector matches (replica-calculator.ts over the simulated metrics of
 * metrics.ts: pod annotations `eksplane.io/cpu-usage` / `eksplane.io/memory-usage`), take the
 * largest, clamp to min/max replicas, stabilize and rate-limit (behavior.ts), write the scale and
 * record SuccessfulRescale "New size: N; reason: …", then write status (currentReplicas,
 * desiredReplicas, currentMetrics, lastScaleTime, conditions AbleToScale / ScalingActive /
 * ScalingLimited with upstream's reasons and messages) when it changed.
 */
import type { MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import { matches, parseLabelSelector } from '../../apimachinery/labels.js';
import { canonicalQuantity, newQuantity, parseQuantity, quantityMilliValue } from '../../apimachinery/quantity.js';
import { rfc3339 } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { EventRecorder } from '../../kubeclient/events.js';
import { NAMESPACE_INDEX, type Informer } from '../../kubeclient/informer.js';
import { objectKey, parseApiVersion, type KubeObject, type ResourceRef } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { Controller, ControllerContext } from '../manager.js';
import type { PodObject } from '../node-lifecycle/objects.js';
import { newHistory, normalizeWithBehavior, normalizeWithoutBehavior, storeScaleEvent, type ScalingHistory } from './behavior.js';
import { sameJson, setCondition, type Hpa } from './hpa-status.js';
import { resourceMetrics } from './metrics.js';
import { rawResourceReplicas, REPLICA_CALC_DEFAULTS, resourceReplicas, type ReplicaCalcConfig } from './replica-calculator.js';

/** kube-controller-manager's HPA defaults. */
export const HPA_DEFAULTS = { syncPeriodMs: 15_000, downscaleStabilizationMs: 300_000, ...REPLICA_CALC_DEFAULTS };
export type HpaConfig = typeof HPA_DEFAULTS;

const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };

/** Scale-subresource targets by group and kind (the REST mapping the controller needs). */
const SCALE_TARGETS: Record<string, string> = {
  'apps/Deployment': 'deployments',
  'apps/ReplicaSet': 'replicasets',
  'apps/StatefulSet': 'statefulsets',
  '/ReplicationController': 'replicationcontrollers',
};

interface Scale extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

/** One metric's outcome: a proposal, or the ScalingActive=False verdict and the error. */
type MetricOutcome = { replicas: number; name: string; status: MetricStatus } | { error: string; reason: string };

export class HorizontalController extends LoopingController implements Controller {
  private readonly cfg: HpaConfig;
  private readonly log: Logger;
  private readonly hpas: Informer<Hpa>;
  private readonly pods: Informer<PodObject>;
  private readonly queue: WorkQueue<string>;
  protected readonly loop: ControllerLoop;
  private readonly recorder: EventRecorder;
  private readonly history = new Map<string, ScalingHistory>();

  constructor(
    private readonly ctx: ControllerContext,
    config: Partial<HpaConfig> = {},
  ) {
    super();
    this.cfg = { ...HPA_DEFAULTS, ...config };
    this.log = ctx.log;
    this.hpas = ctx.informers.informer<Hpa>({ resource: HPAS });
    this.pods = ctx.informers.informer<PodObject>({ resource: { group: '', version: 'v1', resource: 'pods' } });
    this.queue = new WorkQueue(ctx.clock);
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'horizontal-pod-autoscaler' }, ctx.log);
    const enqueue = (h: Hpa) => this.queue.addAfter(objectKey(h), this.cfg.syncPeriodMs);
    this.hpas.addEventHandler({ onAdd: enqueue, onUpdate: (_, h) => enqueue(h), onDelete: (h) => this.queue.forget(objectKey(h)) });
    this.loop = new ControllerLoop([this.hpas, this.pods], [{ queue: this.queue, reconcile: (key) => this.reconcileKey(key) }], ctx.log, 1);
  }

  private async reconcileKey(key: string): Promise<ReconcileResult> {
    const cached = this.hpas.getByKey(key);
    if (!cached) {
      this.history.delete(key);
      return;
    }
    try {
      await this.reconcile(structuredClone(cached), key);
    } catch (err) {
      this.log.warn({ err, ns: cached.metadata?.namespace, name: cached.metadata?.name }, 'horizontal pod autoscaler sync failed');
    }
    return { requeueAfterMs: this.cfg.syncPeriodMs };
  }

  /** reconcileAutoscaler. */
  private async reconcile(hpa: Hpa, key: string): Promise<void> {
    const now = this.ctx.clock.now();
    const original = structuredClone(hpa.status);
    const ns = hpa.metadata!.namespace!;
    const target = hpa.spec!.scaleTargetRef;
    const reference = `${target.kind}/${ns}/${target.name}`;
    const { group } = parseApiVersion(target.apiVersion ?? '');
    const resource = SCALE_TARGETS[`${group}/${target.kind}`];
    const scaleRef: ResourceRef = { group, version: 'v1', resource: resource ?? '', namespace: ns, name: target.name, subresource: 'scale' };
    let scale: Scale;
    try {
      if (!resource) throw new Error(`no matches for kind "${target.kind}" in group "${group}"`);
      scale = await this.ctx.client.get<Scale>(scaleRef);
    } catch (err) {
      const msg = (err as Error).message;
      void this.recorder.event(hpa, 'Warning', 'FailedGetScale', msg);
      setCondition(hpa, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${msg}`, now);
      await this.updateStatusIfNeeded(original, hpa);
      throw new Error(`failed to query scale subresource for ${reference}: ${msg}`);
    }
    setCondition(hpa, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", now);
    const current = scale.spec?.replicas ?? 0;
    let history = this.history.get(key);
    if (!history) this.history.set(key, (history = newHistory()));
    if (!history.recommendations.length) history.recommendations.push({ replicas: current, at: now });

    const min = hpa.spec!.minReplicas ?? 1;
    const max = hpa.spec!.maxReplicas;
    let desired = 0;
    let reason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] | undefined;
    if (current === 0 && min !== 0) {
      rescale = false;
      setCondition(hpa, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', now);
    } else if (current > max) {
      reason = 'Current number of replicas above Spec.MaxReplicas';
      desired = max;
    } else if (current < min) {
      reason = 'Current number of replicas below Spec.MinReplicas';
      desired = min;
    } else {
      const computed = this.computeReplicasForMetrics(hpa, scale, now);
      if ('error' in computed) {
        this.setStatus(hpa, current, hpa.status?.desiredReplicas ?? 0, hpa.status?.currentMetrics ?? undefined, false, now);
        await this.updateStatusIfNeeded(original, hpa);
        void this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error);
        throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${computed.error}`);
      }
      metricStatuses = computed.statuses;
      desired = computed.replicas;
      if (desired > current) reason = `${computed.metric} above target`;
      if (desired < current) reason = 'All metrics below target';
      const n = hpa.spec!.behavior
        ? normalizeWithBehavior(history, hpa.spec!.behavior, current, desired, min, max, now, this.cfg.downscaleStabilizationMs)
        : normalizeWithoutBehavior(history, current, desired, min, max, now, this.cfg.downscaleStabilizationMs);
      setCondition(hpa, 'AbleToScale', 'True', n.ableToScale.reason, n.ableToScale.message, now);
      setCondition(hpa, 'ScalingLimited', n.scalingLimited.limited ? 'True' : 'False', n.scalingLimited.reason, n.scalingLimited.message, now);
      desired = n.replicas;
      rescale = desired !== current;
    }

    if (rescale) {
      try {
        await this.ctx.client.update(scaleRef, { ...scale, spec: { ...scale.spec, replicas: desired } });
      } catch (err) {
        const msg = (err as Error).message;
        void this.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${msg}`);
        setCondition(hpa, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`, now);
        this.setStatus(hpa, current, hpa.status?.desiredReplicas ?? 0, hpa.status?.currentMetrics ?? undefined, false, now);
        await this.updateStatusIfNeeded(original, hpa);
        throw new Error(`failed to rescale ${reference}: ${msg}`);
      }
      setCondition(hpa, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`, now);
      void this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      storeScaleEvent(history, hpa.spec!.behavior, current, desired, now);
      this.log.info({ ns, name: hpa.metadata?.name, from: current, to: desired, reason }, 'successful rescale');
    } else {
      desired = current;
    }
    this.setStatus(hpa, current, desired, metricStatuses, rescale, now);
    await this.updateStatusIfNeeded(original, hpa);
  }

  /** computeReplicasForMetrics: the largest proposal over the metrics, or the first error when all fail. */
  private computeReplicasForMetrics(hpa: Hpa, scale: Scale, now: number): { replicas: number; metric: string; statuses: MetricStatus[] } | { error: string } {
    const selectorText = scale.status?.selector;
    if (!selectorText) {
      void this.recorder.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      setCondition(hpa, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector", now);
      return { error: 'selector is required' };
    }
    let selector;
    try {
      selector = parseLabelSelector(selectorText);
    } catch (err) {
      const msg = `couldn't convert selector into a corresponding internal selector object: ${(err as Error).message}`;
      void this.recorder.event(hpa, 'Warning', 'InvalidSelector', msg);
      setCondition(hpa, 'ScalingActive', 'False', 'InvalidSelector', msg, now);
      return { error: msg };
    }
    const pods = this.pods.byIndex(NAMESPACE_INDEX, hpa.metadata!.namespace!).filter((p) => matches(selector, p.metadata?.labels));
    const specs = hpa.spec!.metrics ?? [];
    const statuses: MetricStatus[] = [];
    let best: { replicas: number; name: string } | undefined;
    let firstError: { error: string; reason: string } | undefined;
    let invalid = 0;
    for (const spec of specs) {
      const out = this.computeForMetric(spec, scale.spec?.replicas ?? 0, pods, now);
      if ('error' in out) {
        void this.recorder.event(hpa, 'Warning', out.reason, out.error);
        firstError ??= out;
        invalid++;
        continue;
      }
      statuses.push(out.status);
      if (!best || out.replicas > best.replicas) best = out;
    }
    if (!best || invalid >= specs.length) {
      const e = firstError ?? { error: 'no metrics', reason: 'InvalidMetricSourceType' };
      setCondition(hpa, 'ScalingActive', 'False', e.reason, `the HPA was unable to compute the replica count: ${e.error}`, now);
      return { error: `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${e.error}` };
    }
    setCondition(hpa, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${best.name}`, now);
    return { replicas: best.replicas, metric: best.name, statuses };
  }

  /** computeStatusForResourceMetric (the only source type simulated here). */
  private computeForMetric(spec: MetricSpec, current: number, pods: PodObject[], now: number): MetricOutcome {
    if (spec.type !== 'Resource' || !spec.resource) return { error: `unknown metric source type "${spec.type}"`, reason: 'InvalidMetricSourceType' };
    const { name, target } = spec.resource;
    const cfg: ReplicaCalcConfig = this.cfg;
    try {
      if (target.averageValue !== undefined) {
        const targetMilli = quantityMilliValue(parseQuantity(target.averageValue));
        try {
          const r = rawResourceReplicas(current, targetMilli, name, pods, resourceMetrics(pods, name, now), now, cfg);
          return { replicas: r.replicas, name: `${name} resource`, status: { type: 'Resource', resource: { name, current: { averageValue: milliQuantity(r.usage) } } } };
        } catch (err) {
          throw new Error(`failed to get ${name} usage: ${(err as Error).message}`);
        }
      }
      if (target.averageUtilization === undefined) throw new Error('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
      try {
        const r = resourceReplicas(current, target.averageUtilization, name, pods, resourceMetrics(pods, name, now), now, cfg);
        return {
          replicas: r.replicas,
          name: `${name} resource utilization (percentage of request)`,
          status: { type: 'Resource', resource: { name, current: { averageUtilization: r.utilization, averageValue: milliQuantity(r.rawAverage) } } },
        };
      } catch (err) {
        throw new Error(`failed to get ${name} utilization: ${(err as Error).message}`);
      }
    } catch (err) {
      return { error: (err as Error).message, reason: 'FailedGetResourceMetric' };
    }
  }

  /** setStatus: recreates the status, stamping lastScaleTime on a rescale. */
  private setStatus(hpa: Hpa, current: number, desired: number, metrics: MetricStatus[] | undefined, rescale: boolean, now: number): void {
    const prev = hpa.status ?? { desiredReplicas: 0 };
    hpa.status = {
      ...(prev.observedGeneration !== undefined ? { observedGeneration: prev.observedGeneration } : {}),
      currentReplicas: current,
      desiredReplicas: desired,
      ...(rescale ? { lastScaleTime: rfc3339(now) } : prev.lastScaleTime ? { lastScaleTime: prev.lastScaleTime } : {}),
      ...(metrics?.length ? { currentMetrics: metrics } : {}),
      ...(prev.conditions ? { conditions: prev.conditions } : {}),
    };
  }

  private async updateStatusIfNeeded(original: Hpa['status'], hpa: Hpa): Promise<void> {
    if (sameJson(original, hpa.status)) return;
    try {
      await this.ctx.client.update({ ...HPAS, namespace: hpa.metadata!.namespace, name: hpa.metadata!.name, subresource: 'status' }, hpa);
    } catch (err) {
      void this.recorder.event(hpa, 'Warning', 'FailedUpdateStatus', (err as Error).message);
      throw new Error(`failed to update status for ${hpa.metadata?.name}: ${(err as Error).message}`);
    }
  }
}

/** A milli-value as a canonical quantity string (resource.NewMilliQuantity(v, DecimalSI)). */
function milliQuantity(milli: number): string {
  return canonicalQuantity(newQuantity(milli, -3));
}
