/**
 * ValidateHorizontalPodAutoscaler of pkg/apis/autoscaling/validation on the v2 (internal) form:
 * replica bounds, the scale target reference, each metric source (exactly the one its type
 * names, with a usable target), and the scaling behavior's rules and policies.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { validateLabelSelector } from '../../../apimachinery/labels.js';
import { forbidden, invalid, notSupported, required } from '../core/field-errors.js';
import { pathSegmentErrors } from '../rbac/rules.js';
import { tryQuantity } from '../storage/quantities.js';
import type { CrossVersionObjectReference, HorizontalPodAutoscaler, MetricIdentifier, MetricSpec, MetricTarget, ScalingRules } from './hpa-types.js';

const SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_FIELD: Record<string, keyof MetricSpec> = { Object: 'object', Pods: 'pods', Resource: 'resource', ContainerResource: 'containerResource', External: 'external' };
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
const MAX_PERIOD = 1800;
const MAX_WINDOW = 3600;

/** ValidateCrossVersionObjectReference. */
export function validateReference(ref: CrossVersionObjectReference | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name'] as const) {
    const v = ref?.[f] ?? '';
    if (!v) errs.push(required(`${path}.${f}`));
    else for (const m of pathSegmentErrors(v)) errs.push(invalid(`${path}.${f}`, v, m));
  }
  return errs;
}

const positive = (v: string | number | undefined) => {
  const q = tryQuantity(v);
  return !q || q.mantissa > 0n;
};

function validateTarget(t: MetricTarget | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = t?.type ?? '';
  if (!type) errs.push(required(`${path}.type`, 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  if (t?.value != null && !positive(t.value)) errs.push(invalid(`${path}.value`, t.value, 'must be positive'));
  if (t?.averageValue != null && !positive(t.averageValue)) errs.push(invalid(`${path}.averageValue`, t.averageValue, 'must be positive'));
  if (t?.averageUtilization != null && t.averageUtilization < 1) errs.push(invalid(`${path}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateIdentifier(id: MetricIdentifier | undefined, path: string): FieldError[] {
  const name = id?.name ?? '';
  const errs = name ? pathSegmentErrors(name).map((m) => invalid(`${path}.name`, name, m)) : [required(`${path}.name`, 'must specify a metric name')];
  return [...errs, ...validateLabelSelector(id?.selector, `${path}.selector`)];
}

function validateSource(kind: keyof MetricSpec, m: MetricSpec, path: string): FieldError[] {
  const t = (m[kind] as { target?: MetricTarget } | undefined)?.target;
  const tp = `${path}.target`;
  const errs: FieldError[] = [];
  if (kind === 'resource' || kind === 'containerResource') {
    const src = m[kind]!;
    if (!src.name) errs.push(required(`${path}.name`, 'must specify a resource name'));
    if (kind === 'containerResource' && !m.containerResource?.container) errs.push(required(`${path}.container`, 'must specify a container'));
    errs.push(...validateTarget(t, tp));
    if (t?.averageUtilization == null && t?.averageValue == null) errs.push(required(`${tp}.averageUtilization`, 'must set either a target raw value or a target utilization'));
    if (t?.averageUtilization != null && t?.averageValue != null) errs.push(forbidden(`${tp}.averageValue`, 'may not set both a target raw value and a target utilization'));
    return errs;
  }
  if (kind === 'object') errs.push(...validateReference(m.object?.describedObject, `${path}.describedObject`));
  errs.push(...validateIdentifier((m[kind] as { metric?: MetricIdentifier }).metric, `${path}.metric`), ...validateTarget(t, tp));
  if (kind === 'pods' && t?.averageValue == null) errs.push(required(`${tp}.averageValue`, 'must specify a positive target averageValue'));
  if (kind === 'object' && t?.value == null && t?.averageValue == null) errs.push(required(`${tp}.averageValue`, 'must set either a target value or averageValue'));
  if (kind === 'external') {
    if (t?.value == null && t?.averageValue == null) errs.push(required(`${tp}.averageValue`, 'must set either a target value for metric or a per-pod target'));
    if (t?.value != null && t?.averageValue != null) errs.push(forbidden(`${tp}.value`, 'may not set both a target value for metric and a per-pod target'));
  }
  return errs;
}

function validateMetric(m: MetricSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = m.type ?? '';
  if (!type) errs.push(required(`${path}.type`, 'must specify a metric source type'));
  if (!SOURCE_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, SOURCE_TYPES));
  const present = (['object', 'external', 'pods', 'resource', 'containerResource'] as const).filter((k) => m[k] != null);
  if (present[0]) errs.push(...validateSource(present[0], m, `${path}.${present[0]}`));
  const expected = SOURCE_FIELD[type];
  if (expected) {
    if (m[expected] == null) errs.push(required(`${path}.${expected}`, 'must populate information for the given metric source'));
  } else errs.push(notSupported(`${path}.type`, type, SOURCE_TYPES));
  if (present.length !== 1) for (const k of present.filter((p) => p !== expected)) errs.push(forbidden(`${path}.${k}`, 'must populate the given metric source only'));
  return errs;
}

function validateRules(r: ScalingRules | undefined, path: string): FieldError[] {
  if (!r) return [];
  const errs: FieldError[] = [];
  const w = r.stabilizationWindowSeconds;
  if (w != null && w < 0) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'));
  if (w != null && w > MAX_WINDOW) errs.push(invalid(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${MAX_WINDOW}`));
  if (r.selectPolicy != null && !SELECT_POLICIES.includes(r.selectPolicy)) errs.push(notSupported(`${path}.selectPolicy`, r.selectPolicy, SELECT_POLICIES));
  if (!r.policies?.length) errs.push(required(`${path}.policies`, 'must specify at least one Policy'));
  (r.policies ?? []).forEach((p, i) => {
    const at = `${path}.policies[${i}]`;
    if (!POLICY_TYPES.includes(p?.type ?? '')) errs.push(notSupported(`${at}.type`, p?.type ?? '', POLICY_TYPES));
    if ((p?.value ?? 0) <= 0) errs.push(invalid(`${at}.value`, p?.value ?? 0, 'must be greater than zero'));
    const period = p?.periodSeconds ?? 0;
    if (period <= 0) errs.push(invalid(`${at}.periodSeconds`, period, 'must be greater than zero'));
    if (period > MAX_PERIOD) errs.push(invalid(`${at}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD}`));
  });
  return errs;
}

/** ValidateHorizontalPodAutoscaler's spec rules plus the non-negative status counters. */
export function validateHPA(hpa: HorizontalPodAutoscaler): FieldError[] {
  const spec = hpa.spec ?? {};
  const errs: FieldError[] = [];
  const min = spec.minReplicas;
  const max = spec.maxReplicas ?? 0;
  if (min != null && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min != null && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateReference(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetric(m ?? {}, `spec.metrics[${i}]`)));
  errs.push(...validateRules(spec.behavior?.scaleUp, 'spec.behavior.scaleUp'), ...validateRules(spec.behavior?.scaleDown, 'spec.behavior.scaleDown'));
  for (const f of ['currentReplicas', 'desiredReplicas'] as const) {
    const v = hpa.status?.[f];
    if (v != null && v < 0) errs.push(invalid(`status.${f}`, v, 'must be greater than or equal to 0'));
  }
  return errs;
}
