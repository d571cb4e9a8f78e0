import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { PODS } from '../endpointslice/objects.js';
import { createNode, reportStatus, runPod } from '../endpointslice/testing.js';
import { newControllerRef } from '../pods.js';
import { DisruptionController } from './disruption-controller.js';
import type { PdbObject } from './pdb-status.js';

const clock = new ManualClock(Date.parse('2025-01-01T00:00:00Z'));
let cluster: InProcessCluster;
let client: KubeClient;
let controller: DisruptionController;
const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespace: 'default' };
const APPS = (resource: string) => ({ group: 'apps', version: 'v1', resource, namespace: 'default' });

const wait = <T>(check: () => T | Promise<T>, message: string) => eventually(check, { clock, stepMs: 50, message });
const statusOf = async (name: string, check: (p: PdbObject) => boolean) =>
  wait(async () => {
    const p = await client.get<PdbObject>({ ...PDBS, name });
    return p.status && check(p) ? p : undefined;
  }, `status of ${name}`);
const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  controller = new DisruptionController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
  await createNode(client, 'node-a', 'eu-central-1a');
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

describe('disruption controller', () => {
  it('minAvailable 2 of 3 ready pods allows one disruption', async () => {
    for (let i = 0; i < 3; i++) await runPod(client, clock, 'default', `db-${i}`, { labels: { app: 'db' }, node: 'node-a', ip: `10.0.0.${i + 1}` });
    await client.create(PDBS, { metadata: { name: 'db' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } } });
    const pdb = await statusOf('db', (p) => p.status!.expectedPods === 3);
    const { conditions, ...counts } = pdb.status!;
    assert.deepEqual(counts, { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1 });
    assert.deepEqual(conditions!.map((c) => [c.type, c.status, c.reason, c.observedGeneration]), [['DisruptionAllowed', 'True', 'SufficientPods', 1]]);
  });

  it('drops to InsufficientPods when a pod stops being ready', async () => {
    await reportStatus(client, clock, await client.get({ ...PODS, namespace: 'default', name: 'db-0' }), false);
    const pdb = await statusOf('db', (p) => p.status!.currentHealthy === 2);
    assert.equal(pdb.status!.disruptionsAllowed, 0);
    assert.deepEqual(pdb.status!.conditions!.map((c) => [c.status, c.reason]), [['False', 'InsufficientPods']]);
  });

  it('maxUnavailable 50% scales against the Deployment behind the ReplicaSet', async () => {
    const d = await client.create<KubeObject>(APPS('deployments'), { metadata: { name: 'web' }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } });
    const rs = await client.create<KubeObject>(APPS('replicasets'), {
      metadata: { name: 'web-abc', labels: { app: 'web' }, ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')] },
      spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
    });
    const owner = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
    for (let i = 0; i < 3; i++) await runPod(client, clock, 'default', `web-${i}`, { labels: { app: 'web' }, node: 'node-a', ip: `10.0.1.${i + 1}`, owner });
    await client.create(PDBS, { metadata: { name: 'web' }, spec: { maxUnavailable: '50%', selector: { matchLabels: { app: 'web' } } } });
    const pdb = await statusOf('web', (p) => p.status!.expectedPods === 4);
    assert.equal(pdb.status!.desiredHealthy, 2);
    assert.equal(pdb.status!.currentHealthy, 3);
    assert.equal(pdb.status!.disruptionsAllowed, 1);
  });

  it('minAvailable as a percentage of a StatefulSet through its scale', async () => {
    const ss = await client.create<KubeObject>(APPS('statefulsets'), { metadata: { name: 'kv' }, spec: { replicas: 3, serviceName: 'kv', selector: { matchLabels: { app: 'kv' } }, template: template({ app: 'kv' }) } });
    const owner = newControllerRef(ss, 'apps/v1', 'StatefulSet');
    for (let i = 0; i < 3; i++) await runPod(client, clock, 'default', `kv-${i}`, { labels: { app: 'kv' }, node: 'node-a', ip: `10.0.2.${i + 1}`, owner });
    await client.create(PDBS, { metadata: { name: 'kv' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'kv' } } } });
    const pdb = await statusOf('kv', (p) => p.status!.expectedPods === 3);
    assert.deepEqual([pdb.status!.desiredHealthy, pdb.status!.currentHealthy, pdb.status!.disruptionsAllowed], [2, 3, 1]);
  });

  it('fails safe (SyncFailed) when a pod controller cannot be found', async () => {
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: '00000000-0000-0000-0000-000000000001', controller: true };
    await runPod(client, clock, 'default', 'ghost-0', { labels: { app: 'ghost' }, node: 'node-a', ip: '10.0.3.1', owner });
    await client.create(PDBS, { metadata: { name: 'ghost' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'ghost' } } } });
    const pdb = await statusOf('ghost', (p) => !!p.status!.conditions?.length);
    assert.equal(pdb.status!.disruptionsAllowed, 0);
    const [c] = pdb.status!.conditions!;
    assert.deepEqual([c!.type, c!.status, c!.reason], ['DisruptionAllowed', 'False', 'SyncFailed']);
    assert.match(c!.message, /found no controllers for pod "ghost-0"|ReplicaSet/);
  });

  it('does not count pods recorded in disruptedPods as healthy until the deletion timeout', async () => {
    const before = await client.get<PdbObject>({ ...PDBS, name: 'web' });
    const now = new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    await client.update({ ...PDBS, name: 'web', subresource: 'status' }, { ...before, status: { ...before.status!, disruptedPods: { 'web-0': now } } });
    const during = await statusOf('web', (p) => p.status!.currentHealthy === 2);
    assert.deepEqual(during.status!.disruptedPods, { 'web-0': now });
    assert.equal(during.status!.disruptionsAllowed, 0);
    clock.advance(2 * 60 * 1000 + 1000);
    const later = await statusOf('web', (p) => p.status!.currentHealthy === 3);
    assert.equal(later.status!.disruptedPods, undefined);
  });
});
