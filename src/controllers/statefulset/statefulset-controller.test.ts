import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient, resourcePath } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { StatefulSetController } from './statefulset-controller.js';

const clock = new ManualClock();
const ns = 'sts';
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespace: ns };
const PVCS: ResourceRef = { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespace: ns };
const STS: ResourceRef = { group: 'apps', version: 'v1', resource: 'statefulsets', namespace: ns };
const REVISIONS: ResourceRef = { group: 'apps', version: 'v1', resource: 'controllerrevisions', namespace: ns };
type Obj<T> = T & KubeObject & { metadata: NonNullable<KubeObject['metadata']> };

let cluster: InProcessCluster;
let client: KubeClient;
let controller: StatefulSetController;

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name: ns } });
  await client.create({ group: '', version: 'v1', resource: 'nodes' }, { metadata: { name: 'n1' } });
  controller = new StatefulSetController({ client, informers: new SharedInformers(client, clock, silentLogger()), clock, log: silentLogger() });
  controller.start();
  await controller.synced;
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

async function pods(app: string): Promise<Obj<Pod>[]> {
  return (await client.list<Obj<Pod>>(PODS, { labelSelector: `app=${app}` })).items;
}
const names = (ps: Obj<Pod>[]) => ps.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name!).sort();
const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const get = (name: string) => client.get<Obj<StatefulSet>>({ ...STS, name });

/** Scheduler and kubelet: binds pending pods to n1, makes bound pods Running+Ready, finishes deletions (returned in order). */
async function kubeletStep(app: string, ready: (p: Pod) => boolean = () => true): Promise<string[]> {
  const deleted: string[] = [];
  for (const p of await pods(app)) {
    const name = p.metadata.name!;
    if (p.metadata.deletionTimestamp) {
      deleted.push(name);
      await client.delete({ ...PODS, name }, { gracePeriodSeconds: 0 }).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    } else if (!p.spec?.nodeName) {
      await client.raw({ method: 'POST', path: resourcePath({ ...PODS, name, subresource: 'binding' }), body: { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'n1' } } });
    } else if (p.status?.phase === 'Pending' && ready(p)) {
      const now = new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      await client.update({ ...PODS, name, subresource: 'status' }, { ...p, status: { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } });
    }
  }
  return deleted;
}

function stsBody(name: string, spec: Partial<NonNullable<StatefulSet['spec']>> = {}): KubeObject {
  return {
    metadata: { name },
    spec: {
      replicas: 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: `${name}:1` }] } },
      ...spec,
    },
  } as KubeObject;
}

