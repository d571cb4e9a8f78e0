/**
 * autoscaling/v1 horizontalpodautoscalers: the v1 shape (one CPU utilization target) as a view of
 * the v2 form, with the conversions of pkg/apis/autoscaling/v1/conversion.go (other metrics,
 * current metrics and conditions travel in `autoscaling.alpha.kubernetes.io/*` annotations).
 * Validation and defaults run on the converted v2 form, so error paths are v2's
 * (`spec.metrics[0].resource.target.averageUtilization`), as upstream reports them.
 * Objects are stored as autoscaling/v2 (upstream's storage version) and converted on the way in
 * and out by the generic store (`storage`).
 */
import type { KObject, ResourceDef, ResourceStrategy, StorageConversion } from '../resource.js';
import { defaultHPA, hpaColumns } from './horizontalpodautoscalers.js';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from './hpa-types.js';
import { validateHPA } from './hpa-validation.js';

/** The v1 shape. */
export interface HorizontalPodAutoscalerV1 extends KObject {
  spec?: { scaleTargetRef?: { kind?: string; name?: string; apiVersion?: string }; minReplicas?: number; maxReplicas?: number; targetCPUUtilizationPercentage?: number };
  status?: { observedGeneration?: number; lastScaleTime?: string; currentReplicas?: number; desiredReplicas?: number; currentCPUUtilizationPercentage?: number };
}

const METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';

const isCpuUtilization = (m: MetricSpec) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.averageUtilization != null;

function parseAnnotation<T>(meta: KObject['metadata'], key: string): T | undefined {
  const raw = meta?.annotations?.[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

/** Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler. */
export function hpaV1ToV2(v1: HorizontalPodAutoscalerV1): HorizontalPodAutoscaler {
  const { spec = {}, status, metadata, ...rest } = structuredClone(v1);
  const meta = metadata ? { ...metadata } : undefined;
  const metrics: MetricSpec[] = [];
  if (spec.targetCPUUtilizationPercentage != null) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  metrics.push(...(parseAnnotation<MetricSpec[]>(meta, METRICS) ?? []));
  const behavior = parseAnnotation<NonNullable<HorizontalPodAutoscaler['spec']>['behavior']>(meta, BEHAVIOR);
  const current = parseAnnotation<MetricStatus[]>(meta, CURRENT) ?? [];
  const conditions = parseAnnotation<NonNullable<HorizontalPodAutoscaler['status']>['conditions']>(meta, CONDITIONS);
  if (meta?.annotations) {
    const ann = { ...meta.annotations };
    for (const k of [METRICS, CURRENT, CONDITIONS, BEHAVIOR]) delete ann[k];
    if (Object.keys(ann).length) meta.annotations = ann;
    else delete meta.annotations;
  }
  const out: HorizontalPodAutoscaler = { ...rest, apiVersion: 'autoscaling/v2', ...(meta ? { metadata: meta } : {}) };
  out.spec = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, ...(metrics.length ? { metrics } : {}), ...(behavior ? { behavior } : {}) };
  if (status) {
    const { currentCPUUtilizationPercentage: cpu, ...s } = status;
    const cur: MetricStatus[] = cpu != null ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpu } } }, ...current] : current;
    out.status = { ...s, ...(cur.length ? { currentMetrics: cur } : {}), ...(conditions ? { conditions } : {}) };
  }
  return dropUndefined(out);
}

/** Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler. */
export function hpaV2ToV1(v2: HorizontalPodAutoscaler): HorizontalPodAutoscalerV1 {
  const { spec = {}, status, metadata, ...rest } = structuredClone(v2);
  const ann: Record<string, string> = { ...(metadata?.annotations ?? {}) };
  const cpu = (spec.metrics ?? []).find(isCpuUtilization);
  const others = (spec.metrics ?? []).filter((m) => m !== cpu);
  if (others.length) ann[METRICS] = JSON.stringify(others);
  if (spec.behavior) ann[BEHAVIOR] = JSON.stringify(spec.behavior);
  const out: HorizontalPodAutoscalerV1 = { ...rest, apiVersion: 'autoscaling/v1' };
  out.spec = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization };
  if (status) {
    const { currentMetrics = [], conditions, ...s } = status;
    const curCpu = currentMetrics.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
    const curOthers = currentMetrics.filter((m) => m !== curCpu);
    if (curOthers.length) ann[CURRENT] = JSON.stringify(curOthers);
    if (conditions?.length) ann[CONDITIONS] = JSON.stringify(conditions);
    out.status = { ...s, currentCPUUtilizationPercentage: curCpu?.resource?.current?.averageUtilization };
  }
  if (metadata || Object.keys(ann).length) out.metadata = { ...metadata, ...(Object.keys(ann).length ? { annotations: ann } : {}) };
  return dropUndefined(out);
}

function dropUndefined<T extends KObject>(o: T): T {
  for (const part of [o.spec, o.status] as (Record<string, unknown> | undefined)[]) if (part) for (const k of Object.keys(part)) if (part[k] === undefined) delete part[k];
  return o;
}

/** The v1 strategy: defaults and validation of the v2 form, written back in v1 shape. */
export const hpaV1Strategy = {
  defaults(hpa) {
    const v2 = hpaV1ToV2(hpa);
    defaultHPA(v2);
    const back = hpaV2ToV1(v2);
    hpa.spec = back.spec;
    if (back.metadata?.annotations) (hpa.metadata ??= {}).annotations = back.metadata.annotations;
  },
  validate: (hpa) => validateHPA(hpaV1ToV2(hpa)),
} satisfies ResourceStrategy<HorizontalPodAutoscalerV1>;

/** v1 ↔ the stored v2 form; objects stored by other versions of the server are v2 as well. */
const storedAsV2: StorageConversion = {
  synchronous: true,
  toStorage: (obj) => hpaV1ToV2(obj as HorizontalPodAutoscalerV1),
  fromStorage: (objs) => objs.map((o) => (o.apiVersion === 'autoscaling/v1' ? o : hpaV2ToV1(o as HorizontalPodAutoscaler))),
};

/** The autoscaling/v1 `horizontalpodautoscalers` resource, stored as v2. */
export const horizontalpodautoscalersV1: ResourceDef = {
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: { status: true },
  printerColumns: hpaColumns((o) => hpaV1ToV2(o as HorizontalPodAutoscalerV1)),
  storage: storedAsV2,
  strategy: hpaV1Strategy as ResourceStrategy,
};
