import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock, rfc3339 } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import type { PodObject } from '../node-lifecycle/objects.js';
import { normalizeWithBehavior, newHistory } from './behavior.js';
import { HorizontalController } from './horizontal-controller.js';
import type { Hpa } from './hpa-status.js';
import { CPU_USAGE_ANNOTATION } from './metrics.js';

const clock = new ManualClock();
let cluster: InProcessCluster;
let client: KubeClient;
let controller: HorizontalController;
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
const HPAS: ResourceRef = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespace: 'default' };
const settle = () => new Promise((r) => setTimeout(r, 25));
const scale = async () => client.get<KubeObject & { spec: { replicas: number }; status: { selector: string } }>({ ...DEPLOYMENTS, name: 'web', subresource: 'scale' });
const hpa = async () => client.get<Hpa>({ ...HPAS, name: 'web' });
const condition = (h: Hpa, type: string) => h.status?.conditions?.find((c) => c.type === type);

async function setUsage(usage: string): Promise<void> {
  for (const name of ['web-a', 'web-b']) await client.patch({ ...PODS, name }, { metadata: { annotations: { [CPU_USAGE_ANNOTATION]: usage } } }, 'merge');
}

/** Moves the clock one HPA sync period at a time until `check` holds; returns the seconds it took. */
async function syncUntil(check: () => Promise<boolean>, maxSeconds: number): Promise<number> {
  for (let s = 0; s <= maxSeconds; s += 15) {
    if (await check()) return s;
    clock.advance(15_000);
    await settle();
  }
  throw new Error(`not reached within ${maxSeconds} s`);
}

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  const labels = { app: 'web' };
  const container = { name: 'app', image: 'nginx', resources: { requests: { cpu: '100m' } } };
  const deploy = await client.create(DEPLOYMENTS, { metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container] } } } });
  await client.update({ ...DEPLOYMENTS, name: 'web', subresource: 'status' }, { ...deploy, status: { replicas: 2, readyReplicas: 2 } });
  const long = rfc3339(clock.now() - 600_000);
  for (const name of ['web-a', 'web-b']) {
    const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deploy.metadata!.uid!, controller: true }];
    const pod = await client.create<PodObject>(PODS, { metadata: { name, labels, ownerReferences, annotations: { [CPU_USAGE_ANNOTATION]: '90m' } }, spec: { containers: [container] } });
    await client.update({ ...PODS, name, subresource: 'status' }, { ...pod, status: { phase: 'Running', startTime: long, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: long }] } });
  }
  await client.create(HPAS, {
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
  });
  controller = new HorizontalController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
  await settle();
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

test('scales the Deployment up through its scale subresource when pods use 90% of their CPU request', async () => {
  assert.equal((await scale()).status.selector, 'app=web');
  const took = await syncUntil(async () => (await scale()).spec.replicas === 4, 60);
  assert.equal(took, 15, 'first sync one period after the HPA appeared');
  const h = await hpa();
  assert.equal(h.status?.desiredReplicas, 4);
  assert.equal(h.status?.currentReplicas, 2);
  assert.ok(h.status?.lastScaleTime);
  assert.deepEqual(h.status?.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } } }]);
  assert.equal(condition(h, 'AbleToScale')?.reason, 'SucceededRescale');
  assert.equal(condition(h, 'AbleToScale')?.message, 'the HPA controller was able to update the target scale to 4');
  assert.equal(condition(h, 'ScalingActive')?.message, 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)');
  assert.equal(condition(h, 'ScalingLimited')?.reason, 'DesiredWithinRange');
  const events = await client.list<KubeObject & { reason?: string; message?: string }>({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  assert.deepEqual(events.items.filter((e) => e.reason === 'SuccessfulRescale').map((e) => e.message), ['New size: 4; reason: cpu resource utilization (percentage of request) above target']);
});

test('scales down only after the 300 s stabilization window', async () => {
  await setUsage('10m');
  clock.advance(15_000 * 10);
  await settle();
  assert.equal((await scale()).spec.replicas, 4, 'held by the higher recent recommendation');
  const h = await hpa();
  assert.equal(condition(h, 'AbleToScale')?.reason, 'ScaleDownStabilized');
  assert.equal(h.status?.currentMetrics?.[0]?.resource?.current.averageUtilization, 10);
  await syncUntil(async () => (await scale()).spec.replicas === 1, 300);
  assert.ok(clock.now() - Date.parse((await hpa()).status!.lastScaleTime!) < 15_000);
  const events = await client.list<KubeObject & { reason?: string; message?: string }>({ group: '', version: 'v1', resource: 'events', namespace: 'default' });
  assert.ok(events.items.some((e) => e.reason === 'SuccessfulRescale' && e.message === 'New size: 1; reason: All metrics below target'));
});

test('behavior policies limit the rate and the scale-up window stabilizes', () => {
  const h = newHistory();
  const behavior = { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] }, scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
  const up = normalizeWithBehavior(h, behavior, 2, 20, 1, 50, 0, 300_000);
  assert.equal(up.replicas, 6, 'max(2+4, 2×2)');
  assert.deepEqual([up.scalingLimited.reason, up.scalingLimited.limited], ['ScaleUpLimit', true]);
  const down = normalizeWithBehavior(h, behavior, 6, 2, 1, 50, 61_000, 300_000);
  assert.equal(down.replicas, 5, 'one pod per minute');
  assert.equal(down.scalingLimited.reason, 'ScaleDownLimit');
});
