/**
 * The JobSpec rules shared by Jobs and CronJob job templates, as pkg/apis/batch/v1
 * SetDefaults_Job and pkg/apis/batch/validation validateJobSpec (1.32): counters are not negative,
 * Indexed jobs need completions, the pod template is a valid pod template whose restartPolicy is
 * OnFailure or Never, and podReplacementPolicy fits the pod failure policy.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import type { MetaLabelSelector } from '../../../apimachinery/labels.js';
import { forbidden, invalid, nonNegative, notSupported, required } from '../core/field-errors.js';
import type { PodTemplateSpec } from '../core/pod-types.js';
import { validatePodTemplateSpec } from '../core/pod-validation.js';
import type { DecodeContext } from '../core/pod-defaults.js';
import { defaultTemplate } from '../core/workload.js';

/** batch/v1 JobSpec as the job and cronjob strategies read it. */
export interface JobSpec {
  parallelism?: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  manualSelector?: boolean;
  selector?: MetaLabelSelector;
  template?: PodTemplateSpec;
  podFailurePolicy?: { rules?: { onPodConditions?: { status?: string }[] }[] };
  podReplacementPolicy?: string;
  [k: string]: unknown;
}

const MAX_INT32 = 2147483647;
const MAX_PARALLELISM_INDEXED = 100000;
const REPLACEMENT_POLICIES = ['Failed', 'TerminatingOrFailed'];

/** SetDefaults_Job for the spec (the label copy onto the Job itself is the job strategy's). */
export function defaultJobSpec(spec: JobSpec, ctx: DecodeContext): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const p of rule.onPodConditions ?? []) p.status ||= 'True';
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  spec.template = defaultTemplate(spec.template, ctx);
}

/** validateJobSpec at `path` (`spec`, or `spec.jobTemplate.spec`). */
export function validateJobSpec(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(`${path}.parallelism`, spec.parallelism));
  errs.push(...nonNegative(`${path}.completions`, spec.completions));
  errs.push(...nonNegative(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds));
  errs.push(...nonNegative(`${path}.backoffLimit`, spec.backoffLimit));
  errs.push(...nonNegative(`${path}.ttlSecondsAfterFinished`, spec.ttlSecondsAfterFinished));
  const indexed = spec.completionMode === 'Indexed';
  if (spec.backoffLimitPerIndex !== undefined) {
    errs.push(...nonNegative(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex));
    if (!indexed) errs.push(forbidden(`${path}.backoffLimitPerIndex`, 'requires indexed completion mode'));
  }
  if (spec.maxFailedIndexes !== undefined) {
    errs.push(...nonNegative(`${path}.maxFailedIndexes`, spec.maxFailedIndexes));
    if (spec.backoffLimitPerIndex === undefined) errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  if (indexed) {
    if (spec.completions === undefined) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
    if ((spec.parallelism ?? 0) > MAX_PARALLELISM_INDEXED)
      errs.push(invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
  }
  const rpp = spec.podReplacementPolicy;
  if (rpp !== undefined) {
    if (spec.podFailurePolicy && rpp !== 'Failed') errs.push(notSupported(`${path}.podReplacementPolicy`, rpp, ['Failed']));
    else if (!spec.podFailurePolicy && !REPLACEMENT_POLICIES.includes(rpp)) errs.push(notSupported(`${path}.podReplacementPolicy`, rpp, REPLACEMENT_POLICIES));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const policy = spec.template?.spec?.restartPolicy ?? '';
  const at = `${path}.template.spec.restartPolicy`;
  if (policy === 'Always' || policy === '') errs.push(required(at, 'valid values: "OnFailure", "Never"'));
  else if (policy !== 'OnFailure' && policy !== 'Never') errs.push(notSupported(at, policy, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy && policy !== 'Never') errs.push(invalid(at, policy, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}
