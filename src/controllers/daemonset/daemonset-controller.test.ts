import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient, resourcePath } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { DaemonSetController, nodeChangeMatters } from './daemonset-controller.js';
import { targetNodeName } from './placement.js';
import { planRollingUpdate } from './rolling-update.js';

const clock = new ManualClock();
const ns = 'ds';
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespace: ns };
const DS: ResourceRef = { group: 'apps', version: 'v1', resource: 'daemonsets', namespace: ns };
const REVISIONS: ResourceRef = { group: 'apps', version: 'v1', resource: 'controllerrevisions', namespace: ns };
type Obj<T> = T & KubeObject & { metadata: NonNullable<KubeObject['metadata']> };

let cluster: InProcessCluster;
let client: KubeClient;
let informers: SharedInformers;
let controller: DaemonSetController;

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name: ns } });
  for (const name of ['node-a', 'node-b']) await addNode(name);
  await addNode('node-c', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  informers = new SharedInformers(client, clock, silentLogger());
  controller = new DaemonSetController({ client, informers, clock, log: silentLogger() });
  controller.start();
  await controller.synced;
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

async function addNode(name: string, taints: Node['spec'] extends infer S ? (S extends { taints?: infer T } ? T : never) : never = []): Promise<void> {
  await client.create(NODES, { metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { taints } } as KubeObject);
}

async function pods(app: string): Promise<Obj<Pod>[]> {
  return (await client.list<Obj<Pod>>(PODS, { labelSelector: `app=${app}` })).items;
}

/**
 * The test's scheduler and kubelet in one step: binds pending pods to the node they are pinned to
 * (when it exists), marks bound pods Running and Ready, and finishes graceful deletions.
 */
async function kubeletStep(app: string, opts: { ready?: (p: Pod) => boolean } = {}): Promise<void> {
  const nodeNames = new Set((await client.list(NODES)).items.map((n) => n.metadata!.name!));
  for (const p of await pods(app)) {
    const name = p.metadata.name!;
    if (p.metadata.deletionTimestamp) {
      await client.delete({ ...PODS, name }, { gracePeriodSeconds: 0 }).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
      continue;
    }
    if (!p.spec?.nodeName) {
      const node = targetNodeName(p);
      if (!node || !nodeNames.has(node)) continue;
      await client.raw({ method: 'POST', path: resourcePath({ ...PODS, name, subresource: 'binding' }), body: { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } } });
      continue;
    }
    if (p.status?.phase === 'Pending' && (opts.ready?.(p) ?? true)) {
      const now = new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      await client.update({ ...PODS, name, subresource: 'status' }, { ...p, status: { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } });
    }
  }
}

function dsBody(name: string, image: string, extra: Partial<NonNullable<DaemonSet['spec']>> = {}): KubeObject {
  return {
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } }, ...extra },
  } as KubeObject;
}

test('one pod per eligible node, pinned by node affinity with the daemon tolerations; nodes come and go', async () => {
  await client.create(DS, dsBody('agent', 'agent:1'));
  const initial = await eventually(async () => {
    const ps = await pods('agent');
    return ps.length === 2 ? ps : undefined;
  }, { clock });
  assert.deepEqual(initial.map((p) => targetNodeName(p)).sort(), ['node-a', 'node-b'], 'the tainted node gets no pod');
  const p = initial[0]!;
  assert.equal(p.spec?.nodeName, undefined, 'left to the scheduler to bind');
  assert.match(p.metadata.name!, /^agent-[a-z0-9]{5}$/);
  assert.deepEqual(p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.key, 'metadata.name');
  const tolerations = (p.spec?.tolerations ?? []).map((t) => `${t.key}:${t.effect}:${t.tolerationSeconds ?? '-'}`);
  for (const t of ['node.kubernetes.io/not-ready:NoExecute:-', 'node.kubernetes.io/unreachable:NoExecute:-', 'node.kubernetes.io/disk-pressure:NoSchedule:-', 'node.kubernetes.io/memory-pressure:NoSchedule:-', 'node.kubernetes.io/pid-pressure:NoSchedule:-', 'node.kubernetes.io/unschedulable:NoSchedule:-'])
    assert.ok(tolerations.includes(t), `toleration ${t}`);
  assert.ok(!tolerations.some((t) => t.startsWith('node.kubernetes.io/network-unavailable')), 'network-unavailable only for hostNetwork pods');
  const hash = p.metadata.labels?.['controller-revision-hash'];
  assert.ok(hash);
  const revs = (await client.list<Obj<{ revision: number }>>(REVISIONS)).items;
  assert.deepEqual(revs.map((r) => [r.metadata.name, r.revision]), [[`agent-${hash}`, 1]]);
  assert.equal(p.metadata.ownerReferences?.[0]?.kind, 'DaemonSet');

  // Scheduler + kubelet: everything bound, running and ready → rollout status is complete.
  await eventually(async () => {
    await kubeletStep('agent');
    const ds = await client.get<Obj<DaemonSet>>({ ...DS, name: 'agent' });
    const s = ds.status;
    return s?.desiredNumberScheduled === 2 && s.numberReady === 2 && s.updatedNumberScheduled === 2 && s.numberAvailable === 2 && s.observedGeneration === ds.metadata.generation && !s.numberUnavailable;
  }, { clock });
  const events = (await client.list({ group: '', version: 'v1', resource: 'events', namespace: ns })).items as Obj<{ reason?: string; message?: string; source?: { component?: string } }>[];
  const created = events.find((e) => e.reason === 'SuccessfulCreate' && e.message?.startsWith('Created pod: agent-'));
  assert.equal(created?.source?.component, 'daemonset-controller');

  // A node joins: it gets a pod. It leaves before the pod is bound: the pod is deleted.
  await addNode('node-d');
  await eventually(async () => (await pods('agent')).some((x) => targetNodeName(x) === 'node-d'), { clock });
  await client.delete({ ...NODES, name: 'node-d' });
  await eventually(async () => !(await pods('agent')).some((x) => targetNodeName(x) === 'node-d'), { clock });

  // The taint is lifted: the third node gets its pod.
  await client.patch({ ...NODES, name: 'node-c' }, { spec: { taints: null } });
  await eventually(async () => (await pods('agent')).some((x) => targetNodeName(x) === 'node-c'), { clock });
  await eventually(async () => {
    await kubeletStep('agent');
    const s = (await client.get<Obj<DaemonSet>>({ ...DS, name: 'agent' })).status;
    return s?.desiredNumberScheduled === 3 && s.numberReady === 3;
  }, { clock });
});

