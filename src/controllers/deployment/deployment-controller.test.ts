import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DeploymentCondition } from 'kubernetes-types/apps/v1.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { REPLICA_SETS, ReplicaSetController } from '../replicaset/replicaset-controller.js';
import { listPods, setPodReady, startTestCluster, type TestCluster } from '../replicaset/workload-harness.test.js';
import { DeploymentController } from './deployment-controller.js';
import { computeHash } from './hash.js';
import type { Dep, RS } from './replicas.js';
import { DEPLOYMENTS } from './sync.js';

let t: TestCluster;
let controllers: { stop(): Promise<void> }[];

before(async () => {
  t = await startTestCluster();
  const rsc = new ReplicaSetController(t.ctx);
  const dc = new DeploymentController(t.ctx);
  controllers = [rsc, dc];
  rsc.start();
  dc.start();
  await Promise.all([rsc.synced, dc.synced]);
});
after(async () => {
  for (const c of controllers) await c.stop();
  await t.cluster.stop();
});

const NS = 'default';
const dRef = { ...DEPLOYMENTS, namespace: NS };
const rsRef = { ...REPLICA_SETS, namespace: NS };
const step = { clock: undefined, stepMs: 0 };

function deployment(name: string, replicas: number, spec: Record<string, unknown> = {}, image = 'nginx:1'): Dep {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...spec,
    },
  } as Dep;
}

const getD = (name: string) => t.client.get<Dep>({ ...dRef, name });
const setImage = (name: string, image: string) => t.client.patch({ ...dRef, name }, { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } }, 'strategic');
const cond = (d: Dep, type: string): DeploymentCondition | undefined => d.status?.conditions?.find((c) => c.type === type);

async function replicaSets(app: string): Promise<RS[]> {
  const list = await t.client.list<RS>(rsRef, { labelSelector: `app=${app}` });
  return list.items.filter((rs) => !rs.metadata?.deletionTimestamp).sort((a, b) => a.metadata!.creationTimestamp!.localeCompare(b.metadata!.creationTimestamp!) || 0);
}

/** Lets watches, queues and workers run (real time) without moving the manual clock. */
async function settle(ms = 40): Promise<void> {
  for (let i = 0; i < ms / 5; i++) await new Promise((r) => setTimeout(r, 5));
}

/** Marks up to `n` not-ready pods of `app` ready (all when n is omitted); returns how many. */
async function readyPods(app: string, n = Infinity): Promise<number> {
  let done = 0;
  for (const p of await listPods(t.client, NS, `app=${app}`)) {
    if (done >= n) break;
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    await setPodReady(t.client, t.clock, p);
    done++;
  }
  return done;
}

/** kubectl rollout status's test: observed, all updated, all available, no old replicas left. */
function rolloutDone(d: Dep): boolean {
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) >= (d.metadata!.generation ?? 0) && (s.updatedReplicas ?? 0) === d.spec!.replicas && (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && (s.availableReplicas ?? 0) === (s.updatedReplicas ?? 0);
}

