import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject, OwnerReference, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { startControllers, type RunningControllers } from '../manager.js';

let cluster: InProcessCluster;
let client: KubeClient;
let controllers: RunningControllers;
const clock = new ManualClock();
const ns = 'gc';
const cm: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespace: ns };
const secrets: ResourceRef = { ...cm, resource: 'secrets' };

before(async () => {
  cluster = await startInProcessCluster();
  client = new KubeClient(cluster.transport);
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name: ns } });
  controllers = await startControllers({ transport: cluster.transport, clock, log: silentLogger(), only: ['garbage-collector'] });
  await controllers.synced();
});
after(async () => {
  await controllers.stop();
  await cluster.stop();
});

const ownerRef = (o: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference =>
  ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name!, uid: o.metadata!.uid!, ...extra });

async function exists(ref: ResourceRef, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get({ ...ref, name });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const gone = (ref: ResourceRef, name: string) => async () => !(await exists(ref, name));
/** Lets the collector run for `ms` of clock time. */
async function settle(ms = 2000): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('Background: deleting an owner deletes its dependents of every kind', async () => {
  const owner = await client.create(cm, { metadata: { name: 'bg-owner' } });
  await client.create(cm, { metadata: { name: 'bg-dep1', ownerReferences: [ownerRef(owner, { controller: true })] } });
  await client.create(secrets, { metadata: { name: 'bg-dep2', ownerReferences: [ownerRef(owner)] } });
  await settle(500);
  assert.ok(await exists(cm, 'bg-dep1'), 'dependents of a live owner stay');
  await client.delete({ ...cm, name: 'bg-owner' });
  await eventually(gone(cm, 'bg-dep1'), { clock });
  await eventually(gone(secrets, 'bg-dep2'), { clock });
});

test('Background through several levels and resources (Deployment → ReplicaSet → Pod)', async () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const deploy = await client.create({ group: 'apps', version: 'v1', resource: 'deployments', namespace: ns }, { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
  const rs = await client.create({ group: 'apps', version: 'v1', resource: 'replicasets', namespace: ns }, { metadata: { name: 'web-1', ownerReferences: [ownerRef(deploy, { controller: true, blockOwnerDeletion: true })] }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
  const pods: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespace: ns };
  await client.create(pods, { metadata: { name: 'web-1-a', labels: { app: 'web' }, ownerReferences: [ownerRef(rs, { controller: true, blockOwnerDeletion: true })] }, spec: template.spec });
  await client.delete({ group: 'apps', version: 'v1', resource: 'deployments', namespace: ns, name: 'web' });
  await eventually(gone(pods, 'web-1-a'), { clock });
  assert.equal(await exists({ group: 'apps', version: 'v1', resource: 'replicasets', namespace: ns }, 'web-1'), undefined);
});

test('an owner that never existed (or was replaced: other uid) is verified absent and its dependents go', async () => {
  await client.create(cm, { metadata: { name: 'orphan-ghost', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' }] } });
  const real = await client.create(cm, { metadata: { name: 'real-owner' } });
  await client.create(cm, { metadata: { name: 'orphan-uid', ownerReferences: [{ ...ownerRef(real), uid: '11111111-1111-1111-1111-111111111111' }] } });
  await client.create(cm, { metadata: { name: 'kept', ownerReferences: [ownerRef(real)] } });
  await eventually(gone(cm, 'orphan-ghost'), { clock });
  await eventually(gone(cm, 'orphan-uid'), { clock });
  await settle();
  assert.ok(await exists(cm, 'kept'));
  assert.ok(await exists(cm, 'real-owner'));
});

test('a dependent with another live owner survives; only the reference to the deleted owner goes', async () => {
  const o1 = await client.create(cm, { metadata: { name: 'two-o1' } });
  const o2 = await client.create(secrets, { metadata: { name: 'two-o2' } });
  await client.create(cm, { metadata: { name: 'two-dep', ownerReferences: [ownerRef(o1), ownerRef(o2)] } });
  await client.delete({ ...cm, name: 'two-o1' });
  const dep = await eventually(async () => {
    const d = await exists(cm, 'two-dep');
    return d?.metadata?.ownerReferences?.length === 1 ? d : undefined;
  }, { clock });
  assert.deepEqual(dep.metadata!.ownerReferences!.map((r) => r.name), ['two-o2']);
  await client.delete({ ...secrets, name: 'two-o2' });
  await eventually(gone(cm, 'two-dep'), { clock });
});

test('Foreground: the owner stays (deletionTimestamp + foregroundDeletion) until blocking dependents are gone', async () => {
  const owner = await client.create(cm, { metadata: { name: 'fg-owner' } });
  await client.create(cm, { metadata: { name: 'fg-held', finalizers: ['example.com/hold'], ownerReferences: [ownerRef(owner, { blockOwnerDeletion: true })] } });
  await client.create(cm, { metadata: { name: 'fg-free', ownerReferences: [ownerRef(owner, { blockOwnerDeletion: true })] } });
  await client.create(cm, { metadata: { name: 'fg-nonblocking', ownerReferences: [ownerRef(owner)] } });
  await client.delete({ ...cm, name: 'fg-owner' }, { propagationPolicy: 'Foreground' });
  const marked = await client.get({ ...cm, name: 'fg-owner' });
  assert.ok(marked.metadata?.deletionTimestamp);
  assert.deepEqual(marked.metadata?.finalizers, ['foregroundDeletion']);
  await eventually(gone(cm, 'fg-free'), { clock });
  await eventually(gone(cm, 'fg-nonblocking'), { clock });
  await eventually(async () => (await exists(cm, 'fg-held'))?.metadata?.deletionTimestamp, { clock });
  await settle();
  assert.ok(await exists(cm, 'fg-owner'), 'the owner waits for the held dependent');
  await client.patch({ ...cm, name: 'fg-held' }, { metadata: { finalizers: null } });
  await eventually(gone(cm, 'fg-held'), { clock });
  await eventually(gone(cm, 'fg-owner'), { clock });
});

test('Foreground: a dependent with a live second owner survives without the reference', async () => {
  const owner = await client.create(cm, { metadata: { name: 'fgw-owner' } });
  const other = await client.create(cm, { metadata: { name: 'fgw-other' } });
  await client.create(cm, { metadata: { name: 'fgw-dep', ownerReferences: [ownerRef(owner, { blockOwnerDeletion: true }), ownerRef(other)] } });
  await client.delete({ ...cm, name: 'fgw-owner' }, { propagationPolicy: 'Foreground' });
  await eventually(gone(cm, 'fgw-owner'), { clock });
  const dep = await exists(cm, 'fgw-dep');
  assert.deepEqual(dep?.metadata?.ownerReferences?.map((r) => r.name), ['fgw-other']);
});

test('Orphan: the owner goes, dependents stay without the ownerReference', async () => {
  const owner = await client.create(cm, { metadata: { name: 'or-owner' } });
  const other = await client.create(cm, { metadata: { name: 'or-other' } });
  await client.create(cm, { metadata: { name: 'or-dep1', ownerReferences: [ownerRef(owner, { controller: true, blockOwnerDeletion: true })] } });
  await client.create(secrets, { metadata: { name: 'or-dep2', ownerReferences: [ownerRef(owner), ownerRef(other)] } });
  await client.delete({ ...cm, name: 'or-owner' }, { propagationPolicy: 'Orphan' });
  await eventually(gone(cm, 'or-owner'), { clock });
  await settle();
  const d1 = await exists(cm, 'or-dep1');
  const d2 = await exists(secrets, 'or-dep2');
  assert.ok(d1 && d2);
  assert.equal(d1.metadata?.ownerReferences, undefined);
  assert.deepEqual(d2.metadata?.ownerReferences?.map((r) => r.name), ['or-other']);
});

test('dependency cycles do not block: Foreground over a 3-cycle, Background over a 2-cycle', async () => {
  const a = await client.create(cm, { metadata: { name: 'cyc-a' } });
  const b = await client.create(cm, { metadata: { name: 'cyc-b', ownerReferences: [ownerRef(a, { blockOwnerDeletion: true })] } });
  const c = await client.create(cm, { metadata: { name: 'cyc-c', ownerReferences: [ownerRef(b, { blockOwnerDeletion: true })] } });
  await client.patch({ ...cm, name: 'cyc-a' }, { metadata: { ownerReferences: [ownerRef(c, { blockOwnerDeletion: true })] } });
  await settle(500);
  assert.ok(await exists(cm, 'cyc-a'), 'a cycle of live objects is left alone');
  await client.delete({ ...cm, name: 'cyc-a' }, { propagationPolicy: 'Foreground' });
  for (const n of ['cyc-a', 'cyc-b', 'cyc-c']) await eventually(gone(cm, n), { clock, message: `${n} deleted` });

  const x = await client.create(cm, { metadata: { name: 'cyc-x' } });
  const y = await client.create(cm, { metadata: { name: 'cyc-y', ownerReferences: [ownerRef(x)] } });
  await client.patch({ ...cm, name: 'cyc-x' }, { metadata: { ownerReferences: [ownerRef(y)] } });
  await client.delete({ ...cm, name: 'cyc-x' });
  await eventually(gone(cm, 'cyc-y'), { clock });
});