async function settle(ms = 1000): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('OrderedReady: claims before pods, one ordinal at a time, identity labels, reverse scale-down', async () => {
  const claimTemplate: PersistentVolumeClaim = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  await client.create(STS, stsBody('web', { volumeClaimTemplates: [claimTemplate] }));
  for (const n of [1, 2, 3]) {
    const expected = Array.from({ length: n }, (_, i) => `web-${i}`);
    await eventually(async () => JSON.stringify(names(await pods('web'))) === JSON.stringify(expected), { clock, message: `pods ${expected.join(',')}` });
    await settle(500);
    assert.deepEqual(names(await pods('web')), expected, 'the next ordinal waits for the previous one to be Running and Ready');
    await eventually(async () => {
      await kubeletStep('web');
      return (await pods('web')).filter(isReady).length === n;
    }, { clock });
  }
  const web1 = (await pods('web')).find((p) => p.metadata.name === 'web-1')!;
  assert.equal(web1.spec?.hostname, 'web-1');
  assert.equal(web1.spec?.subdomain, 'web');
  assert.equal(web1.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-1');
  assert.equal(web1.metadata.labels?.['apps.kubernetes.io/pod-index'], '1');
  assert.equal(web1.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName, 'data-web-1');
  const claims = (await client.list<Obj<PersistentVolumeClaim>>(PVCS)).items;
  assert.deepEqual(claims.map((c) => c.metadata.name).sort(), ['data-web-0', 'data-web-1', 'data-web-2']);
  assert.equal(claims[0]!.metadata.labels?.app, 'web');
  assert.equal(claims[0]!.metadata.ownerReferences, undefined, 'retained claims have no owner');

  const revs = (await client.list<Obj<{ revision: number }>>(REVISIONS)).items;
  assert.equal(revs.length, 1);
  assert.match(revs[0]!.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(web1.metadata.labels?.['controller-revision-hash'], revs[0]!.metadata.name);
  const status = await eventually(async () => {
    const s = await get('web');
    return s.status?.readyReplicas === 3 && s.status.availableReplicas === 3 && s.status.updatedReplicas === 3 && s.status.currentReplicas === 3 && s.status.observedGeneration === s.metadata.generation ? s.status : undefined;
  }, { clock });
  assert.equal(status.currentRevision, revs[0]!.metadata.name);
  assert.equal(status.updateRevision, revs[0]!.metadata.name);
  const events = (await client.list({ group: '', version: 'v1', resource: 'events', namespace: ns })).items as Obj<{ reason?: string; message?: string; source?: { component?: string } }>[];
  assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Pod web-0 in StatefulSet web successful' && e.source?.component === 'statefulset-controller'));
  assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Claim data-web-0 Pod web-0 in StatefulSet web success'));

  // Scale down to 1: web-2 goes first, then web-1; claims stay.
  await client.patch({ ...STS, name: 'web' }, { spec: { replicas: 1 } });
  const deleted: string[] = [];
  await eventually(async () => {
    deleted.push(...(await kubeletStep('web')));
    return (await pods('web')).length === 1;
  }, { clock });
  assert.deepEqual(deleted, ['web-2', 'web-1']);
  assert.equal((await client.list(PVCS)).items.length, 3);
});

test('Parallel creates every ordinal at once', async () => {
  await client.create(STS, stsBody('par', { podManagementPolicy: 'Parallel' }));
  await eventually(async () => names(await pods('par')).length === 3, { clock });
  assert.ok((await pods('par')).every((p) => !isReady(p)), 'no waiting for readiness');
});

test('partitioned RollingUpdate updates only ordinals >= partition, then all in reverse order', async () => {
  await client.create(STS, stsBody('db'));
  await eventually(async () => {
    await kubeletStep('db');
    return (await get('db')).status?.readyReplicas === 3;
  }, { clock });
  const rev1 = (await get('db')).status!.currentRevision!;
  await client.patch({ ...STS, name: 'db' }, { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } }, template: { spec: { containers: [{ name: 'c', image: 'db:2' }] } } } }, 'strategic');
  const s = await eventually(async () => {
    await kubeletStep('db');
    const st = await get('db');
    return st.status?.updatedReplicas === 1 && st.status.readyReplicas === 3 ? st.status : undefined;
  }, { clock });
  const image = async () => Object.fromEntries((await pods('db')).map((p) => [p.metadata.name, p.spec?.containers[0]?.image]));
  assert.deepEqual(await image(), { 'db-0': 'db:1', 'db-1': 'db:1', 'db-2': 'db:2' });
  assert.equal(s.currentRevision, rev1);
  assert.notEqual(s.updateRevision, rev1);
  assert.equal((await pods('db')).find((p) => p.metadata.name === 'db-2')!.metadata.labels?.['controller-revision-hash'], s.updateRevision);

  await client.patch({ ...STS, name: 'db' }, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, 'strategic');
  const order: string[] = [];
  const final = await eventually(async () => {
    order.push(...(await kubeletStep('db')));
    const st = await get('db');
    return st.status?.updatedReplicas === 3 && st.status.readyReplicas === 3 && st.status.currentRevision === st.status.updateRevision ? st.status : undefined;
  }, { clock, stepMs: 50 });
  assert.deepEqual(order, ['db-1', 'db-0'], 'highest ordinal first');
  assert.deepEqual(await image(), { 'db-0': 'db:2', 'db-1': 'db:2', 'db-2': 'db:2' });
  assert.equal(final.currentReplicas, 3);
  const revs = (await client.list<Obj<{ revision: number }>>(REVISIONS)).items.filter((r) => r.metadata.name!.startsWith('db-'));
  assert.deepEqual(revs.map((r) => r.revision).sort(), [1, 2]);
});

test('whenScaled=Delete hands a scaled-down claim to its pod; whenDeleted=Delete makes the set its owner', async () => {
  const claimTemplate: PersistentVolumeClaim = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  await client.create(STS, stsBody('ret', { replicas: 2, podManagementPolicy: 'Parallel', volumeClaimTemplates: [claimTemplate], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
  const set = await get('ret');
  await eventually(async () => {
    await kubeletStep('ret');
    return (await get('ret')).status?.readyReplicas === 2;
  }, { clock });
  const claim = await client.get<Obj<PersistentVolumeClaim>>({ ...PVCS, name: 'data-ret-1' });
  assert.deepEqual(claim.metadata.ownerReferences?.map((r) => [r.kind, r.uid]), [['StatefulSet', set.metadata.uid]]);
  const pod1 = (await pods('ret')).find((p) => p.metadata.name === 'ret-1')!;
  await client.patch({ ...STS, name: 'ret' }, { spec: { replicas: 1 } });
  await eventually(async () => {
    const c = await client.get<Obj<PersistentVolumeClaim>>({ ...PVCS, name: 'data-ret-1' });
    return JSON.stringify(c.metadata.ownerReferences?.map((r) => [r.kind, r.uid])) === JSON.stringify([['Pod', pod1.metadata.uid]]);
  }, { clock });
});

test("revision names are byte-for-byte upstream's (1.33 compatibility fixture: test-c77f6d978)", async () => {
  await client.create(STS, {
    metadata: { name: 'test' },
    spec: { replicas: 0, selector: { matchLabels: { app: 'foo' } }, template: { metadata: { labels: { app: 'foo' }, annotations: { test: 'value' } }, spec: { containers: [{ name: 'test', image: 'test' }] } } },
  } as KubeObject);
  const s = await eventually(async () => (await get('test')).status?.updateRevision, { clock });
  assert.equal(s, 'test-c77f6d978');
});
