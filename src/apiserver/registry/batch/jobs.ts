/**
 * batch/v1 jobs, as pkg/registry/batch/job: unless `manualSelector` is true the server generates
 * the selector (`batch.kubernetes.io/controller-uid`) and labels the template with the job's
 * name and uid (generateSelector); SetDefaults_Job (completions/parallelism 1, backoffLimit 6,
 * NonIndexed, not suspended, TerminatingOrFailed, template labels copied onto an unlabelled job);
 * ValidateJob and ValidateJobSpecUpdate; printJob's STATUS COMPLETIONS DURATION columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { matches, validateLabelSelector } from '../../../apimachinery/labels.js';
import { isDNS1123Label } from '../../../apimachinery/validation.js';
import { humanDuration } from '../../endpoints/table.js';
import { goLabelSelector, GoLiteral, goStringMap, immutable, invalid, required } from '../core/field-errors.js';
import type { PodTemplateSpec } from '../core/pod-types.js';
import { ageColumn, column, containerColumns, formatSelector } from '../core/printing.js';
import { selectorMismatch, toSelector } from '../core/workload.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { defaultJobSpec, validateJobSpec, type JobSpec } from './job-spec.js';

/** The label and selector key generateSelector sets to the job's uid. */
export const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
/** The label generateSelector sets to the job's name. */
export const JOB_NAME = 'batch.kubernetes.io/job-name';
const LEGACY_CONTROLLER_UID = 'controller-uid';
const LEGACY_JOB_NAME = 'job-name';

interface JobCondition {
  type?: string;
  status?: string;
}

/** batch/v1 Job as the strategy and printer read it. */
export interface Job extends KObject {
  spec?: JobSpec;
  status?: { startTime?: string; completionTime?: string; succeeded?: number; active?: number; conditions?: JobCondition[]; [k: string]: unknown };
}

/** generateSelector: template labels for name and uid (kept when the user set them), selector on the uid. */
function generateSelector(job: Job): void {
  const spec = (job.spec ??= {});
  const tpl: PodTemplateSpec = (spec.template ??= {});
  const labels = ((tpl.metadata ??= {}).labels ??= {});
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid ?? '';
  for (const k of [LEGACY_JOB_NAME, JOB_NAME]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) if (!(k in labels)) labels[k] = uid;
  const sel = (spec.selector ??= {});
  const ml = (sel.matchLabels ??= {});
  if (!(CONTROLLER_UID in ml)) ml[CONTROLLER_UID] = uid;
}

/** ValidateHasLabel on the template metadata. */
function hasLabel(tpl: PodTemplateSpec | undefined, key: string, want: string): FieldError[] {
  const labels = tpl?.metadata?.labels ?? {};
  const path = `spec.template.metadata.labels[${key}]`;
  if (!(key in labels)) return [required(path, want)];
  return labels[key] === want ? [] : [invalid(path, new GoLiteral(goStringMap(labels)), `must be '${want}'`)];
}

/** validateGeneratedSelector: a generated selector and the labels generateSelector put there. */
function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec ?? {};
  if (spec.manualSelector) return [];
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const errs = [
    ...hasLabel(spec.template, LEGACY_CONTROLLER_UID, uid),
    ...hasLabel(spec.template, LEGACY_JOB_NAME, name),
    ...hasLabel(spec.template, CONTROLLER_UID, uid),
    ...hasLabel(spec.template, JOB_NAME, name),
  ];
  if (!spec.selector) return [...errs, required('spec.selector')];
  const sel = toSelector(spec.selector);
  if (!sel || !matches(sel, { [CONTROLLER_UID]: uid })) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
  return errs;
}

const isTrue = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type)?.status === 'True';

