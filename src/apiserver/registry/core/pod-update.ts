/**
 * What a pod update may change, as upstream's ValidatePodUpdate (1.32, InPlacePodVerticalScaling
 * off): container and init-container images, activeDeadlineSeconds (set, or lowered), additions
 * to tolerations, removal of scheduling gates, terminationGracePeriodSeconds from negative to 1.
 * Anything else is `spec: Forbidden: pod updates may not change fields other than ...` followed by
 * a diff of the spec.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { inclusiveRangeError } from '../../../apimachinery/validation.js';
import { forbidden, invalid, required } from './field-errors.js';
import type { Container, PodSpec } from './pod-types.js';
import { validateTolerations } from './pod-validation.js';

/** The field list of the `pod updates may not change fields other than` message, joined with ','. */
export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const MAX_INT32 = 2147483647;

function containerUpdates(next: Container[] | undefined, prev: Container[] | undefined, path: string): [FieldError[], boolean] {
  const n = next ?? [];
  if (n.length !== (prev ?? []).length) return [[forbidden(path, 'pod updates may not add or remove containers')], true];
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = c.image ?? '';
    if (!image) errs.push(required(`${path}[${i}].image`));
    if (image.trim() !== image) errs.push(invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return [errs, false];
}

/**
 * Errors of changing `prev` into `next`. `allowBinding` admits the one change the pods/binding
 * subresource makes (spec.nodeName from empty to a node), which upstream writes without this check.
 */
export function validatePodSpecUpdate(next: PodSpec, prev: PodSpec, allowBinding = false): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, label] of [['containers', 'spec.containers'], ['initContainers', 'spec.initContainers']] as const) {
    const [e, stop] = containerUpdates(next[key], prev[key], label);
    errs.push(...e);
    if (stop) return errs;
  }
  const ads = next.activeDeadlineSeconds;
  if (ads != null) {
    if (ads < 0 || ads > MAX_INT32) return [...errs, invalid('spec.activeDeadlineSeconds', ads, inclusiveRangeError(0, MAX_INT32))];
    if (prev.activeDeadlineSeconds != null && prev.activeDeadlineSeconds < ads)
      return [...errs, invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value')];
  } else if (prev.activeDeadlineSeconds != null) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...onlyAddedTolerations(next, prev));
  const oldGates = new Set((prev.schedulingGates ?? []).map((g) => g.name));
  (next.schedulingGates ?? []).forEach((g, i) => {
    if (!oldGates.has(g.name)) errs.push(forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${g.name ?? ''}'`));
  });
  if (deepEqual(next, prev)) return errs;

  const munged: PodSpec = structuredClone(next);
  munged.containers = munged.containers?.map((c, i) => ({ ...c, image: prev.containers?.[i]?.image }));
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: prev.initContainers?.[i]?.image }));
  restore(munged, prev, 'activeDeadlineSeconds');
  restore(munged, prev, 'schedulingGates');
  restore(munged, prev, 'tolerations');
  if ((prev.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = prev.terminationGracePeriodSeconds;
  if (allowBinding && !prev.nodeName && munged.nodeName) restore(munged, prev, 'nodeName');
  if (!deepEqual(munged, prev)) {
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${specDiff(prev, munged)}`));
  }
  return errs;
}

function restore(target: PodSpec, from: PodSpec, key: keyof PodSpec & string): void {
  if (from[key] === undefined) delete target[key];
  else target[key] = structuredClone(from[key]);
}

function onlyAddedTolerations(next: PodSpec, prev: PodSpec): FieldError[] {
  const now = next.tolerations ?? [];
  for (const old of prev.tolerations ?? []) {
    const kept = now.some((t) => deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!kept) return [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return prev.tolerations ? validateTolerations(now, 'spec.tolerations') : [];
}

/** A short diff in the spirit of the cmp.Diff upstream appends: changed top-level fields, old and new. */
function specDiff(prev: PodSpec, next: PodSpec): string {
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort();
  const lines = ['  core.PodSpec{'];
  for (const k of keys) {
    if (deepEqual(prev[k], next[k])) continue;
    const name = k.charAt(0).toUpperCase() + k.slice(1);
    if (prev[k] !== undefined) lines.push(`- \t${name}: ${JSON.stringify(prev[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${name}: ${JSON.stringify(next[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}
