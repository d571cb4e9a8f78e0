import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock, rfc3339 } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';
import type { NodeObject, PodObject } from './objects.js';
import { RateLimitedTimedQueue } from './rate-limited-queue.js';
import { computeZoneState } from './zones.js';

const clock = new ManualClock();
let cluster: InProcessCluster;
let client: KubeClient;
let controller: NodeLifecycleController;
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };
const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };

const settle = () => new Promise((r) => setTimeout(r, 25));
const microTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
const node = (name: string) => client.get<NodeObject>({ ...NODES, name });
const taintsOf = async (name: string) => ((await node(name)).spec?.taints ?? []).map((t: Taint) => `${t.key}:${t.effect}`).sort();
const ready = async (name: string) => (await node(name)).status?.conditions?.find((c: NodeCondition) => c.type === 'Ready');

/** What a kubelet does every 10 s: renew the lease and post Ready. */
async function heartbeat(name: string): Promise<void> {
  await client.patch({ ...LEASES, name }, { spec: { renewTime: microTime(clock.now()) } }, 'merge');
}
async function postReady(name: string): Promise<void> {
  const now = rfc3339(clock.now());
  const cur = await node(name);
  const prev = cur.status?.conditions?.find((c: NodeCondition) => c.type === 'Ready');
  const conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: prev?.status === 'True' ? prev.lastTransitionTime : now }];
  await client.update({ ...NODES, name, subresource: 'status' }, { ...cur, status: { ...cur.status, conditions } });
}
async function register(name: string): Promise<void> {
  await client.create(NODES, { metadata: { name } });
  await postReady(name);
  await client.create(LEASES, { metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(clock.now()) } });
}

/** Moves time in kubelet-sized steps, `alive` nodes renewing their lease each step, until `check` holds. */
async function runUntil<T>(alive: string[], check: () => Promise<T | undefined | false>, maxMs: number): Promise<{ value: T; elapsed: number }> {
  for (let elapsed = 0; elapsed <= maxMs; elapsed += 5_000) {
    const v = await check();
    if (v) return { value: v, elapsed };
    for (const n of alive) await heartbeat(n);
    clock.advance(5_000);
    await settle();
  }
  throw new Error(`not reached within ${maxMs} ms`);
}

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  await register('alive');
  await register('dead');
  await client.create(PODS, { metadata: { name: 'web' }, spec: { nodeName: 'dead', containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject);
  const pod = await client.get<PodObject>({ ...PODS, name: 'web' });
  await client.update({ ...PODS, name: 'web', subresource: 'status' }, { ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(clock.now()) }] } });
  controller = new NodeLifecycleController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
  await settle();
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

test('a node whose lease is not renewed goes Unknown and unreachable after the grace period; its pods turn not Ready', async () => {
  const { value: cond, elapsed } = await runUntil(['alive'], async () => {
    const c = await ready('dead');
    return c?.status === 'Unknown' ? c : undefined;
  }, 120_000);
  assert.ok(elapsed > 50_000 && elapsed <= 60_000, `Unknown after ${elapsed} ms`);
  assert.equal(cond.reason, 'NodeStatusUnknown');
  assert.equal(cond.message, 'Kubelet stopped posting node status.');
  const pressure = (await node('dead')).status?.conditions?.find((c: NodeCondition) => c.type === 'MemoryPressure');
  assert.equal(pressure?.reason, 'NodeStatusNeverUpdated');
  await runUntil(['alive'], async () => (await taintsOf('dead')).length === 2, 20_000);
  assert.deepEqual(await taintsOf('dead'), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.equal((await ready('alive'))?.status, 'True');
  assert.deepEqual(await taintsOf('alive'), []);
  const pod = await client.get<PodObject>({ ...PODS, name: 'web' });
  assert.equal(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  const events = await client.list<KubeObject & { reason?: string; message?: string }>({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  const byReason = (r: string) => events.items.filter((e) => e.reason === r).map((e) => e.message);
  assert.deepEqual(byReason('NodeNotReady').sort(), ['Node dead status is now: NodeNotReady', 'Node is not ready']);
  assert.ok(byReason('RegisteredNode').includes('Node dead event: Registered Node dead in Controller'));
});

test('the node recovers when its kubelet posts Ready and renews the lease again', async () => {
  await heartbeat('dead');
  await postReady('dead');
  await runUntil(['alive', 'dead'], async () => (await taintsOf('dead')).length === 0, 20_000);
  assert.equal((await ready('dead'))?.status, 'True');
});

test('spec.unschedulable is mirrored by the unschedulable NoSchedule taint', async () => {
  await client.patch({ ...NODES, name: 'alive' }, { spec: { unschedulable: true } }, 'merge');
  await runUntil(['alive', 'dead'], async () => (await taintsOf('alive')).includes('node.kubernetes.io/unschedulable:NoSchedule'), 10_000);
  await client.patch({ ...NODES, name: 'alive' }, { spec: { unschedulable: false } }, 'merge');
  await runUntil(['alive', 'dead'], async () => (await taintsOf('alive')).length === 0, 10_000);
});

test('zone states and the tainting rate limiter', () => {
  const c = (status: string) => ({ type: 'Ready', status }) as NodeCondition;
  assert.equal(computeZoneState([c('Unknown')], 0.55).state, 'FullDisruption');
  assert.equal(computeZoneState([c('True'), c('False'), c('Unknown')], 0.55).state, 'Normal');
  assert.equal(computeZoneState([c('True'), c('False'), c('Unknown'), undefined], 0.55).state, 'PartialDisruption');
  const q = new RateLimitedTimedQueue(clock, 0.1);
  for (const n of ['a', 'b', 'c']) q.add(n, n);
  assert.equal(q.add('a', 'a'), false);
  const done: string[] = [];
  const take = () => q.try(async ({ value }) => (done.push(value), { done: true }));
  return (async () => {
    await take();
    assert.deepEqual(done, ['a'], 'burst of one');
    clock.advance(5_000);
    await take();
    assert.deepEqual(done, ['a']);
    clock.advance(5_000);
    await take();
    assert.deepEqual(done, ['a', 'b'], 'one node per 10 s at 0.1/s');
    q.swapLimiter(0);
    clock.advance(60_000);
    await take();
    assert.deepEqual(done, ['a', 'b'], 'no tainting at 0 QPS');
    assert.equal(q.add('a', 'a'), false, 'a processed node stays marked until removed');
    assert.equal(q.remove('a'), true);
  })();
});