async function rollOutFully(app: string): Promise<Dep> {
  return eventually(async () => {
    await readyPods(app);
    const d = await getD(app);
    return rolloutDone(d) && cond(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' ? d : undefined;
  }, { ...step, timeoutMs: 8000 });
}

test('a Deployment gets a ReplicaSet named by its template hash, with revision and replicas annotations, and completes', async () => {
  const created = await t.client.create<Dep>(dRef, deployment('web', 3));
  const [rs] = await eventually(async () => {
    const l = await replicaSets('web');
    return l.length === 1 ? l : undefined;
  });
  const hash = computeHash(created.spec!.template, undefined);
  assert.match(hash, /^[4-9bcdf]{6,10}$/);
  assert.equal(rs!.metadata!.name, `web-${hash}`);
  assert.equal(rs!.metadata!.labels!['pod-template-hash'], hash);
  assert.equal(rs!.spec!.selector!.matchLabels!['pod-template-hash'], hash);
  assert.deepEqual(rs!.metadata!.annotations, { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
  assert.equal(rs!.metadata!.ownerReferences![0]!.uid, created.metadata!.uid);
  const d = await rollOutFully('web');
  assert.equal(d.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
  assert.deepEqual({ ...d.status, conditions: undefined }, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined });
  assert.deepEqual([cond(d, 'Available')?.status, cond(d, 'Available')?.reason, cond(d, 'Available')?.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
  assert.equal(cond(d, 'Progressing')?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
  const events = (await t.client.list(({ group: '', version: 'v1', resource: 'events', namespace: NS }))).items as (KubeObject & { reason?: string; message?: string; source?: { component?: string } })[];
  const scaled = events.find((e) => e.reason === 'ScalingReplicaSet');
  assert.equal(scaled?.message, `Scaled up replica set web-${hash} from 0 to 3`);
  assert.equal(scaled?.source?.component, 'deployment-controller');
});

test('a rolling update keeps within maxSurge (rounded up) and maxUnavailable (rounded down) at every step', async () => {
  // 4 replicas: maxSurge 30% → 2, maxUnavailable 30% → 1.
  await t.client.create<Dep>(dRef, deployment('roll', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '30%', maxUnavailable: '30%' } } }));
  await rollOutFully('roll');
  await setImage('roll', 'nginx:2');
  let steps = 0;
  let mostPods = 0;
  let fewestAvailable = Infinity;
  for (;;) {
    await settle();
    const rss = await replicaSets('roll');
    const pods = await listPods(t.client, NS, 'app=roll');
    const specTotal = rss.reduce((n, rs) => n + (rs.spec!.replicas ?? 0), 0);
    const available = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    assert.ok(specTotal <= 6, `ReplicaSets ask for ${specTotal} > 4 + 2`);
    assert.ok(pods.length <= 6, `${pods.length} pods > 4 + 2`);
    assert.ok(available >= 3, `${available} available < 4 - 1`);
    mostPods = Math.max(mostPods, specTotal);
    fewestAvailable = Math.min(fewestAvailable, available);
    const d = await getD('roll');
    if (rolloutDone(d) && rss.filter((rs) => rs.spec!.replicas).length === 1) break;
    await readyPods('roll', 1);
    assert.ok(++steps < 40, 'rollout did not finish');
  }
  assert.deepEqual([mostPods, fewestAvailable], [6, 3], 'the whole surge and unavailability budget is used');
  const rss = await replicaSets('roll');
  assert.equal(rss.length, 2);
  assert.deepEqual(rss.map((rs) => [rs.spec!.replicas, rs.metadata!.annotations!['deployment.kubernetes.io/revision']]), [[0, '1'], [4, '2']]);
  const d = await rollOutFully('roll');
  assert.equal(d.metadata!.annotations!['deployment.kubernetes.io/revision'], '2');
});

test('Recreate removes every old pod before the new ReplicaSet starts any', async () => {
  await t.client.create<Dep>(dRef, deployment('rec', 3, { strategy: { type: 'Recreate' } }));
  await rollOutFully('rec');
  const [old] = await replicaSets('rec');
  await setImage('rec', 'nginx:2');
  for (let i = 0; i < 30; i++) {
    await settle(20);
    const pods = await listPods(t.client, NS, 'app=rec');
    const owners = new Set(pods.map((p) => p.metadata!.ownerReferences![0]!.uid));
    assert.ok(owners.size <= 1, 'old and new pods never coexist');
    if (pods.length === 3 && !owners.has(old!.metadata!.uid!)) break;
  }
  const d = await rollOutFully('rec');
  assert.equal(d.status!.updatedReplicas, 3);
});

test('a paused Deployment does not roll out; resuming does', async () => {
  await t.client.create<Dep>(dRef, deployment('pause', 2));
  await rollOutFully('pause');
  await t.client.patch({ ...dRef, name: 'pause' }, { spec: { paused: true } });
  await setImage('pause', 'nginx:2');
  const paused = await eventually(async () => {
    const d = await getD('pause');
    return d.status?.observedGeneration === d.metadata!.generation && cond(d, 'Progressing')?.reason === 'DeploymentPaused' ? d : undefined;
  });
  assert.deepEqual([cond(paused, 'Progressing')?.status, cond(paused, 'Progressing')?.message], ['Unknown', 'Deployment is paused']);
  await settle();
  assert.equal((await replicaSets('pause')).length, 1);
  await t.client.patch({ ...dRef, name: 'pause' }, { spec: { paused: false } });
  await eventually(async () => (await replicaSets('pause')).length === 2);
  const d = await rollOutFully('pause');
  assert.equal(d.metadata!.annotations!['deployment.kubernetes.io/revision'], '2');
});

test('writing an old template back (kubectl rollout undo) reuses its ReplicaSet with the next revision', async () => {
  await t.client.create<Dep>(dRef, deployment('undo', 2));
  await rollOutFully('undo');
  const [first] = await replicaSets('undo');
  await setImage('undo', 'nginx:2');
  await eventually(async () => (await replicaSets('undo')).length === 2);
  await rollOutFully('undo');
  await setImage('undo', 'nginx:1');
  const reused = await eventually(async () => {
    const rs = await t.client.get<RS>({ ...rsRef, name: first!.metadata!.name });
    return rs.metadata!.annotations!['deployment.kubernetes.io/revision'] === '3' ? rs : undefined;
  });
  assert.equal(reused.metadata!.uid, first!.metadata!.uid);
  assert.equal(reused.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '1');
  const d = await rollOutFully('undo');
  assert.equal(d.metadata!.annotations!['deployment.kubernetes.io/revision'], '3');
  assert.equal((await replicaSets('undo')).length, 2, 'no third ReplicaSet');
});

test('a rollout that makes no progress for progressDeadlineSeconds is reported as ProgressDeadlineExceeded', async () => {
  await t.client.create<Dep>(dRef, deployment('stuck', 2, { progressDeadlineSeconds: 30 }));
  const progressing = await eventually(async () => {
    const d = await getD('stuck');
    return cond(d, 'Progressing')?.reason === 'NewReplicaSetCreated' ? d : undefined;
  });
  assert.match(cond(progressing, 'Progressing')!.message!, /^Created new replica set "stuck-[a-z0-9]+"$/);
  await settle();
  t.clock.advance(20_000);
  await settle();
  assert.notEqual(cond(await getD('stuck'), 'Progressing')?.reason, 'ProgressDeadlineExceeded');
  t.clock.advance(12_000);
  const d = await eventually(async () => {
    const x = await getD('stuck');
    return cond(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
  });
  const c = cond(d, 'Progressing')!;
  assert.equal(c.status, 'False');
  assert.match(c.message!, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
  assert.deepEqual([cond(d, 'Available')?.status, cond(d, 'Available')?.reason], ['False', 'MinimumReplicasUnavailable']);
});

test('old ReplicaSets beyond revisionHistoryLimit are deleted, oldest revision first', async () => {
  await t.client.create<Dep>(dRef, deployment('hist', 1, { revisionHistoryLimit: 1 }));
  await rollOutFully('hist');
  const [first] = await replicaSets('hist');
  for (const image of ['nginx:2', 'nginx:3']) {
    await setImage('hist', image);
    await eventually(async () => (await getD('hist')).status?.observedGeneration === (await getD('hist')).metadata!.generation);
    await rollOutFully('hist');
  }
  const left = await eventually(async () => {
    const l = await replicaSets('hist');
    return l.length === 2 ? l : undefined;
  });
  assert.ok(!left.some((rs) => rs.metadata!.uid === first!.metadata!.uid), 'revision 1 is gone');
  assert.deepEqual(left.map((rs) => rs.metadata!.annotations!['deployment.kubernetes.io/revision']).sort(), ['2', '3']);
});

test('scaling in the middle of a rollout spreads the new replicas in proportion (upstream proportional scaling)', async () => {
  await t.client.create<Dep>(dRef, deployment('prop', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
  await rollOutFully('prop');
  await setImage('prop', 'nginx:broken');
  const sizes = async () => (await replicaSets('prop')).map((rs) => rs.spec!.replicas);
  await eventually(async () => JSON.stringify(await sizes()) === '[8,5]');
  await t.client.patch({ ...dRef, name: 'prop' }, { spec: { replicas: 15 } });
  await eventually(async () => JSON.stringify(await sizes()) === '[11,7]');
  for (const rs of await replicaSets('prop')) {
    assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '15');
    assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '18');
  }
});
