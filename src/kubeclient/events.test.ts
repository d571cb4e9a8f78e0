import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../server/in-process-transport.js';
import { KubeClient } from './client.js';
import { EventRecorder } from './events.js';

let cluster: InProcessCluster;
let client: KubeClient;
before(async () => {
  cluster = await startInProcessCluster();
  client = new KubeClient(cluster.transport);
});
after(() => cluster.stop());

test('repeats of one event become one Event with a count; a new message is a new Event', async () => {
  const clock = new ManualClock();
  const rec = new EventRecorder(client, clock, { component: 'default-scheduler' }, silentLogger());
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', uid: 'u-1' } };
  await rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.');
  clock.advance(1000);
  await rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.');
  await rec.event(pod, 'Normal', 'Scheduled', 'Successfully assigned default/web-1 to node-a');
  const list = await client.list({ group: '', version: 'v1', resource: 'events', namespace: 'default' }, { fieldSelector: 'involvedObject.name=web-1' });
  const byReason = Object.fromEntries(list.items.map((e) => [(e as { reason: string }).reason, e as Record<string, unknown>]));
  assert.equal(list.items.length, 2);
  assert.equal(byReason.FailedScheduling!.count, 2);
  assert.deepEqual(byReason.FailedScheduling!.source, { component: 'default-scheduler' });
  assert.notEqual(byReason.FailedScheduling!.firstTimestamp, byReason.FailedScheduling!.lastTimestamp);
  assert.equal((byReason.Scheduled!.involvedObject as { uid: string }).uid, 'u-1');
});