test('only node changes that can move a verdict wake DaemonSets (heartbeats do not)', () => {
  const node: Node = { metadata: { name: 'n', labels: { a: '1' } }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-01T00:00:00Z' }] } };
  const heartbeat: Node = { ...node, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-01T00:00:40Z' }], allocatable: { cpu: '2' } } };
  assert.equal(nodeChangeMatters(node, heartbeat), false);
  assert.equal(nodeChangeMatters(node, { ...node, metadata: { name: 'n', labels: { a: '2' } } }), true);
  assert.equal(nodeChangeMatters(node, { ...node, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), true);
  assert.equal(nodeChangeMatters(node, { ...node, spec: { unschedulable: true } }), true);
  assert.equal(nodeChangeMatters(node, { ...node, status: { conditions: [{ type: 'Ready', status: 'False' }] } }), true);
});

test('rolling update with maxUnavailable 1 replaces one pod at a time; revisions are kept', async () => {
  await client.patch({ ...DS, name: 'agent' }, { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } }, 'strategic');
  let maxDown = 0;
  let newHash = '';
  await eventually(async () => {
    const ps = await pods('agent');
    const live = ps.filter((p) => !p.metadata.deletionTimestamp);
    const readyOnNodes = new Set(live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((p) => targetNodeName(p)));
    maxDown = Math.max(maxDown, 3 - readyOnNodes.size);
    const ds = await client.get<Obj<DaemonSet>>({ ...DS, name: 'agent' });
    await kubeletStep('agent');
    newHash = live[0]?.metadata.labels?.['controller-revision-hash'] ?? '';
    const s = ds.status;
    return live.length === 3 && live.every((p) => p.spec?.containers[0]?.image === 'agent:2' && p.status?.phase === 'Running') && s?.updatedNumberScheduled === 3 && s.numberAvailable === 3;
  }, { clock, timeoutMs: 10_000 });
  assert.equal(maxDown, 1, 'never more than maxUnavailable nodes without a ready pod');
  const revs = (await client.list<Obj<{ revision: number }>>(REVISIONS)).items.sort((a, b) => a.revision - b.revision);
  assert.deepEqual(revs.map((r) => r.revision), [1, 2]);
  assert.equal(revs[1]!.metadata.name, `agent-${newHash}`);

  // Rollback by template (kubectl rollout undo): the old revision is reused with number 3.
  const oldName = revs[0]!.metadata.name!;
  await client.patch({ ...DS, name: 'agent' }, { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:1' }] } } } }, 'strategic');
  await eventually(async () => {
    const rs = (await client.list<Obj<{ revision: number }>>(REVISIONS)).items;
    return rs.length === 2 && rs.find((r) => r.metadata.name === oldName)?.revision === 3;
  }, { clock });
});

test('planRollingUpdate with maxSurge starts new pods beside old ones, then retires the old ones', () => {
  const ds: DaemonSet = { metadata: { name: 's' }, spec: { selector: {}, template: {}, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } } };
  const nodes: Node[] = ['n1', 'n2'].map((name) => ({ metadata: { name } }));
  const pod = (name: string, hash: string, ready: boolean): Pod => ({ metadata: { name, labels: { 'controller-revision-hash': hash } }, spec: { containers: [], nodeName: name.slice(0, 2) }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2020-01-01T00:00:00Z' }] } });
  const judge = () => ({ shouldRun: true, shouldContinueRunning: true });
  const old = new Map([['n1', [pod('n1-old', 'h1', true)]], ['n2', [pod('n2-old', 'h1', true)]]]);
  assert.deepEqual(planRollingUpdate(ds, nodes, old, judge, 'h2', Date.now()), { podsToDelete: [], nodesToCreate: ['n1'] }, 'one surge pod at a time');
  const surging = new Map([['n1', [pod('n1-old', 'h1', true), pod('n1-new', 'h2', false)]], ['n2', [pod('n2-old', 'h1', true)]]]);
  assert.deepEqual(planRollingUpdate(ds, nodes, surging, judge, 'h2', Date.now()), { podsToDelete: [], nodesToCreate: [] }, 'waits for the new pod');
  const ready = new Map([['n1', [pod('n1-old', 'h1', true), pod('n1-new', 'h2', true)]], ['n2', [pod('n2-old', 'h1', true)]]]);
  assert.deepEqual(planRollingUpdate(ds, nodes, ready, judge, 'h2', Date.now()), { podsToDelete: ['n1-old'], nodesToCreate: ['n2'] });
});
