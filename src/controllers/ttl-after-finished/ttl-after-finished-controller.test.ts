import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Job } from 'kubernetes-types/batch/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock, rfc3339 } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { JOBS } from '../job/job-util.js';
import { TtlAfterFinishedController } from './ttl-after-finished-controller.js';

const clock = new ManualClock();
let cluster: InProcessCluster;
let client: KubeClient;
let controller: TtlAfterFinishedController;
const ns = 'default';
type JobObj = Job & KubeObject;

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  controller = new TtlAfterFinishedController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

async function job(name: string, ttl?: number): Promise<void> {
  await client.create<JobObj>({ ...JOBS, namespace: ns }, {
    metadata: { name },
    spec: { ttlSecondsAfterFinished: ttl, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  } as JobObj);
}

async function complete(name: string): Promise<void> {
  const at = rfc3339(clock.now());
  await client.patch({ ...JOBS, namespace: ns, name, subresource: 'status' }, {
    status: { startTime: at, completionTime: at, succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: at }, { type: 'Complete', status: 'True', lastTransitionTime: at }] },
  });
}

/** Present and not being deleted. */
async function alive(name: string): Promise<boolean> {
  try {
    return !(await client.get<JobObj>({ ...JOBS, namespace: ns, name })).metadata?.deletionTimestamp;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 30));

test('a finished Job is deleted ttlSecondsAfterFinished after it finished, not before', async () => {
  await job('short', 60);
  await job('keep');
  await job('running', 1);
  await complete('short');
  await complete('keep');
  clock.advance(59_000);
  await settle();
  assert.ok(await alive('short'), 'not yet expired');
  clock.advance(1_000);
  await eventually(async () => !(await alive('short')), { clock, stepMs: 10 });
  try {
    const doomed = await client.get<JobObj>({ ...JOBS, namespace: ns, name: 'short' });
    assert.ok(doomed.metadata?.finalizers?.includes('foregroundDeletion'), 'deleted with Foreground propagation');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  clock.advance(3_600_000);
  await settle();
  assert.ok(await alive('keep'), 'no TTL: kept');
  assert.ok(await alive('running'), 'not finished: kept');
});

test('a TTL raised before it expires is honoured (fresh read before deleting)', async () => {
  await job('raised', 10);
  await complete('raised');
  await client.patch({ ...JOBS, namespace: ns, name: 'raised' }, { spec: { ttlSecondsAfterFinished: 100 } });
  clock.advance(10_000);
  await settle();
  assert.ok(await alive('raised'));
  clock.advance(90_000);
  await eventually(async () => !(await alive('raised')), { clock, stepMs: 10 });
});
