import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock, rfc3339 } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { JobController } from './job-controller.js';
import { JOB_COMPLETION_INDEX, JOB_TRACKING_FINALIZER, JOBS, PODS } from './job-util.js';

const clock = new ManualClock();
let cluster: InProcessCluster;
let client: KubeClient;
let controller: JobController;
const ns = 'default';

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  controller = new JobController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

type JobObj = Job & KubeObject;
type PodObj = Pod & KubeObject;

async function createJob(name: string, spec: Partial<NonNullable<Job['spec']>>): Promise<JobObj> {
  return client.create<JobObj>({ ...JOBS, namespace: ns }, {
    metadata: { name },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } }, ...spec },
  } as JobObj);
}

const getJob = (name: string) => client.get<JobObj>({ ...JOBS, namespace: ns, name });

async function podsOf(job: string): Promise<PodObj[]> {
  const list = await client.list<PodObj>({ ...PODS, namespace: ns }, { labelSelector: `batch.kubernetes.io/job-name=${job}` });
  return list.items;
}

async function activePods(job: string): Promise<PodObj[]> {
  return (await podsOf(job)).filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

/** Plays the kubelet: the pod ran and ended with `phase` now. */
async function finish(pod: PodObj, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const at = rfc3339(clock.now());
  await client.patch({ ...PODS, namespace: ns, name: pod.metadata!.name, subresource: 'status' }, {
    status: { phase, containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, startedAt: at, finishedAt: at } } }] },
  });
}

async function run(pod: PodObj): Promise<void> {
  await client.patch({ ...PODS, namespace: ns, name: pod.metadata!.name, subresource: 'status' }, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
}

const cond = (job: JobObj, type: string) => job.status?.conditions?.find((c) => c.type === type);

async function events(name: string): Promise<string[]> {
  const list = await client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string; kind?: string } }>({ group: '', version: 'v1', resource: 'events', namespace: ns });
  return list.items.filter((e) => e.involvedObject?.name === name && e.involvedObject.kind === 'Job').map((e) => `${e.reason}: ${e.message}`);
}

test('completions 3, parallelism 2: two pods at a time, counted through the finalizer, then SuccessCriteriaMet and Complete', async () => {
  await createJob('batch', { completions: 3, parallelism: 2 });
  const first = await eventually(async () => ((await activePods('batch')).length === 2 ? activePods('batch') : undefined), { clock });
  for (const p of first) {
    assert.deepEqual(p.metadata?.finalizers, [JOB_TRACKING_FINALIZER]);
    assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-name'], 'batch');
    assert.equal(p.metadata?.labels?.['controller-uid'], p.metadata?.ownerReferences?.[0]?.uid);
    assert.match(p.metadata!.name!, /^batch-[a-z0-9]{5}$/);
  }
  const running = await eventually(async () => {
    const j = await getJob('batch');
    return j.status?.active === 2 && j.status.startTime ? j : undefined;
  }, { clock });
  assert.equal(running.status?.ready, 0);
  await finish(first[0]!, 'Succeeded');
  await finish(first[1]!, 'Succeeded');
  const third = await eventually(async () => {
    const a = await activePods('batch');
    return a.length === 1 ? a[0] : undefined;
  }, { clock });
  await eventually(async () => (await getJob('batch')).status?.succeeded === 2, { clock });
  const counted = await podsOf('batch');
  assert.ok(counted.filter((p) => p.status?.phase === 'Succeeded').every((p) => !p.metadata?.finalizers?.length), 'finalizer removed once counted');
  await finish(third!, 'Succeeded');
  const done = await eventually(async () => {
    const j = await getJob('batch');
    return cond(j, 'Complete') ? j : undefined;
  }, { clock });
  assert.equal(done.status?.succeeded, 3);
  assert.equal(done.status?.active, 0);
  assert.equal(done.status?.failed ?? 0, 0);
  assert.equal(done.status?.terminating, 0);
  assert.ok(done.status?.completionTime);
  assert.deepEqual(done.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
  ]);
  const ev = await eventually(async () => {
    const e = await events('batch');
    return e.includes('Completed: Job completed') ? e : undefined;
  }, { clock });
  assert.equal(ev.filter((e) => e.startsWith('SuccessfulCreate: Created pod: batch-')).length, 3);
});

