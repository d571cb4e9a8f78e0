import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../../kubeclient/client.js';
import type { KubeObject } from '../../../kubeclient/types.js';
import { ManualClock, rfc3339 } from '../../../lib/clock.js';
import { startInProcessCluster, type InProcessCluster } from '../../../server/in-process-transport.js';
import { BUDGET_VIOLATION, MULTIPLE_BUDGETS } from './pod-eviction.js';

const clock = new ManualClock(Date.parse('2025-01-01T00:00:00Z'));
let cluster: InProcessCluster;
let client: KubeClient;
const NS = 'default';
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: NS };
const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespace: NS };

interface Answer {
  status: number;
  body: { kind?: string; status?: string; message?: string; reason?: string; code?: number; details?: { causes?: { reason?: string; message?: string }[]; retryAfterSeconds?: number } };
}

async function evict(name: string, extra: Record<string, unknown> = {}, query?: Record<string, string>): Promise<Answer> {
  const res = await cluster.transport.request({
    method: 'POST',
    path: `/api/v1/namespaces/${NS}/pods/${name}/eviction`,
    query,
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: NS }, ...extra },
  });
  return res as Answer;
}

/** A pod as the kubelet would report it: bound, Running (or `phase`), Ready or not. */
async function pod(name: string, labels: Record<string, string>, ready = true, phase = 'Running'): Promise<KubeObject> {
  await client.create(PODS, { metadata: { name, labels }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'nginx' }] } });
  const st = ready ? 'True' : 'False';
  return client.patch({ ...PODS, name, subresource: 'status' }, { status: { phase, conditions: [{ type: 'Ready', status: st }] } }, 'merge');
}

/** A budget whose status is what the disruption controller would have written. */
async function budget(name: string, selector: Record<string, string>, status: Record<string, unknown>, spec: Record<string, unknown> = {}): Promise<KubeObject> {
  const created = await client.create<KubeObject>(PDBS, { metadata: { name }, spec: { minAvailable: 2, selector: { matchLabels: selector }, ...spec } });
  return client.update({ ...PDBS, name, subresource: 'status' }, { ...created, status: { observedGeneration: 1, expectedPods: 3, conditions: [], ...status } });
}

const get = (name: string) => client.get<KubeObject & { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }>({ ...PODS, name });
const getPdb = (name: string) => client.get<KubeObject & { status?: { disruptionsAllowed?: number; disruptedPods?: Record<string, string>; conditions?: { type: string; status: string; reason?: string }[] } }>({ ...PDBS, name });

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
});
after(() => cluster.stop());

