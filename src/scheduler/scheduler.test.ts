import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../kubeclient/client.js';
import { SharedInformers } from '../kubeclient/shared-informers.js';
import { eventually } from '../kubeclient/testing.js';
import type { KubeObject } from '../kubeclient/types.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../server/in-process-transport.js';
import { Scheduler } from './scheduler.js';
import { makeNode, makePod } from './test-helpers.test-helper.js';

const clock = new ManualClock();
let cluster: InProcessCluster;
let client: KubeClient;
let scheduler: Scheduler;
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const pods = (namespace: string) => ({ group: '', version: 'v1', resource: 'pods', namespace });
const obj = (x: Node | Pod) => x as unknown as KubeObject;

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  scheduler = new Scheduler({ client, informers: new SharedInformers(client, clock, log), clock, log });
  scheduler.start();
  await scheduler.synced;
});
after(async () => {
  await scheduler.stop();
  await cluster.stop();
});

async function createNs(name: string): Promise<void> {
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name } });
}
const getPod = (ns: string, name: string) => client.get<Pod & KubeObject>({ ...pods(ns), name });
const events = async (ns: string, name: string) =>
  ((await client.list<Event & KubeObject>({ group: '', version: 'v1', resource: 'events', namespace: ns })).items as Event[]).filter((e) => e.involvedObject.name === name);

test('binds pods, spreads 30 pods 10 per zone over 3 zones, and records Scheduled', async () => {
  await createNs('spread');
  for (let i = 0; i < 6; i++) await client.create(NODES, obj(makeNode(`s-${i}`, { zone: `zone-${i % 3}`, labels: { pool: 'spread' } })));
  const spread = {
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
    nodeSelector: { pool: 'spread' },
  };
  for (let i = 0; i < 30; i++) await client.create(pods('spread'), obj(makePod(`web-${i}`, { ns: 'spread', cpu: '100m', labels: { app: 'web' }, spec: spread })));
  const bound = await eventually(async () => {
    const list = await client.list<Pod & KubeObject>(pods('spread'));
    return list.items.every((p) => p.spec?.nodeName) && list.items.length === 30 ? list.items : undefined;
  }, { clock, stepMs: 50 });
  const perZone = new Map<string, number>();
  for (const p of bound) {
    const zone = `zone-${Number(p.spec!.nodeName!.slice(2)) % 3}`;
    perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
  }
  assert.deepEqual([...perZone.values()], [10, 10, 10]);
  const ev = await eventually(async () => (await events('spread', 'web-0')).find((e) => e.reason === 'Scheduled'), { clock });
  assert.equal(ev.message, `Successfully assigned spread/web-0 to ${bound.find((p) => p.metadata!.name === 'web-0')!.spec!.nodeName}`);
  assert.equal(ev.source?.component, 'default-scheduler');
});

test('a pod that fits nowhere gets PodScheduled=False and the FailedScheduling message', async () => {
  await createNs('fail');
  for (let i = 0; i < 3; i++) await client.create(NODES, obj(makeNode(`f-small-${i}`, { cpu: '1', labels: { pool: 'fail' } })));
  for (let i = 0; i < 3; i++) await client.create(NODES, obj(makeNode(`f-gpu-${i}`, { cpu: '64', labels: { pool: 'fail' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })));
  await client.create(pods('fail'), obj(makePod('big', { ns: 'fail', cpu: '2', spec: { nodeSelector: { pool: 'fail' } } })));
  const pod = await eventually(async () => {
    const p = await getPod('fail', 'big');
    return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False') ? p : undefined;
  }, { clock, stepMs: 50 });
  const cond = pod.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
  assert.equal(cond.reason, 'Unschedulable');
  // 15 nodes exist in the cluster by now (6 from the spread test); the selector rules them out.
  const total = (await client.list(NODES)).items.length;
  const expected =
    `0/${total} nodes are available: 3 Insufficient cpu, 3 node(s) had untolerated taint {dedicated: gpu}, ${total - 6} node(s) didn't match Pod's node affinity/selector. ` +
    `preemption: 0/${total} nodes are available: 3 No preemption victims found for incoming pod, ${total - 3} Preemption is not helpful for scheduling.`;
  assert.equal(cond.message, expected);
  const ev = await eventually(async () => (await events('fail', 'big')).find((e) => e.reason === 'FailedScheduling'), { clock });
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, expected);
});

test('pods of another scheduler, gated pods and tolerations', async () => {
  await createNs('misc');
  await client.create(pods('misc'), obj(makePod('other', { ns: 'misc', spec: { schedulerName: 'my-scheduler' } })));
  await client.create(pods('misc'), obj(makePod('gated', { ns: 'misc', spec: { schedulingGates: [{ name: 'wait' }] } })));
  await client.create(pods('misc'), obj(makePod('gpu', { ns: 'misc', cpu: '10', spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } })));
  const gpu = await eventually(async () => (await getPod('misc', 'gpu')).spec?.nodeName, { clock, stepMs: 50 });
  assert.match(gpu, /^f-gpu-/);
  for (let i = 0; i < 5; i++) clock.advance(1000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await getPod('misc', 'other')).spec?.nodeName, undefined);
  assert.equal((await getPod('misc', 'gated')).spec?.nodeName, undefined);
  assert.equal((await getPod('misc', 'other')).status?.conditions?.find((c) => c.type === 'PodScheduled'), undefined);
});

test('a higher-priority pod preempts a lower-priority one and is then bound there', async () => {
  await createNs('prio');
  await client.create(NODES, obj(makeNode('p-only', { cpu: '2', labels: { pool: 'prio' } })));
  const sel = { nodeSelector: { pool: 'prio' } };
  await client.create(pods('prio'), obj(makePod('low', { ns: 'prio', cpu: '1500m', priority: 0, spec: sel })));
  await eventually(async () => (await getPod('prio', 'low')).spec?.nodeName, { clock, stepMs: 50 });
  await client.create(pods('prio'), obj(makePod('high', { ns: 'prio', cpu: '1500m', priority: 1000, spec: sel })));
  const nominated = await eventually(async () => (await getPod('prio', 'high')).status?.nominatedNodeName, { clock, stepMs: 50 });
  assert.equal(nominated, 'p-only');
  await eventually(async () => (await events('prio', 'low')).find((e) => e.reason === 'Preempted'), { clock, stepMs: 50 });
  // The victim is terminating; with no kubelet here, finish its deletion as the kubelet would.
  const low = await getPod('prio', 'low');
  assert.ok(low.metadata?.deletionTimestamp, 'victim is being deleted');
  assert.equal(low.status?.conditions?.find((c) => c.type === 'DisruptionTarget')?.reason, 'PreemptionByScheduler');
  await client.delete({ ...pods('prio'), name: 'low' }, { gracePeriodSeconds: 0 });
  const node = await eventually(async () => (await getPod('prio', 'high')).spec?.nodeName, { clock, stepMs: 200, timeoutMs: 8000 });
  assert.equal(node, 'p-only');
  await assert.rejects(getPod('prio', 'low'), /not found/);
});