/** The job strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const jobStrategy = {
  prepareForCreate(job) {
    if (!job.spec?.manualSelector) generateSelector(job);
  },
  defaults(job) {
    const spec = (job.spec ??= {});
    defaultJobSpec(spec, { kind: 'Job', version: 'v1' });
    const tplLabels = spec.template?.metadata?.labels;
    const meta = (job.metadata ??= {});
    if (tplLabels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...tplLabels };
  },
  validate(job) {
    const spec = job.spec ?? {};
    const errs = validateGeneratedSelector(job);
    const name = job.metadata?.name ?? '';
    if (spec.completionMode === 'Indexed' && (spec.completions ?? 0) > 0) {
      const hostname = `${name}-${(spec.completions ?? 1) - 1}`;
      if (isDNS1123Label(hostname).length) errs.push(invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${hostname}`));
    }
    errs.push(...validateJobSpec(spec, 'spec'));
    if (!spec.selector) errs.push(required('spec.selector'));
    else errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    const sel = toSelector(spec.selector);
    if (sel && !matches(sel, spec.template?.metadata?.labels ?? {})) errs.push(selectorMismatch('spec.template', spec.template?.metadata?.labels));
    return errs;
  },
  validateUpdate(job, old) {
    const spec = job.spec ?? {};
    const prev = old.spec ?? {};
    const errs: FieldError[] = [];
    if (spec.completionMode === 'Indexed') {
      if (spec.completions !== undefined && spec.completions !== prev.completions && spec.completions !== spec.parallelism)
        errs.push(invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
    } else errs.push(...immutable('spec.completions', spec.completions, prev.completions));
    errs.push(...immutable('spec.selector', spec.selector, prev.selector, goLabelSelector(spec.selector)));
    errs.push(...templateUpdateErrors(job, old));
    for (const k of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'] as const) errs.push(...immutable(`spec.${k}`, spec[k], prev[k]));
    return errs;
  },
} satisfies ResourceStrategy<Job>;

/** validatePodTemplateUpdate: the template is fixed, except scheduling directives of a suspended job that never started. */
function templateUpdateErrors(job: Job, old: Job): FieldError[] {
  const next = job.spec?.template ?? {};
  let prev = old.spec?.template ?? {};
  if (old.spec?.suspend && !old.status?.startTime) {
    prev = structuredClone(prev);
    const p = (prev.spec ??= {});
    for (const k of ['nodeSelector', 'tolerations', 'schedulingGates'] as const) p[k] = next.spec?.[k] as never;
    const affinity = (next.spec?.affinity as { nodeAffinity?: unknown } | undefined)?.nodeAffinity;
    if (p.affinity || next.spec?.affinity) {
      const merged: Record<string, unknown> = { ...((p.affinity as object) ?? {}), nodeAffinity: affinity };
      p.affinity = Object.values(merged).some((v) => v !== undefined) ? merged : undefined;
    }
    prev.metadata = { ...prev.metadata, labels: next.metadata?.labels, annotations: next.metadata?.annotations };
  }
  return immutable('spec.template', next, prev, new GoLiteral('core.PodTemplateSpec{...}'));
}

/** printJob's STATUS column. */
export function jobStatus(job: Job): string {
  if (isTrue(job, 'Complete')) return 'Complete';
  if (isTrue(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (isTrue(job, 'Suspended')) return 'Suspended';
  if (isTrue(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** printJob's COMPLETIONS column: `1/3`, or `0/1 of 4` for a work queue. */
export function jobCompletions(job: Job): string {
  const ok = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${ok}/${job.spec.completions}`;
  const p = job.spec?.parallelism ?? 0;
  return p > 1 ? `${ok}/1 of ${p}` : `${ok}/1`;
}

/** printJob's DURATION column. */
export function jobDuration(job: Job, now: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime;
  return humanDuration((end ? Date.parse(end) : now) - Date.parse(start));
}

const j = (o: KObject) => o as Job;

/** The `jobs` resource: table data plus its strategy. */
export const jobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  generation: true,
  selectableFields: { 'status.successful': (o) => String(j(o).status?.succeeded ?? 0) },
  printerColumns: [
    column('Status', (o) => jobStatus(j(o)), { description: 'Status of the job.' }),
    column('Completions', (o) => jobCompletions(j(o)), { description: 'The number of pods which reached phase Succeeded.' }),
    column('Duration', (o, now) => jobDuration(j(o), now), { description: 'Time required to complete the job.' }),
    ageColumn,
    ...containerColumns((o) => j(o).spec?.template?.spec?.containers),
    column('Selector', (o) => formatSelector(j(o).spec?.selector), { priority: 1, description: 'A label query over pods that should match the pod count.' }),
  ],
  strategy: jobStrategy as ResourceStrategy,
};
