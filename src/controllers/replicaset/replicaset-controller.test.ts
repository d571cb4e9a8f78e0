import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { PODS, REPLICA_SETS, ReplicaSetController } from './replicaset-controller.js';
import { listPods, setPodReady, startTestCluster, type TestCluster } from './workload-harness.test.js';

let t: TestCluster;
let rsc: ReplicaSetController;

before(async () => {
  t = await startTestCluster({ admission: ['NamespaceLifecycle', 'ResourceQuota'] });
  rsc = new ReplicaSetController(t.ctx);
  rsc.start();
  await rsc.synced;
});
after(async () => {
  await rsc.stop();
  await t.cluster.stop();
});

type RS = ReplicaSet & KubeObject;

function replicaSet(name: string, replicas: number, extra: Partial<NonNullable<ReplicaSet['spec']>> = {}): RS {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...extra,
    },
  };
}

const rsRef = (ns: string) => ({ ...REPLICA_SETS, namespace: ns });
const getRs = (ns: string, name: string) => t.client.get<RS>({ ...rsRef(ns), name });

test('creates the missing pods, owned through a controller reference, and reports status', async () => {
  const rs = await t.client.create<RS>(rsRef('default'), replicaSet('web', 3));
  const pods = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=web');
    return p.length === 3 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  for (const p of pods) {
    assert.match(p.metadata!.name!, /^web-[a-z0-9]{5}$/);
    assert.deepEqual(p.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(p.metadata!.labels!.tier, 'web');
  }
  const status = await eventually(async () => {
    const s = (await getRs('default', 'web')).status;
    return s?.replicas === 3 && s.observedGeneration === 1 ? s : undefined;
  }, { clock: t.clock, stepMs: 10 });
  assert.deepEqual({ ...status, conditions: undefined }, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1, conditions: undefined });
  await setPodReady(t.client, t.clock, pods[0]!);
  await eventually(async () => (await getRs('default', 'web')).status?.readyReplicas === 1, { clock: t.clock, stepMs: 10 });
  const events = await t.client.list({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  const created = events.items.filter((e) => (e as { reason?: string }).reason === 'SuccessfulCreate');
  assert.equal(created.length, 3);
  assert.match((created[0] as { message?: string }).message!, /^Created pod: web-/);
});

test('scaling down deletes not-ready and unassigned pods first, then the most recently ready', async () => {
  await t.client.create<RS>(rsRef('default'), replicaSet('down', 4));
  const pods = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=down');
    return p.length === 4 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  const [oldest, newer, notReady] = pods;
  await setPodReady(t.client, t.clock, oldest!);
  t.clock.advance(600_000);
  await setPodReady(t.client, t.clock, newer!);
  await setPodReady(t.client, t.clock, notReady!, false);
  await eventually(async () => (await getRs('default', 'down')).status?.readyReplicas === 2, { clock: t.clock, stepMs: 10 });
  await t.client.patch({ ...rsRef('default'), name: 'down' }, { spec: { replicas: 2 } });
  let left = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=down');
    return p.length === 2 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  assert.deepEqual(left.map((p) => p.metadata!.name).sort(), [oldest!.metadata!.name, newer!.metadata!.name].sort(), 'Pending and not-ready pods go first');
  await t.client.patch({ ...rsRef('default'), name: 'down' }, { spec: { replicas: 1 } });
  left = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=down');
    return p.length === 1 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  assert.equal(left[0]!.metadata!.name, oldest!.metadata!.name, 'the pod ready for longest stays');
  const status = await eventually(async () => {
    const s = (await getRs('default', 'down')).status;
    return s?.replicas === 1 ? s : undefined;
  }, { clock: t.clock, stepMs: 10 });
  assert.equal(status.readyReplicas, 1);
});

test('adopts matching orphans and releases pods whose labels no longer match', async () => {
  const orphan = await t.client.create({ ...PODS, namespace: 'default' }, {
    metadata: { name: 'stray', labels: { app: 'adopt' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  } as KubeObject);
  const rs = await t.client.create<RS>(rsRef('default'), replicaSet('adopt', 2));
  const pods = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=adopt');
    return p.length === 2 && p.every((x) => x.metadata?.ownerReferences?.length) ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  const stray = pods.find((p) => p.metadata!.name === 'stray');
  assert.ok(stray, 'the orphan is kept and counted');
  assert.equal(stray.metadata!.uid, orphan.metadata!.uid);
  assert.equal(stray.metadata!.ownerReferences![0]!.uid, rs.metadata!.uid);

  await t.client.patch({ ...PODS, namespace: 'default', name: 'stray' }, { metadata: { labels: { app: 'gone' } } });
  const released = await eventually(async () => {
    const p = await t.client.get<KubeObject>({ ...PODS, namespace: 'default', name: 'stray' });
    return p.metadata?.ownerReferences === undefined || p.metadata.ownerReferences.length === 0 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  assert.equal(released.metadata!.labels!.app, 'gone');
  await eventually(async () => (await listPods(t.client, 'default', 'app=adopt')).length === 2, { clock: t.clock, stepMs: 10 });
});

test('availableReplicas waits minReadySeconds, requeued for exactly that time', async () => {
  await t.client.create<RS>(rsRef('default'), replicaSet('slow', 1, { minReadySeconds: 30 }));
  const [pod] = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=slow');
    return p.length === 1 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  await setPodReady(t.client, t.clock, pod!);
  await eventually(async () => (await getRs('default', 'slow')).status?.readyReplicas === 1);
  assert.equal((await getRs('default', 'slow')).status?.availableReplicas ?? 0, 0);
  t.clock.advance(29_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await getRs('default', 'slow')).status?.availableReplicas ?? 0, 0);
  t.clock.advance(1_000);
  await eventually(async () => (await getRs('default', 'slow')).status?.availableReplicas === 1);
});

test('a quota refusal is reported as a ReplicaFailure condition, cleared once creation succeeds', async () => {
  await t.client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name: 'quota' } });
  const quotas = { group: '', version: 'v1', resource: 'resourcequotas', namespace: 'quota' };
  await t.client.create(quotas, { metadata: { name: 'q' }, spec: { hard: { pods: '2' } } } as KubeObject);
  await t.client.create<RS>(rsRef('quota'), replicaSet('capped', 5));
  const cond = await eventually(async () => (await getRs('quota', 'capped')).status?.conditions?.find((c) => c.type === 'ReplicaFailure'), { clock: t.clock, stepMs: 10 });
  assert.equal(cond.status, 'True');
  assert.equal(cond.reason, 'FailedCreate');
  assert.match(cond.message!, /exceeded quota: q/);
  assert.equal((await listPods(t.client, 'quota', 'app=capped')).length, 2);
  const failed = (await t.client.list({ group: '', version: 'v1', resource: 'events', namespace: 'quota' })).items.find((e) => (e as { reason?: string }).reason === 'FailedCreate');
  assert.match((failed as { message?: string }).message!, /^Error creating: .*exceeded quota/);

  await t.client.patch({ ...quotas, name: 'q' }, { spec: { hard: { pods: '10' } } });
  await eventually(async () => {
    const rs = await getRs('quota', 'capped');
    return rs.status?.replicas === 5 && !rs.status.conditions?.length;
  }, { clock: t.clock, stepMs: 200, timeoutMs: 10_000 });
});

test('a pod update that is no reason to sync still reaches the next sync: scale-down ranks the pods as they are now', async () => {
  await t.client.create<RS>(rsRef('default'), replicaSet('rank', 1));
  const [older] = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=rank');
    return p.length === 1 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  t.clock.advance(60_000);
  await t.client.patch({ ...rsRef('default'), name: 'rank' }, { spec: { replicas: 2 } });
  const newer = await eventually(async () => (await listPods(t.client, 'default', 'app=rank')).find((p) => p.metadata!.name !== older!.metadata!.name), { clock: t.clock, stepMs: 10 });
  await eventually(async () => (await getRs('default', 'rank')).status?.replicas === 2, { clock: t.clock, stepMs: 10 });
  // Binding changes nothing the ReplicaSet counts (no re-sync), but makes the newer pod the one to keep.
  await t.client.create({ ...PODS, namespace: 'default', name: newer.metadata!.name, subresource: 'binding' }, { apiVersion: 'v1', kind: 'Binding', metadata: { name: newer.metadata!.name }, target: { kind: 'Node', name: 'node-1' } } as KubeObject);
  await eventually(async () => (await t.client.get<KubeObject & { spec?: { nodeName?: string } }>({ ...PODS, namespace: 'default', name: newer.metadata!.name })).spec?.nodeName === 'node-1', { clock: t.clock, stepMs: 10 });
  await new Promise((r) => setTimeout(r, 50));
  await t.client.patch({ ...rsRef('default'), name: 'rank' }, { spec: { replicas: 1 } });
  const left = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=rank');
    return p.length === 1 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  assert.equal(left[0]!.metadata!.name, newer.metadata!.name, 'the unassigned pod goes first, though it is the older');
});

test('status counts follow each pod change (the kept claim caught up from touched pods)', async () => {
  await t.client.create<RS>(rsRef('default'), replicaSet('tally', 3));
  const pods = await eventually(async () => {
    const p = await listPods(t.client, 'default', 'app=tally');
    return p.length === 3 ? p : undefined;
  }, { clock: t.clock, stepMs: 10 });
  const status = () => getRs('default', 'tally').then((r) => r.status);
  await eventually(async () => (await status())?.fullyLabeledReplicas === 3, { clock: t.clock, stepMs: 10 });
  await setPodReady(t.client, t.clock, pods[0]!);
  await setPodReady(t.client, t.clock, pods[1]!);
  await eventually(async () => (await status())?.readyReplicas === 2, { clock: t.clock, stepMs: 10 });
  // A template label dropped (the selector still matches): counted, but not fully labeled.
  await t.client.patch({ ...PODS, namespace: 'default', name: pods[2]!.metadata!.name }, { metadata: { labels: { tier: null } } });
  await eventually(async () => {
    const s = await status();
    return s?.replicas === 3 && s.fullyLabeledReplicas === 2 ? s : undefined;
  }, { clock: t.clock, stepMs: 10 });
  await setPodReady(t.client, t.clock, pods[0]!, false);
  await eventually(async () => (await status())?.readyReplicas === 1, { clock: t.clock, stepMs: 10 });
  await t.client.delete({ ...PODS, namespace: 'default', name: pods[1]!.metadata!.name });
  const s = await eventually(async () => {
    const x = await status();
    return x?.replicas === 3 && (x.readyReplicas ?? 0) === 0 && x.fullyLabeledReplicas === 2 ? x : undefined;
  }, { clock: t.clock, stepMs: 10 });
  assert.equal(s.availableReplicas ?? 0, 0);
});
