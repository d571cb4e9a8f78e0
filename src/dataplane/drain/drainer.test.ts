/**
 * The drainer against an in-process API server with the real disruption controller; the test plays
 * kubelet (reports pods Ready, finishes the deletion of evicted pods). A PodDisruptionBudget holds
 * the second pod of a node back until a replacement elsewhere is Ready; DaemonSet and mirror pods
 * stay; a budget that never allows a disruption ends the drain at its deadline with the pod left.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pod as CorePod } from 'kubernetes-types/core/v1.js';
import { DisruptionController } from '../../controllers/disruption/disruption-controller.js';
import { createNode, runPod } from '../../controllers/endpointslice/testing.js';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { Drainer, type DrainResult } from './drainer.js';

type Pod = CorePod & KubeObject;
const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespace: 'default' };
let cluster: InProcessCluster;
let client: KubeClient;
let disruption: DisruptionController;
let drainer: Drainer;

/** The kubelet's part: pods being deleted finish at once. */
async function finishDeletions(): Promise<void> {
  for (const p of (await client.list<Pod>(PODS)).items) {
    if (p.metadata?.deletionTimestamp) await client.delete({ ...PODS, name: p.metadata.name! }, { gracePeriodSeconds: 0 }).catch(() => undefined);
  }
}
const names = async (node: string) => (await client.list<Pod>(PODS, { fieldSelector: `spec.nodeName=${node}` })).items.map((p) => p.metadata!.name!).sort();
const allowed = async (name: string) => ((await client.get<{ status?: { disruptionsAllowed?: number } } & Pod>({ ...PDBS, name })).status?.disruptionsAllowed ?? -1);

/** Runs the drain while playing kubelet and moving the clock, until it resolves. */
async function drive(drain: Promise<DrainResult>, step?: () => Promise<void>): Promise<DrainResult> {
  let result: DrainResult | undefined;
  void drain.then((r) => (result = r));
  return eventually(async () => {
    await finishDeletions();
    await step?.();
    return result;
  }, { clock, stepMs: 500, timeoutMs: 10_000, message: 'drain finished' });
}

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  disruption = new DisruptionController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  disruption.start();
  await disruption.synced;
  drainer = new Drainer({ client, clock, log });
  await createNode(client, 'node-a', 'us-east-1a');
  await createNode(client, 'node-b', 'us-east-1b');
});
after(async () => {
  await disruption.stop();
  await cluster.stop();
});

describe('Drainer', () => {
  it('cordons, evicts within the budget, retries the refused pod until a replacement is Ready, leaves DaemonSet and mirror pods', async () => {
    await runPod(client, clock, 'default', 'web-0', { labels: { app: 'web' }, node: 'node-a', ip: '10.0.0.1' });
    await runPod(client, clock, 'default', 'web-1', { labels: { app: 'web' }, node: 'node-a', ip: '10.0.0.2' });
    await runPod(client, clock, 'default', 'web-2', { labels: { app: 'web' }, node: 'node-b', ip: '10.0.0.3' });
    await runPod(client, clock, 'default', 'agent-a', { labels: { app: 'agent' }, node: 'node-a', ip: '10.0.0.4', owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'ds-uid', controller: true } });
    await client.create<Pod>(PODS, { metadata: { name: 'static-node-a', annotations: { 'kubernetes.io/config.mirror': 'abc' } }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'pause' }] } });
    await client.create(PDBS, { metadata: { name: 'web' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    await eventually(async () => (await allowed('web')) === 1, { clock, stepMs: 50, message: 'budget allows one' });

    let replaced = false;
    let heldBack = 0;
    const result = await drive(drainer.drain('node-a', { timeoutMs: 120_000 }), async () => {
      const left = (await names('node-a')).filter((n) => n.startsWith('web'));
      if (left.length === 1 && !replaced) {
        // The budget holds the second pod back for a while; then its replacement becomes Ready.
        if (++heldBack < 30) return;
        replaced = true;
        await runPod(client, clock, 'default', 'web-3', { labels: { app: 'web' }, node: 'node-b', ip: '10.0.0.5' });
      }
    });
    assert.ok(heldBack >= 30, 'one pod waited on the budget');
    assert.deepEqual(result, { node: 'node-a', evicted: ['default/web-0', 'default/web-1'], remaining: [], timedOut: false });
    assert.deepEqual(await names('node-a'), ['agent-a', 'static-node-a']);
    const node = await client.get<{ spec?: { unschedulable?: boolean } } & Pod>({ group: '', version: 'v1', resource: 'nodes', name: 'node-a' });
    assert.equal(node.spec?.unschedulable, true);
  });

  it('a budget that never allows a disruption: the drain ends at its deadline and reports the pod', async () => {
    await runPod(client, clock, 'default', 'db-0', { labels: { app: 'db' }, node: 'node-b', ip: '10.0.1.1' });
    await client.create(PDBS, { metadata: { name: 'db' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
    await eventually(async () => (await client.get<Pod & { status?: { expectedPods?: number } }>({ ...PDBS, name: 'db' })).status?.expectedPods === 1, { clock, stepMs: 50 });
    const start = clock.now();
    const result = await drive(drainer.drain('node-b', { timeoutMs: 30_000 }));
    assert.ok(clock.now() - start >= 25_000, 'it retried until the deadline');
    assert.equal(result.timedOut, true);
    assert.ok(result.remaining.includes('default/db-0'));
    assert.ok((await names('node-b')).includes('db-0'));
  });
});
