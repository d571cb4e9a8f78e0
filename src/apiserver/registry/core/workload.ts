/**
 * Rules shared by the controllers that own pods through a selector and a pod template
 * (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job), as pkg/apis/apps/validation and
 * pkg/apis/batch/validation write them: the selector must exist, be non-empty and match the
 * template's labels; the template is defaulted and validated like a pod spec; int-or-percent
 * rollout knobs are checked the same way everywhere.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { isEmpty, matches, selectorFromLabelSelector, validateLabelSelector, type LabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { IS_NEGATIVE } from '../../../apimachinery/validation.js';
import { forbidden, GoLiteral, goLabelSelector, goStringMap, invalid, notSupported, required } from './field-errors.js';
import { defaultPodSpec, type DecodeContext } from './pod-defaults.js';
import type { IntOrString, PodTemplateSpec } from './pod-types.js';
import { validatePodTemplateSpec } from './pod-validation.js';

/** Applies the pod-spec defaults inside a template (creating `spec` when absent). */
export function defaultTemplate(tpl: PodTemplateSpec | undefined, ctx: DecodeContext): PodTemplateSpec {
  const t = tpl ?? {};
  t.spec = defaultPodSpec(t.spec ?? {}, ctx);
  return t;
}

/** LabelSelectorAsSelector, or undefined when it cannot be converted. */
export function toSelector(sel: MetaLabelSelector | undefined): LabelSelector | undefined {
  try {
    return selectorFromLabelSelector(sel);
  } catch {
    return undefined;
  }
}

/** The `selector` does not match template `labels` error, with the labels as Go prints them. */
export const selectorMismatch = (path: string, labels: Record<string, string> | undefined): FieldError =>
  invalid(`${path}.metadata.labels`, new GoLiteral(goStringMap(labels)), '`selector` does not match template `labels`');

/**
 * The selector rules of Deployment, ReplicaSet and StatefulSet at `spec.selector`: required,
 * valid, not empty (`empty selector is invalid for <what>`). Returns the converted selector when
 * it converts.
 */
export function validateRequiredSelector(sel: MetaLabelSelector | undefined, path: string, what: string, errs: FieldError[]): LabelSelector | undefined {
  if (sel == null) errs.push(required(path));
  else {
    errs.push(...validateLabelSelector(sel, path));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) errs.push(invalid(path, goLabelSelector(sel), `empty selector is invalid for ${what}`));
  }
  return toSelector(sel);
}

/** True when a non-empty selector does not select the template's labels. */
export function templateMismatch(sel: LabelSelector, tpl: PodTemplateSpec | undefined): boolean {
  return !isEmpty(sel) && !matches(sel, tpl?.metadata?.labels ?? {});
}

/**
 * ValidatePodTemplateSpecForReplicaSet (Deployments and ReplicaSets): the selector matches, the
 * template is a valid pod template with restartPolicy Always and no activeDeadlineSeconds.
 */
export function validateReplicaTemplate(tpl: PodTemplateSpec | undefined, sel: LabelSelector, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (templateMismatch(sel, tpl)) errs.push(selectorMismatch(path, tpl?.metadata?.labels));
  errs.push(...validatePodTemplateSpec(tpl, path));
  errs.push(...alwaysRestart(tpl, path, 'ReplicaSet'));
  return errs;
}

/** Restart policy Always and no activeDeadlineSeconds, as every long-running controller demands. */
export function alwaysRestart(tpl: PodTemplateSpec | undefined, path: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const policy = tpl?.spec?.restartPolicy ?? '';
  if (policy !== 'Always') errs.push(notSupported(`${path}.spec.restartPolicy`, policy, ['Always']));
  if (tpl?.spec?.activeDeadlineSeconds != null) errs.push(forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  return errs;
}

/** `%#v` of an intstr.IntOrString, as rollout errors print it. */
export function goIntOrString(v: IntOrString | undefined): GoLiteral {
  if (typeof v === 'string') return new GoLiteral(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`);
  return new GoLiteral(`intstr.IntOrString{Type:0, IntVal:${v ?? 0}, StrVal:""}`);
}

const PERCENT = /^[0-9]+%$/;
const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** ValidatePositiveIntOrPercent. */
export function positiveIntOrPercent(v: IntOrString | undefined, path: string): FieldError[] {
  if (typeof v === 'string') return PERCENT.test(v) ? [] : [invalid(path, goIntOrString(v), PERCENT_MSG)];
  return (v ?? 0) < 0 ? [invalid(path, v, IS_NEGATIVE)] : [];
}

/** getIntOrPercentValue: the number, or the percentage as a number; 0 for anything else. */
export function intOrPercentValue(v: IntOrString | undefined): number {
  if (typeof v === 'string') return PERCENT.test(v) ? Number(v.slice(0, -1)) : 0;
  return v ?? 0;
}

/** IsNotMoreThan100Percent. */
export function notMoreThan100Percent(v: IntOrString | undefined, path: string): FieldError[] {
  return typeof v === 'string' && PERCENT.test(v) && Number(v.slice(0, -1)) > 100 ? [invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}