test('an Indexed job runs one pod per index and reports completedIndexes', async () => {
  await createJob('idx', { completions: 4, parallelism: 3, completionMode: 'Indexed' });
  const pods = await eventually(async () => ((await activePods('idx')).length === 3 ? activePods('idx') : undefined), { clock });
  const byIndex = new Map(pods.map((p) => [p.metadata!.annotations![JOB_COMPLETION_INDEX], p]));
  assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
  for (const [ix, p] of byIndex) {
    assert.equal(p.metadata!.labels![JOB_COMPLETION_INDEX], ix);
    assert.equal(p.spec?.hostname, `idx-${ix}`);
    assert.ok(p.metadata!.name!.startsWith(`idx-${ix}-`));
    assert.deepEqual(p.spec?.containers[0]?.env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } }]);
  }
  await finish(byIndex.get('0')!, 'Succeeded');
  await finish(byIndex.get('2')!, 'Succeeded');
  await eventually(async () => (await getJob('idx')).status?.completedIndexes === '0,2', { clock });
  const last = await eventually(async () => (await activePods('idx')).find((p) => p.metadata!.annotations![JOB_COMPLETION_INDEX] === '3'), { clock });
  await finish(last, 'Succeeded');
  await eventually(async () => (await getJob('idx')).status?.completedIndexes === '0,2,3', { clock });
  await finish(byIndex.get('1')!, 'Succeeded');
  const done = await eventually(async () => {
    const j = await getJob('idx');
    return cond(j, 'Complete') ? j : undefined;
  }, { clock });
  assert.equal(done.status?.completedIndexes, '0-3');
  assert.equal(done.status?.succeeded, 4);
});

test('failed pods are replaced after the back-off delay until backoffLimit is exceeded', async () => {
  await createJob('flaky', { backoffLimit: 1 });
  const [p1] = await eventually(async () => ((await activePods('flaky')).length === 1 ? activePods('flaky') : undefined), { clock });
  await finish(p1!, 'Failed');
  await eventually(async () => (await getJob('flaky')).status?.failed === 1, { clock, stepMs: 50 });
  // The first replacement waits 10 s after the failure.
  const failedAt = clock.now();
  const p2 = await eventually(async () => (await activePods('flaky'))[0], { clock, stepMs: 500 });
  const waited = clock.now() - failedAt;
  assert.ok(waited >= 8_000, `replacement after ${waited} ms`);
  await finish(p2, 'Failed');
  const failed = await eventually(async () => {
    const j = await getJob('flaky');
    return cond(j, 'Failed') ? j : undefined;
  }, { clock });
  assert.equal(failed.status?.failed, 2);
  assert.equal(failed.status?.active, 0);
  assert.deepEqual(failed.status?.conditions?.map((c) => [c.type, c.reason, c.message]), [
    ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
  ]);
  await eventually(async () => (await events('flaky')).includes('BackoffLimitExceeded: Job has reached the specified backoff limit'), { clock });
});

test('activeDeadlineSeconds terminates the active pods and fails the job with DeadlineExceeded', async () => {
  await createJob('slow', { parallelism: 2, completions: 2, activeDeadlineSeconds: 30 });
  const pods = await eventually(async () => ((await activePods('slow')).length === 2 ? activePods('slow') : undefined), { clock });
  for (const p of pods) await run(p);
  await eventually(async () => (await getJob('slow')).status?.ready === 2, { clock });
  const failed = await eventually(async () => {
    const j = await getJob('slow');
    return cond(j, 'Failed') ? j : undefined;
  }, { clock, stepMs: 1000 });
  assert.equal(cond(failed, 'Failed')?.reason, 'DeadlineExceeded');
  assert.equal(cond(failed, 'Failed')?.message, 'Job was active longer than specified deadline');
  assert.equal(failed.status?.failed, 2);
  assert.equal(failed.status?.active, 0);
  assert.equal((await podsOf('slow')).length, 0, 'deleted pods are gone once their finalizer is removed');
  const ev = await eventually(async () => {
    const e = await events('slow');
    return e.includes('DeadlineExceeded: Job was active longer than specified deadline') ? e : undefined;
  }, { clock });
  assert.equal(ev.filter((e) => e.startsWith('SuccessfulDelete: Deleted pod: slow-')).length, 2);
});

