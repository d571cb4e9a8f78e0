import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { PodGcController } from './podgc-controller.js';

const clock = new ManualClock();
let cluster: InProcessCluster;
let client: KubeClient;
let gc: PodGcController;
const pods = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  gc = new PodGcController({ client, informers: new SharedInformers(client, clock, silentLogger()), clock, log: silentLogger() }, 2);
  gc.start();
  await gc.synced;
});
after(async () => {
  await gc.stop();
  await cluster.stop();
});

const gone = async (name: string) => {
  try {
    await client.get({ ...pods, name });
    return false;
  } catch (err) {
    return isNotFound(err);
  }
};

async function boundPod(name: string, node: string): Promise<void> {
  await client.create(pods, { metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await client.create({ ...pods, name, subresource: 'binding' }, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
}

test('pods of a node that is gone are deleted after the quarantine, pods of live nodes stay', async () => {
  await client.create(nodes, { metadata: { name: 'node-a' } });
  await client.create(nodes, { metadata: { name: 'node-b' } });
  await boundPod('on-a', 'node-a');
  await boundPod('on-b', 'node-b');
  await eventually(() => gc['pods'].list().length === 2, { clock });
  await client.delete({ ...nodes, name: 'node-a' });
  await eventually(() => !gc['nodes'].get(undefined, 'node-a'), { clock, stepMs: 1 });
  await gc.gc();
  assert.equal(await gone('on-a'), false, 'still quarantined');
  clock.advance(41_000);
  await gc.gc();
  assert.equal(await gone('on-a'), true);
  assert.equal(await gone('on-b'), false);
});

test('terminated pods beyond the threshold go, oldest first', async () => {
  for (const name of ['done-1', 'done-2', 'done-3']) {
    await boundPod(name, 'node-b');
    await client.patch({ ...pods, name, subresource: 'status' }, { status: { phase: 'Succeeded' } });
    clock.advance(1000);
  }
  await eventually(() => gc['pods'].list().filter((p) => p.status?.phase === 'Succeeded').length === 3, { clock, stepMs: 1 });
  await gc.gc();
  assert.deepEqual(await Promise.all(['done-1', 'done-2', 'done-3'].map(gone)), [true, false, false]);
});
