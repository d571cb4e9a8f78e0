import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Endpoint } from 'kubernetes-types/discovery/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { EndpointSliceController } from './endpointslice-controller.js';
import { ENDPOINT_SLICES, LAST_CHANGE_TRIGGER_TIME, PODS, SERVICES, type EndpointSliceObject, type PodObject, type ServiceObject } from './objects.js';
import { createNode, reportStatus, runPod } from './testing.js';

const clock = new ManualClock(Date.parse('2025-01-01T00:00:00Z'));
let cluster: InProcessCluster;
let client: KubeClient;
let controller: EndpointSliceController;

const wait = <T>(check: () => T | Promise<T>, message: string) => eventually(check, { clock, stepMs: 50, message });

async function slicesOf(ns: string, svc: string): Promise<EndpointSliceObject[]> {
  const list = await client.list<EndpointSliceObject>({ ...ENDPOINT_SLICES, namespace: ns }, { labelSelector: `kubernetes.io/service-name=${svc}` });
  return list.items;
}
const endpointsOf = (slices: EndpointSliceObject[]): Endpoint[] => slices.flatMap((s) => s.endpoints ?? []);
const byPod = (eps: Endpoint[]) => new Map(eps.map((e) => [e.targetRef!.name!, e]));

function service(name: string, selector: Record<string, string>, extra: Partial<ServiceObject['spec']> = {}): ServiceObject {
  return { metadata: { name, labels: { team: 'web' } }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' as unknown as number }], ...extra } };
}

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  controller = new EndpointSliceController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
  await createNode(client, 'node-a', 'eu-central-1a');
  await createNode(client, 'node-b', 'eu-central-1b');
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

describe('endpointslice controller', () => {
  it('publishes ready and not-ready pods with named ports, zones, owner and labels', async () => {
    const ports = [{ name: 'http', containerPort: 8080 }];
    for (let i = 0; i < 3; i++) await runPod(client, clock, 'default', `web-${i}`, { labels: { app: 'web' }, node: i % 2 ? 'node-b' : 'node-a', ip: `10.0.0.${i + 1}`, ports });
    await runPod(client, clock, 'default', 'web-3', { labels: { app: 'web' }, node: 'node-b', ip: '10.0.0.4', ready: false, ports });
    await runPod(client, clock, 'default', 'web-noip', { labels: { app: 'web' }, node: 'node-b', ports });
    await runPod(client, clock, 'default', 'other', { labels: { app: 'other' }, node: 'node-b', ip: '10.0.0.9', ports });
    const svc = await client.create<ServiceObject>({ ...SERVICES, namespace: 'default' }, service('web', { app: 'web' }));

    const slices = await wait(async () => {
      const s = await slicesOf('default', 'web');
      return endpointsOf(s).length === 4 ? s : undefined;
    }, 'four endpoints');
    assert.equal(slices.length, 1);
    const slice = slices[0]!;
    assert.equal(slice.addressType, 'IPv4');
    assert.equal(slice.metadata?.generateName, 'web-');
    assert.deepEqual(slice.metadata?.labels, { team: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(slice.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
    assert.ok(slice.metadata?.annotations?.[LAST_CHANGE_TRIGGER_TIME]);
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const eps = byPod(endpointsOf(slices));
    assert.deepEqual(eps.get('web-0'), {
      addresses: ['10.0.0.1'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: eps.get('web-0')!.targetRef!.uid },
      nodeName: 'node-a',
      zone: 'eu-central-1a',
    });
    assert.equal(eps.get('web-1')!.zone, 'eu-central-1b');
    assert.deepEqual(eps.get('web-3')!.conditions, { ready: false, serving: false, terminating: false });
    assert.ok(!eps.has('web-noip') && !eps.has('other'));
  });

  it('updates the same slice in place when readiness changes, and when a pod goes', async () => {
    const [before] = await slicesOf('default', 'web');
    const pod = await client.get<PodObject>({ ...PODS, namespace: 'default', name: 'web-3' });
    await reportStatus(client, clock, pod, true);
    const after = await wait(async () => {
      const s = await slicesOf('default', 'web');
      return byPod(endpointsOf(s)).get('web-3')?.conditions?.ready ? s : undefined;
    }, 'web-3 ready');
    assert.equal(after.length, 1);
    assert.equal(after[0]!.metadata?.name, before!.metadata?.name);
    await client.delete({ ...PODS, namespace: 'default', name: 'web-0' }, { gracePeriodSeconds: 0 });
    const gone = await wait(async () => {
      const s = await slicesOf('default', 'web');
      return endpointsOf(s).length === 3 ? s : undefined;
    }, 'web-0 removed');
    assert.equal(gone[0]!.metadata?.name, before!.metadata?.name);
  });

  it('marks terminating pods, and publishNotReadyAddresses keeps them ready', async () => {
    await client.patch({ ...PODS, namespace: 'default', name: 'web-1' }, { metadata: { finalizers: ['test/hold'] } }, 'merge');
    await client.delete({ ...PODS, namespace: 'default', name: 'web-1' }, { gracePeriodSeconds: 0 });
    const eps = await wait(async () => {
      const e = byPod(endpointsOf(await slicesOf('default', 'web'))).get('web-1');
      return e?.conditions?.terminating ? e : undefined;
    }, 'web-1 terminating');
    assert.deepEqual(eps.conditions, { ready: false, serving: true, terminating: true });
    await client.patch({ ...SERVICES, namespace: 'default', name: 'web' }, { spec: { publishNotReadyAddresses: true } }, 'merge');
    await wait(async () => byPod(endpointsOf(await slicesOf('default', 'web'))).get('web-1')?.conditions?.ready, 'ready with publishNotReadyAddresses');
    await client.patch({ ...PODS, namespace: 'default', name: 'web-1' }, { metadata: { finalizers: null } }, 'merge');
  });

  it('splits more than 100 endpoints into slices of at most 100, and keeps an empty placeholder', async () => {
    await client.create({ ...SERVICES, namespace: 'default' }, { metadata: { name: 'big' }, spec: { selector: { app: 'big' }, ports: [{ port: 80 }] } });
    const empty = await wait(async () => {
      const s = await slicesOf('default', 'big');
      return s.length === 1 ? s : undefined;
    }, 'placeholder slice');
    assert.deepEqual(empty[0]!.endpoints ?? [], []);
    for (let i = 0; i < 105; i++) await runPod(client, clock, 'default', `big-${i}`, { labels: { app: 'big' }, node: 'node-a', ip: `10.1.${Math.floor(i / 200)}.${(i % 200) + 1}` });
    const slices = await wait(async () => {
      const s = await slicesOf('default', 'big');
      return endpointsOf(s).length === 105 ? s : undefined;
    }, '105 endpoints');
    assert.deepEqual(slices.map((s) => s.endpoints!.length).sort((a, b) => a - b), [5, 100]);
    assert.ok(slices.every((s) => s.ports?.[0]?.port === 80));
    assert.ok(slices.some((s) => s.metadata?.name === empty[0]!.metadata?.name), 'the placeholder was filled rather than replaced');
  });

  it('leaves services without a selector alone', async () => {
    await client.create({ ...SERVICES, namespace: 'default' }, { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
    await client.create({ ...SERVICES, namespace: 'default' }, { metadata: { name: 'marker' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
    await wait(async () => (await slicesOf('default', 'marker')).length === 1, 'marker synced');
    assert.deepEqual(await slicesOf('default', 'manual'), []);
  });
});