test('a suspended job has no pods until resumed, and loses them when suspended again', async () => {
  await createJob('later', { suspend: true, parallelism: 2, completions: 4 });
  const suspended = await eventually(async () => {
    const j = await getJob('later');
    return cond(j, 'Suspended') ? j : undefined;
  }, { clock });
  assert.deepEqual([cond(suspended, 'Suspended')?.status, cond(suspended, 'Suspended')?.reason, cond(suspended, 'Suspended')?.message], ['True', 'JobSuspended', 'Job suspended']);
  assert.equal(suspended.status?.startTime, undefined);
  assert.equal((await podsOf('later')).length, 0);

  await client.patch({ ...JOBS, namespace: ns, name: 'later' }, { spec: { suspend: false } });
  const resumed = await eventually(async () => {
    const j = await getJob('later');
    return cond(j, 'Suspended')?.status === 'False' && j.status?.active === 2 ? j : undefined;
  }, { clock });
  assert.equal(cond(resumed, 'Suspended')?.reason, 'JobResumed');
  assert.ok(resumed.status?.startTime);

  await client.patch({ ...JOBS, namespace: ns, name: 'later' }, { spec: { suspend: true } });
  const again = await eventually(async () => {
    const j = await getJob('later');
    return cond(j, 'Suspended')?.status === 'True' && j.status?.active === 0 && (await podsOf('later')).length === 0 ? j : undefined;
  }, { clock });
  assert.equal(cond(again, 'Failed'), undefined);
  const ev = await events('later');
  assert.ok(ev.includes('Suspended: Job suspended') && ev.includes('Resumed: Job resumed'));
});

test('OnFailure pods: container restarts count toward backoffLimit', async () => {
  await createJob('restarts', { backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: 'busybox' }] } } });
  const [p] = await eventually(async () => ((await activePods('restarts')).length === 1 ? activePods('restarts') : undefined), { clock });
  await client.patch({ ...PODS, namespace: ns, name: p!.metadata!.name, subresource: 'status' }, {
    status: { phase: 'Running', containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
  });
  const failed = await eventually(async () => {
    const j = await getJob('restarts');
    return cond(j, 'Failed') ? j : undefined;
  }, { clock });
  assert.equal(cond(failed, 'Failed')?.reason, 'BackoffLimitExceeded');
});

test('podFailurePolicy: a FailJob exit-code rule fails the job at once; Ignore keeps failures out of backoffLimit', async () => {
  await createJob('policy', {
    backoffLimit: 0,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
    podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } }, { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }] },
  });
  const exit = async (pod: PodObj, code: number) => {
    const at = rfc3339(clock.now());
    await client.patch({ ...PODS, namespace: ns, name: pod.metadata!.name, subresource: 'status' }, {
      status: { phase: 'Failed', containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: code, startedAt: at, finishedAt: at } } }] },
    });
  };
  const [p1] = await eventually(async () => ((await activePods('policy')).length === 1 ? activePods('policy') : undefined), { clock });
  await exit(p1!, 7);
  // Ignored: replaced (after the back-off), not counted, the job lives on despite backoffLimit 0.
  const p2 = await eventually(async () => (await activePods('policy'))[0], { clock, stepMs: 500 });
  const j = await getJob('policy');
  assert.equal(j.status?.failed ?? 0, 0);
  assert.equal(cond(j, 'FailureTarget'), undefined);
  await exit(p2, 42);
  const failed = await eventually(async () => {
    const job = await getJob('policy');
    return cond(job, 'Failed') ? job : undefined;
  }, { clock });
  const message = `Container main for pod ${ns}/${p2.metadata!.name} failed with exit code 42 matching FailJob rule at index 1`;
  assert.deepEqual([cond(failed, 'FailureTarget')?.reason, cond(failed, 'FailureTarget')?.message], ['PodFailurePolicy', message]);
  assert.deepEqual([cond(failed, 'Failed')?.reason, cond(failed, 'Failed')?.message], ['PodFailurePolicy', message]);
  assert.equal(failed.status?.failed, 1);
});
