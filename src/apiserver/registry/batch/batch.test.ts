import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, NOW, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { scheduleError } from './cron.js';
import { cronjobs } from './cronjobs.js';
import { jobs, type Job } from './jobs.js';

const UID = '00000000-0000-0000-0000-000000000001';
const template = (spec: Record<string, unknown> = {}) => ({ spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never', ...spec } });
const job = (spec: Record<string, unknown> = {}): Job => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' }, spec: { template: template(), ...spec } });
const cronjob = (spec: Record<string, unknown> = {}, name = 'hello'): KObject => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, namespace: 'default' },
  spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template() } }, ...spec },
});
const generated = { 'batch.kubernetes.io/controller-uid': UID, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': UID, 'job-name': 'pi' };

describe('batch/v1 jobs', () => {
  it('generates the selector and labels, and defaults as SetDefaults_Job', () => {
    const j = created(jobs, job());
    const { template: tpl, ...rest } = j.spec!;
    assert.deepEqual(rest, {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } },
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
    });
    assert.deepEqual(tpl!.metadata!.labels, generated);
    assert.deepEqual(j.metadata!.labels, generated);
    assert.equal(tpl!.spec!.dnsPolicy, 'ClusterFirst');
    assert.deepEqual(createErrors(jobs, job()), []);
  });

  it('keeps a manual selector', () => {
    const j = created(jobs, job({ manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, ...template() } }));
    assert.deepEqual(j.spec!.selector, { matchLabels: { a: 'b' } });
    assert.deepEqual(j.spec!.template!.metadata!.labels, { a: 'b' });
    assert.deepEqual(createErrors(jobs, j), []);
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['restart policy defaulted to Always', { template: template({ restartPolicy: undefined }) }, 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
    ['restart policy unsupported', { template: template({ restartPolicy: 'Sometimes' }) }, 'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"'],
    ['negative backoff', { backoffLimit: -1 }, 'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0'],
    ['indexed without completions', { completionMode: 'Indexed', parallelism: 2 }, 'spec.completions: Required value: when completion mode is Indexed'],
    ['selector not generated', { selector: { matchLabels: { a: 'b' } } }, 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b", "batch.kubernetes.io/controller-uid":"00000000-0000-0000-0000-000000000001"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated'],
    ['conflicting job-name label', { template: { metadata: { labels: { 'job-name': 'other' } }, ...template() } }, 'spec.template.metadata.labels[job-name]: Invalid value: map[string]string{'],
    ['container image', { template: template({ containers: [{ name: 'pi' }] }) }, 'spec.template.spec.containers[0].image: Required value'],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => {
      const errs = createErrors(jobs, job(spec));
      assert.ok(errs.some((e) => e.startsWith(want)), `${want}\n not in\n${errs.join('\n')}`);
    });
  }

  it('keeps the template and selector immutable', () => {
    const stored = created(jobs, job());
    const next = structuredClone(stored);
    next.spec!.template!.spec!.containers![0]!.image = 'perl:5';
    assert.deepEqual(updateErrors(jobs, stored, next), ['spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable']);
    const suspended = created(jobs, job({ suspend: true }));
    const moved = structuredClone(suspended);
    moved.spec!.template!.spec!.nodeSelector = { zone: 'a' };
    assert.deepEqual(updateErrors(jobs, suspended, moved), []);
  });

  it('prints status, completions and duration', () => {
    const base = created(jobs, job({ completions: 3 }));
    const running = { ...base, status: { startTime: new Date(NOW - 90_000).toISOString(), succeeded: 1, active: 2 } };
    assert.deepEqual(cells(jobs, running), { Status: 'Running', Completions: '1/3', Duration: '90s', Age: '60s', Containers: 'pi', Images: 'perl', Selector: `batch.kubernetes.io/controller-uid=${UID}` });
    const done = { ...base, status: { startTime: new Date(NOW - 600_000).toISOString(), completionTime: new Date(NOW - 300_000).toISOString(), succeeded: 3, conditions: [{ type: 'Complete', status: 'True' }] } };
    assert.deepEqual([cells(jobs, done).Status, cells(jobs, done).Completions, cells(jobs, done).Duration], ['Complete', '3/3', '5m']);
    const queue = { ...created(jobs, job({ parallelism: 4, completions: undefined })) };
    delete queue.spec!.completions;
    assert.equal(cells(jobs, queue).Completions, '0/1 of 4');
  });
});

describe('batch/v1 cronjobs', () => {
  it('defaults as SetDefaults_CronJob, with pod defaults in the job template', () => {
    const cj = created(cronjobs, cronjob()).spec as Record<string, any>;
    assert.equal(cj.concurrencyPolicy, 'Allow');
    assert.equal(cj.suspend, false);
    assert.equal(cj.successfulJobsHistoryLimit, 3);
    assert.equal(cj.failedJobsHistoryLimit, 1);
    assert.equal(cj.jobTemplate.spec.template.spec.schedulerName, 'default-scheduler');
    assert.deepEqual(createErrors(cronjobs, cronjob()), []);
  });

  for (const [schedule, err] of [
    ['0 * * * *', undefined],
    ['@hourly', undefined],
    ['@every 1h30m', undefined],
    ['0 9 * * mon-fri', undefined],
    ['*/5 * * *', 'expected exactly 5 fields, found 4: [*/5 * * *]'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
  ] as const) {
    it(`parses ${JSON.stringify(schedule)} as cron.ParseStandard`, () => assert.equal(scheduleError(schedule), err));
  }

  const cases: [string, KObject, string][] = [
    ['schedule required', cronjob({ schedule: '' }), 'spec.schedule: Required value'],
    ['bad schedule', cronjob({ schedule: '* * *' }), 'spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]'],
    ['TZ in schedule', cronjob({ schedule: 'CRON_TZ=UTC 0 * * * *' }), 'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ['unknown time zone', cronjob({ timeZone: 'Mars/Olympus' }), 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'],
    ['concurrency', cronjob({ concurrencyPolicy: 'Sometimes' }), 'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'],
    ['long name', cronjob({}, 'a'.repeat(53)), 'metadata.name: Invalid value: "aaaa'],
    ['template restart policy', cronjob({ jobTemplate: { spec: { template: template({ restartPolicy: 'Always' }) } } }), 'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
    ['template selector', cronjob({ jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, template: template() } } }), 'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated'],
  ];
  for (const [name, obj, want] of cases) {
    it(name, () => {
      const errs = createErrors(cronjobs, obj);
      assert.ok(errs.some((e) => e.startsWith(want)), `${want}\n not in\n${errs.join('\n')}`);
    });
  }

  it('prints schedule, time zone, suspend, active and last schedule', () => {
    const cj = { ...created(cronjobs, cronjob({ timeZone: 'Europe/Paris' })), status: { active: [{ name: 'hello-1' }], lastScheduleTime: new Date(NOW - 120_000).toISOString() } };
    assert.deepEqual(cells(cronjobs, cj), { Schedule: '*/5 * * * *', Timezone: 'Europe/Paris', Suspend: 'False', Active: 1, 'Last Schedule': '2m', Age: '60s', Containers: 'pi', Images: 'perl', Selector: '<none>' });
  });
});
