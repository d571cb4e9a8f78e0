import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually as eventuallyReal } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock, rfc3339 } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { JOBS } from '../job/job-util.js';
import { CRONJOBS, CronJobController, SCHEDULED_TIMESTAMP_ANNOTATION } from './cronjob-controller.js';

// 2026-01-01T00:00:00Z
const clock = new ManualClock();
/** Retries and informer back-offs run on the manual clock: let a little of it pass between checks. */
const eventually = <T>(check: () => T | Promise<T>) => eventuallyReal(check, { clock, stepMs: 5 });
let cluster: InProcessCluster;
let client: KubeClient;
let controller: CronJobController;

type CronJobObj = CronJob & KubeObject;
type JobObj = Job & KubeObject;

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  controller = new CronJobController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

async function namespace(name: string): Promise<string> {
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name } });
  return name;
}

async function createCronJob(ns: string, name: string, spec: Partial<NonNullable<CronJob['spec']>>): Promise<CronJobObj> {
  return client.create<CronJobObj>({ ...CRONJOBS, namespace: ns }, {
    metadata: { name },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { metadata: { labels: { app: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  } as CronJobObj);
}

const getCronJob = (ns: string, name: string) => client.get<CronJobObj>({ ...CRONJOBS, namespace: ns, name });
const jobsIn = async (ns: string) => (await client.list<JobObj>({ ...JOBS, namespace: ns })).items.filter((j) => !j.metadata?.deletionTimestamp).sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));

async function events(ns: string): Promise<string[]> {
  const list = await client.list<KubeObject & { reason?: string; message?: string; type?: string }>({ group: '', version: 'v1', resource: 'events', namespace: ns });
  return list.items.map((e) => `${e.type} ${e.reason}: ${e.message}`);
}

/** Moves the clock to `iso` (plus the controller's 100 ms delta) in one step. */
function advanceTo(iso: string): void {
  clock.advance(Date.parse(iso) + 100 - clock.now());
}

/** Plays the Job controller: the Job finished with `type`. */
async function finishJob(ns: string, name: string, type: 'Complete' | 'Failed'): Promise<void> {
  const at = rfc3339(clock.now());
  const conditions = [{ type: type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget', status: 'True', lastTransitionTime: at }, { type, status: 'True', lastTransitionTime: at }];
  await client.patch({ ...JOBS, namespace: ns, name, subresource: 'status' }, { status: { startTime: at, conditions, ...(type === 'Complete' ? { completionTime: at, succeeded: 1 } : { failed: 1 }) } });
}

const minutes = (iso: string) => Math.floor(Date.parse(iso) / 60_000);

test('runs a Job at each activation; Forbid skips while one is active', async () => {
  const ns = await namespace('forbid');
  await createCronJob(ns, 'tick', { concurrencyPolicy: 'Forbid' });
  await eventually(async () => (await events(ns)).length === 0 && (await getCronJob(ns, 'tick')).metadata?.uid);
  assert.equal((await jobsIn(ns)).length, 0);

  advanceTo('2026-01-01T00:05:00Z');
  const [job] = await eventually(async () => {
    const js = await jobsIn(ns);
    return js.length === 1 ? js : undefined;
  });
  assert.equal(job!.metadata!.name, `tick-${minutes('2026-01-01T00:05:00Z')}`);
  assert.equal(job!.metadata!.annotations![SCHEDULED_TIMESTAMP_ANNOTATION], '2026-01-01T00:05:00Z');
  assert.equal(job!.metadata!.labels!.app, 'tick');
  assert.deepEqual(job!.metadata!.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['CronJob', 'tick', true]]);
  const cj = await eventually(async () => {
    const c = await getCronJob(ns, 'tick');
    return c.status?.active?.length === 1 ? c : undefined;
  });
  assert.equal(cj.status!.active![0]!.name, job!.metadata!.name);
  assert.equal(cj.status!.lastScheduleTime, '2026-01-01T00:05:00Z');
  assert.ok((await events(ns)).includes(`Normal SuccessfulCreate: Created job ${job!.metadata!.name}`));

  advanceTo('2026-01-01T00:10:00Z');
  await eventually(async () => (await events(ns)).includes('Normal JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'));
  assert.equal((await jobsIn(ns)).length, 1);

  await finishJob(ns, job!.metadata!.name!, 'Complete');
  // The 00:10 activation Forbid held back is still unmet (no startingDeadlineSeconds): it starts now, late.
  const late = `tick-${minutes('2026-01-01T00:10:00Z')}`;
  const seen = await eventually(async () => {
    const c = await getCronJob(ns, 'tick');
    return c.status?.active?.length === 1 && c.status.active[0]!.name === late && c.status.lastSuccessfulTime ? c : undefined;
  });
  assert.equal(seen.status!.lastSuccessfulTime, '2026-01-01T00:10:00Z');
  assert.equal(seen.status!.lastScheduleTime, '2026-01-01T00:10:00Z');
  assert.ok((await events(ns)).includes(`Normal SawCompletedJob: Saw completed job: ${job!.metadata!.name}, condition: Complete`));

  await finishJob(ns, late, 'Complete');
  await eventually(async () => !(await getCronJob(ns, 'tick')).status?.active?.length);
  advanceTo('2026-01-01T00:15:00Z');
  await eventually(async () => (await getCronJob(ns, 'tick')).status?.active?.[0]?.name === `tick-${minutes('2026-01-01T00:15:00Z')}`);
});

test('Replace deletes the running Job before starting the next', async () => {
  const ns = await namespace('replace');
  await createCronJob(ns, 'swap', { concurrencyPolicy: 'Replace', schedule: '*/5 * * * *' });
  advanceTo('2026-01-01T00:20:00Z');
  const first = `swap-${minutes('2026-01-01T00:20:00Z')}`;
  await eventually(async () => (await getCronJob(ns, 'swap')).status?.active?.[0]?.name === first);
  advanceTo('2026-01-01T00:25:00Z');
  const second = `swap-${minutes('2026-01-01T00:25:00Z')}`;
  const cj = await eventually(async () => {
    const c = await getCronJob(ns, 'swap');
    return c.status?.active?.length === 1 && c.status.active[0]!.name === second ? c : undefined;
  });
  assert.equal(cj.status!.lastScheduleTime, '2026-01-01T00:25:00Z');
  await eventually(async () => {
    try {
      const j = await client.get<JobObj>({ ...JOBS, namespace: ns, name: first });
      return j.metadata?.deletionTimestamp !== undefined;
    } catch (err) {
      return isNotFound(err);
    }
  });
  assert.ok((await events(ns)).includes(`Normal SuccessfulDelete: Deleted job ${first}`));
});

test('finished Jobs beyond the history limits are deleted, oldest first', async () => {
  const ns = await namespace('history');
  await createCronJob(ns, 'hist', { schedule: '*/5 * * * *', successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 });
  const runs = ['2026-01-01T00:30:00Z', '2026-01-01T00:35:00Z', '2026-01-01T00:40:00Z'];
  for (const [i, at] of runs.entries()) {
    advanceTo(at);
    const name = `hist-${minutes(at)}`;
    await eventually(async () => (await getCronJob(ns, 'hist')).status?.active?.some((r) => r.name === name));
    await finishJob(ns, name, i === 1 ? 'Failed' : 'Complete');
    await eventually(async () => !(await getCronJob(ns, 'hist')).status?.active?.length);
  }
  // Two completed (keep 1) and one failed (keep 1).
  const left = await eventually(async () => {
    const js = await jobsIn(ns);
    return js.length === 2 ? js : undefined;
  });
  assert.deepEqual(left.map((j) => j.metadata!.name), [`hist-${minutes(runs[1]!)}`, `hist-${minutes(runs[2]!)}`]);
  assert.ok((await events(ns)).includes(`Normal SuccessfulDelete: Deleted job hist-${minutes(runs[0]!)}`));
});

test('after more than 100 missed activations, one Job for the latest and a TooManyMissedTimes warning', async () => {
  const ns = await namespace('missed');
  await createCronJob(ns, 'late', { schedule: '* * * * *', suspend: true });
  clock.advance(150 * 60_000);
  await client.patch({ ...CRONJOBS, namespace: ns, name: 'late' }, { spec: { suspend: false } });
  const latest = Math.floor(clock.now() / 60_000);
  const cj = await eventually(async () => {
    const c = await getCronJob(ns, 'late');
    return c.status?.active?.length === 1 ? c : undefined;
  });
  assert.equal(cj.status!.active![0]!.name, `late-${latest}`);
  assert.ok((await events(ns)).includes('Warning TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew'));
  assert.equal((await jobsIn(ns)).length, 1);
});

test('spec.timeZone: activations in local time, stamped with the local offset', async () => {
  const ns = await namespace('zoned');
  const start = clock.now();
  await createCronJob(ns, 'ny', { schedule: '0 9 * * *', timeZone: 'America/New_York' });
  // The next 09:00 in New York after `start`.
  const day = new Date(start);
  let nine = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 14);
  if (nine <= start) nine += 86_400_000;
  clock.advance(nine - 1000 - clock.now());
  await new Promise((r) => setTimeout(r, 30));
  assert.equal((await jobsIn(ns)).length, 0);
  clock.advance(1100);
  const [job] = await eventually(async () => {
    const js = await jobsIn(ns);
    return js.length === 1 ? js : undefined;
  });
  assert.equal(job!.metadata!.annotations![SCHEDULED_TIMESTAMP_ANNOTATION], `${new Date(nine).toISOString().slice(0, 10)}T09:00:00-05:00`);
  assert.equal(job!.metadata!.name, `ny-${Math.floor(nine / 60_000)}`);
});