describe('pods/eviction', () => {
  it('is listed in discovery as a policy/v1 Eviction subresource (what kubectl drain checks)', async () => {
    const list = await client.raw<{ resources: { name: string; group?: string; version?: string; kind: string; verbs: string[] }[] }>({ method: 'GET', path: '/api/v1' });
    const ev = list.resources.find((r) => r.name === 'pods/eviction');
    assert.deepEqual(ev && { group: ev.group, version: ev.version, kind: ev.kind, verbs: ev.verbs }, { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  });

  it('evicts a pod no budget covers: 201 Success, DisruptionTarget condition, graceful delete', async () => {
    await pod('free', { app: 'free' });
    const r = await evict('free');
    assert.equal(r.status, 201);
    assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const p = await get('free');
    assert.ok(p.metadata?.deletionTimestamp, 'graceful deletion started');
    const c = p.status!.conditions!.find((x) => x.type === 'DisruptionTarget');
    assert.deepEqual([c?.status, c?.reason, c?.message], ['True', 'EvictionByEvictionAPI', 'Eviction API: evicting']);
  });

  it('applies the eviction deleteOptions and answers 404 for a missing pod', async () => {
    await pod('now', { app: 'now' });
    assert.equal((await evict('now', { deleteOptions: { gracePeriodSeconds: 0 } })).status, 201);
    await assert.rejects(get('now'), /not found/);
    assert.equal((await evict('now')).status, 404);
    await pod('named', { app: 'named' });
    const wrong = await evict('named', { metadata: { name: 'other' } });
    assert.deepEqual([wrong.status, wrong.body.message], [400, 'name in URL does not match name in Eviction object']);
  });

  it('takes a disruption from the budget, then refuses with 429 and the DisruptionBudget cause', async () => {
    for (const n of ['db-0', 'db-1', 'db-2']) await pod(n, { app: 'db' });
    await budget('db', { app: 'db' }, { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    const ok = await evict('db-0');
    assert.equal(ok.status, 201);
    const pdb = await getPdb('db');
    assert.equal(pdb.status!.disruptionsAllowed, 0);
    assert.deepEqual(pdb.status!.disruptedPods, { 'db-0': rfc3339(clock.now()) });
    assert.deepEqual(pdb.status!.conditions!.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
    const no = await evict('db-1');
    assert.equal(no.status, 429);
    assert.equal(no.body.reason, 'TooManyRequests');
    assert.equal(no.body.message, BUDGET_VIOLATION);
    assert.deepEqual(no.body.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget db needs 2 healthy pods and has 3 currently' }]);
    assert.equal((await get('db-1')).metadata?.deletionTimestamp, undefined);
  });

  it('dry runs check the budget without writing', async () => {
    await pod('dry-0', { app: 'dry' });
    await budget('dry', { app: 'dry' }, { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    assert.equal((await evict('dry-0', {}, { dryRun: 'All' })).status, 201);
    assert.equal((await getPdb('dry')).status!.disruptionsAllowed, 1);
    assert.equal((await get('dry-0')).metadata?.deletionTimestamp, undefined);
  });

  it('answers 429 with Retry-After while the budget has not observed its generation', async () => {
    await pod('gen-0', { app: 'gen' });
    const b = await budget('gen', { app: 'gen' }, { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    await client.update({ ...PDBS, name: 'gen' }, { ...b, spec: { ...(b.spec as object), minAvailable: 1 } });
    const r = await evict('gen-0');
    assert.equal(r.status, 429);
    assert.equal(r.body.details?.retryAfterSeconds, 10);
    assert.deepEqual(r.body.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget gen is still being processed by the server.' }]);
  });

  it('refuses pods with several budgets with a 500 Status', async () => {
    await pod('multi-0', { app: 'multi', tier: 'x' });
    await budget('multi-a', { app: 'multi' }, { currentHealthy: 3, desiredHealthy: 1, disruptionsAllowed: 2 });
    await budget('multi-b', { tier: 'x' }, { currentHealthy: 3, desiredHealthy: 1, disruptionsAllowed: 2 });
    const r = await evict('multi-0');
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: MULTIPLE_BUDGETS, code: 500 });
  });

  it('evicts pending, terminal and (per unhealthyPodEvictionPolicy) unready pods', async () => {
    await budget('guard', { app: 'guard' }, { currentHealthy: 1, desiredHealthy: 2, disruptionsAllowed: 0 });
    await pod('guard-pending', { app: 'guard' }, false, 'Pending');
    await pod('guard-done', { app: 'guard' }, false, 'Succeeded');
    await pod('guard-unready', { app: 'guard' }, false);
    assert.equal((await evict('guard-pending')).status, 201);
    assert.equal((await evict('guard-done')).status, 201);
    // IfHealthyBudget (default): the budget is not met, so an unready pod is protected too.
    assert.equal((await evict('guard-unready')).status, 429);
    await budget('always', { app: 'always' }, { currentHealthy: 1, desiredHealthy: 2, disruptionsAllowed: 0 }, { unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    await pod('always-unready', { app: 'always' }, false);
    await pod('always-ready', { app: 'always' });
    assert.equal((await evict('always-unready')).status, 201);
    assert.equal((await evict('always-ready')).status, 429);
    assert.equal((await getPdb('always')).status!.disruptionsAllowed, 0);
  });
});
