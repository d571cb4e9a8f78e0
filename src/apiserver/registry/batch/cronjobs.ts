/**
 * batch/v1 cronjobs, as SetDefaults_CronJob (Allow, not suspended, 3 successful and 1 failed
 * jobs kept, pod-spec defaults in the job template), ValidateCronJobCreate / validateCronJobSpec
 * (a schedule cron.ParseStandard accepts, no TZ inside it, a known timeZone, a valid job template
 * whose selector the controller generates, names short enough for job names), and printCronJob's
 * SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { age } from '../../endpoints/table.js';
import { goLabelSelector, invalid, nonNegative, notSupported, required } from '../core/field-errors.js';
import { ageColumn, column, containerColumns, formatSelector, printBoolPtr } from '../core/printing.js';
import { defaultTemplate } from '../core/workload.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { isTimeZone, scheduleError } from './cron.js';
import { validateJobSpec, type JobSpec } from './job-spec.js';

interface CronJob extends KObject {
  spec?: {
    schedule?: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: string;
    suspend?: boolean;
    jobTemplate?: { metadata?: Record<string, unknown>; spec?: JobSpec };
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    [k: string]: unknown;
  };
  status?: { active?: unknown[]; lastScheduleTime?: string; [k: string]: unknown };
}

const CONCURRENCY = ['Allow', 'Forbid', 'Replace'];
const TZ_CHARS = /^[A-Za-z.\-_0-9+]{1,14}$/;
/** The cronjob controller appends `-<11 characters>` to job names, which are DNS-1035 labels of 63. */
const MAX_NAME = 63 - 11;

function validateTimeZone(tz: string | undefined): FieldError[] {
  if (tz === undefined) return [];
  const path = 'spec.timeZone';
  if (tz === '') return [invalid(path, tz, 'timeZone must be nil or non-empty string')];
  if (tz.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !TZ_CHARS.test(part))) return [invalid(path, tz, `unknown time zone ${tz}`)];
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  else if (!isTimeZone(tz)) errs.push(invalid(path, tz, `unknown time zone ${tz}`));
  return errs;
}

/** The cronJob strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const cronJobStrategy = {
  defaults(cj) {
    const spec = (cj.spec ??= {});
    spec.concurrencyPolicy ||= 'Allow';
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    const jt = (spec.jobTemplate ??= {});
    const js = (jt.spec ??= {});
    js.template = defaultTemplate(js.template, { kind: 'CronJob', version: 'v1' });
  },
  validate(cj) {
    const spec = cj.spec ?? {};
    const errs: FieldError[] = [];
    const name = cj.metadata?.name ?? '';
    if (name.length > MAX_NAME) errs.push(invalid('metadata.name', name, `must be no more than ${MAX_NAME} characters`));
    const schedule = spec.schedule ?? '';
    if (!schedule) errs.push(required('spec.schedule'));
    else {
      const err = scheduleError(schedule);
      if (err) errs.push(invalid('spec.schedule', schedule, err));
      if (schedule.includes('TZ')) errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
    errs.push(...nonNegative('spec.startingDeadlineSeconds', spec.startingDeadlineSeconds));
    errs.push(...validateTimeZone(spec.timeZone));
    const cp = spec.concurrencyPolicy ?? '';
    if (!cp) errs.push(required('spec.concurrencyPolicy'));
    else if (!CONCURRENCY.includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', cp, CONCURRENCY));
    const js = spec.jobTemplate?.spec ?? {};
    errs.push(...validateJobSpec(js, 'spec.jobTemplate.spec'));
    if (js.selector) errs.push(invalid('spec.jobTemplate.spec.selector', goLabelSelector(js.selector), '`selector` will be auto-generated'));
    if (js.manualSelector) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
    errs.push(...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit));
    errs.push(...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit));
    return errs;
  },
} satisfies ResourceStrategy<CronJob>;

const c = (o: KObject) => o as CronJob;

/** The `cronjobs` resource: table data plus its strategy. */
export const cronjobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  subresources: { status: true },
  generation: true,
  printerColumns: [
    column('Schedule', (o) => c(o).spec?.schedule ?? '', { description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.' }),
    column('Timezone', (o) => c(o).spec?.timeZone ?? '<none>', { description: 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.' }),
    column('Suspend', (o) => printBoolPtr(c(o).spec?.suspend), { type: 'boolean', description: 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.' }),
    column('Active', (o) => c(o).status?.active?.length ?? 0, { type: 'integer', description: 'A list of pointers to currently running jobs.' }),
    column('Last Schedule', (o, now) => (c(o).status?.lastScheduleTime ? age(c(o).status!.lastScheduleTime, now) : '<none>'), { description: 'Information when was the last time the job was successfully scheduled.' }),
    ageColumn,
    ...containerColumns((o) => c(o).spec?.jobTemplate?.spec?.template?.spec?.containers),
    column('Selector', (o) => formatSelector(c(o).spec?.jobTemplate?.spec?.selector), { priority: 1, description: 'A label query over pods that should match the pod count.' }),
  ],
  strategy: cronJobStrategy as ResourceStrategy,
};
