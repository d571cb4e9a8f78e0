/**
 * autoscaling/v2 horizontalpodautoscalers (the preferred version in 1.32), as
 * pkg/registry/autoscaling/horizontalpodautoscaler and pkg/apis/autoscaling/v2/defaults.go:
 * minReplicas defaults to 1, no metrics means 80% CPU utilization, a given behavior gets the
 * default scale-up (4 pods or 100% per 15s, no window) and scale-down (100% per 15s) rules for
 * what it leaves out; status starts empty and is written through /status; printHorizontalPodAutoscaler's
 * columns with formatHPAMetrics' TARGETS cell.
 */
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { quantityText } from '../storage/quantities.js';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, ScalingRules } from './hpa-types.js';
import { validateHPA } from './hpa-validation.js';

/** autoscaling.DefaultCPUUtilization. */
export const DEFAULT_CPU_UTILIZATION = 80;

const SCALE_UP: ScalingRules = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
const SCALE_DOWN: ScalingRules = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** copyHPAScalingRules over the defaults: fields the user set win. */
function withDefaults(given: ScalingRules | undefined, defaults: ScalingRules): ScalingRules {
  const out = structuredClone(defaults);
  if (given?.selectPolicy != null) out.selectPolicy = given.selectPolicy;
  if (given?.stabilizationWindowSeconds != null) out.stabilizationWindowSeconds = given.stabilizationWindowSeconds;
  if (given?.policies != null) out.policies = given.policies;
  return out;
}

/** SetDefaults_HorizontalPodAutoscaler (v2). */
export function defaultHPA(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= {});
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  if (spec.behavior) {
    spec.behavior.scaleUp = withDefaults(spec.behavior.scaleUp, SCALE_UP);
    spec.behavior.scaleDown = withDefaults(spec.behavior.scaleDown, SCALE_DOWN);
  }
}

/** The HorizontalPodAutoscaler (v2) strategy. */
export const hpaStrategy = {
  defaults: defaultHPA,
  validate: validateHPA,
} satisfies ResourceStrategy<HorizontalPodAutoscaler>;

const pct = (n: number | undefined) => (n == null ? undefined : `${n}%`);

function metricCell(spec: MetricSpec, status: MetricStatus | undefined): string {
  const unknown = '<unknown>';
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const src = spec.type === 'External' ? spec.external : spec.object;
      const cur = spec.type === 'External' ? status?.external?.current : status?.object?.current;
      if (src?.target?.averageValue != null) return `${cur?.averageValue != null ? quantityText(cur.averageValue) : unknown}/${quantityText(src.target.averageValue)} (avg)`;
      return `${cur ? quantityText(cur.value) : unknown}/${quantityText(src?.target?.value)}`;
    }
    case 'Pods':
      return `${status?.pods ? quantityText(status.pods.current?.averageValue) : unknown}/${quantityText(spec.pods?.target?.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const cur = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      const prefix = spec.type === 'Resource' ? `${src?.name ?? ''}: ` : '';
      if (src?.target?.averageValue != null) return `${prefix}${cur ? quantityText(cur.current?.averageValue) : unknown}/${quantityText(src.target.averageValue)}`;
      return `${prefix}${pct(cur?.current?.averageUtilization) ?? unknown}/${pct(src?.target?.averageUtilization) ?? '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: `current/target` per metric, at most two, then `+ N more...`; `<none>` without metrics. */
export function formatHPAMetrics(specs: MetricSpec[] | undefined, statuses: MetricStatus[] | undefined): string {
  const list = (specs ?? []).map((s, i) => metricCell(s ?? {}, statuses?.[i]));
  if (!list.length) return '<none>';
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

const h = (o: KObject) => o as HorizontalPodAutoscaler;

/** printHorizontalPodAutoscaler's columns, shared by v1 (through its v2 form) and v2. */
export function hpaColumns(toV2: (o: KObject) => HorizontalPodAutoscaler = h): ResourceDef['printerColumns'] {
  return [
    column('Reference', (o) => `${toV2(o).spec?.scaleTargetRef?.kind ?? ''}/${toV2(o).spec?.scaleTargetRef?.name ?? ''}`, { description: 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.' }),
    column('Targets', (o) => formatHPAMetrics(toV2(o).spec?.metrics, toV2(o).status?.currentMetrics), { description: 'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.' }),
    column('MinPods', (o) => (toV2(o).spec?.minReplicas != null ? String(toV2(o).spec!.minReplicas) : '<unset>'), { description: 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. It defaults to 1 pod.' }),
    column('MaxPods', (o) => toV2(o).spec?.maxReplicas ?? 0, { description: 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.' }),
    column('Replicas', (o) => toV2(o).status?.currentReplicas ?? 0, { description: 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.' }),
    ageColumn,
  ];
}

/** The autoscaling/v2 `horizontalpodautoscalers` resource. */
export const horizontalpodautoscalers: ResourceDef = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: { status: true },
  printerColumns: hpaColumns(),
  strategy: hpaStrategy as ResourceStrategy,
};
