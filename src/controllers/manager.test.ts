import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { KubeClient } from '../kubeclient/client.js';
import { eventually } from '../kubeclient/testing.js';
import type { KubeObject } from '../kubeclient/types.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../server/in-process-transport.js';
import { startControllers, type RunningControllers } from './manager.js';

const clock = new ManualClock();
const ns = 'ha';
let cluster: InProcessCluster;
let client: KubeClient;
const managers: RunningControllers[] = [];

const deployments = { group: 'apps', version: 'v1', resource: 'deployments', namespace: ns };
const replicasets = { ...deployments, resource: 'replicasets' };
const pods = { group: '', version: 'v1', resource: 'pods', namespace: ns };
const lease = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager' };

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name: ns } });
});
after(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await cluster.stop();
});

const start = (identity: string) =>
  startControllers({ transport: cluster.transport, clock, log: silentLogger(), only: ['deployment', 'replicaset'], leaderElection: { identity, jitterFactor: 0, releaseOnCancel: false } });

test('two controller managers under election: one acts, and when it dies the other carries on', async () => {
  const a = await start('host-a_1');
  managers.push(a);
  await a.synced();
  const b = await start('host-b_2');
  managers.push(b);
  await eventually(async () => (await client.get<Lease & KubeObject>(lease)).spec?.holderIdentity === 'host-a_1');
  assert.equal(a.election?.elector.isLeader(), true);

  await client.create(deployments, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  } as KubeObject);
  await eventually(async () => (await client.list(pods)).items.length === 2, { clock, stepMs: 500 });
  // Let both managers run for a while: still one ReplicaSet, two pods.
  for (let i = 0; i < 10; i++) {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal((await client.list(replicasets)).items.length, 1);
  assert.equal((await client.list(pods)).items.length, 2);
  assert.equal(b.election?.elector.isLeader(), false);

  // The leader's process dies without releasing: b takes over after the LeaseDuration.
  await a.stop();
  managers.splice(managers.indexOf(a), 1);
  await eventually(() => b.election?.elector.isLeader(), { clock, stepMs: 1000, message: 'b never took over' });
  const l = await client.get<Lease & KubeObject>(lease);
  assert.equal(l.spec?.holderIdentity, 'host-b_2');
  assert.equal(l.spec?.leaseTransitions, 1);

  await client.patch({ ...deployments, name: 'web' }, { spec: { replicas: 3 } }, 'merge');
  await eventually(async () => {
    const rss = (await client.list<KubeObject & { spec?: { replicas?: number } }>(replicasets)).items;
    return rss.length === 1 && rss[0]?.spec?.replicas === 3 && (await client.list(pods)).items.length === 3;
  }, { clock, stepMs: 500, message: 'the new leader did not scale' });
});
