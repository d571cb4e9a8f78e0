import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { ENDPOINTS, LAST_CHANGE_TRIGGER_TIME, PODS, SERVICES, type EndpointsObject, type PodObject } from '../endpointslice/objects.js';
import { createNode, reportStatus, runPod } from '../endpointslice/testing.js';
import { EndpointsController } from './endpoints-controller.js';
import { truncateSubsets } from './subsets.js';

const clock = new ManualClock(Date.parse('2025-01-01T00:00:00Z'));
let cluster: InProcessCluster;
let client: KubeClient;
let controller: EndpointsController;

const wait = <T>(check: () => T | Promise<T>, message: string) => eventually(check, { clock, stepMs: 50, message });
async function endpoints(name: string): Promise<EndpointsObject | undefined> {
  try {
    return await client.get<EndpointsObject>({ ...ENDPOINTS, namespace: 'default', name });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  controller = new EndpointsController({ client, informers: new SharedInformers(client, clock, log), clock, log });
  controller.start();
  await controller.synced;
  await createNode(client, 'node-a', 'eu-central-1a');
});
after(async () => {
  await controller.stop();
  await cluster.stop();
});

describe('endpoints controller', () => {
  it('lists ready pods as addresses and unready ones as notReadyAddresses, per resolved port', async () => {
    const ports = [{ name: 'http', containerPort: 8080 }];
    for (let i = 1; i <= 3; i++) await runPod(client, clock, 'default', `api-${i}`, { labels: { app: 'api' }, node: 'node-a', ip: `10.0.0.${i}`, ports });
    await runPod(client, clock, 'default', 'api-4', { labels: { app: 'api' }, node: 'node-a', ip: '10.0.0.4', ready: false, ports });
    await client.create({ ...SERVICES, namespace: 'default' }, { metadata: { name: 'api', labels: { tier: 'be' } }, spec: { selector: { app: 'api' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] } });
    const ep = await wait(async () => {
      const e = await endpoints('api');
      return e?.subsets?.[0]?.addresses?.length === 3 ? e : undefined;
    }, 'endpoints with three addresses');
    assert.deepEqual(ep.metadata?.labels, { tier: 'be' });
    assert.ok(ep.metadata?.annotations?.[LAST_CHANGE_TRIGGER_TIME]);
    assert.equal(ep.subsets!.length, 1);
    const s = ep.subsets![0]!;
    assert.deepEqual(s.addresses!.map((a) => a.ip), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    assert.deepEqual(s.notReadyAddresses!.map((a) => [a.ip, a.nodeName, a.targetRef?.name]), [['10.0.0.4', 'node-a', 'api-4']]);
    assert.deepEqual(s.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
  });

  it('moves a pod to addresses when it becomes ready, and drops deleted pods', async () => {
    const pod = await client.get<PodObject>({ ...PODS, namespace: 'default', name: 'api-4' });
    await reportStatus(client, clock, pod, true);
    await wait(async () => (await endpoints('api'))?.subsets?.[0]?.addresses?.length === 4, 'four ready');
    await client.delete({ ...PODS, namespace: 'default', name: 'api-1' }, { gracePeriodSeconds: 0 });
    const ep = await wait(async () => {
      const e = await endpoints('api');
      return e?.subsets?.[0]?.addresses?.length === 3 ? e : undefined;
    }, 'api-1 dropped');
    assert.equal(ep.subsets![0]!.notReadyAddresses, undefined);
  });

  it('leaves selectorless services alone and deletes Endpoints of deleted services', async () => {
    await client.create({ ...SERVICES, namespace: 'default' }, { metadata: { name: 'ext' }, spec: { ports: [{ port: 443 }] } });
    await client.create({ ...ENDPOINTS, namespace: 'default' }, { metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 443 }] }] });
    await client.delete({ ...SERVICES, namespace: 'default', name: 'api' });
    await wait(async () => !(await endpoints('api')), 'endpoints deleted with the service');
    assert.deepEqual((await endpoints('ext'))?.subsets?.[0]?.addresses, [{ ip: '192.0.2.1' }]);
  });

  it('marks headless services and keeps addresses of port-less headless services', async () => {
    await runPod(client, clock, 'default', 'db-0', { labels: { app: 'db' }, node: 'node-a', ip: '10.0.1.1' });
    await client.create({ ...SERVICES, namespace: 'default' }, { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' } } });
    const ep = await wait(async () => {
      const e = await endpoints('db');
      return e?.subsets?.length ? e : undefined;
    }, 'headless endpoints');
    assert.deepEqual(ep.metadata?.labels, { 'service.kubernetes.io/headless': '' });
    assert.deepEqual(ep.subsets![0]!.addresses!.map((a) => a.ip), ['10.0.1.1']);
    assert.equal(ep.subsets![0]!.ports, undefined);
  });

  it('truncates to 1000 addresses, not-ready first, proportionally across subsets', () => {
    const addrs = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ ip: `${p}.${i}` }));
    const subsets = [
      { addresses: addrs(600, 'a'), notReadyAddresses: addrs(300, 'b'), ports: [{ port: 1 }] },
      { addresses: addrs(200, 'c'), notReadyAddresses: addrs(100, 'd'), ports: [{ port: 2 }] },
    ];
    assert.equal(truncateSubsets(subsets), true);
    assert.deepEqual(subsets.map((s) => [s.addresses.length, s.notReadyAddresses.length]), [[600, 150], [200, 50]]);
    const ready = [{ addresses: addrs(900, 'a'), notReadyAddresses: addrs(5, 'b') }, { addresses: addrs(300, 'c') }];
    truncateSubsets(ready);
    assert.deepEqual(ready.map((s) => [s.addresses.length, s.notReadyAddresses?.length]), [[750, 0], [250, 0]]);
    assert.equal(truncateSubsets([{ addresses: addrs(1000, 'a') }]), false);
  });

  it('sets over-capacity: truncated beyond 1000 pods', async () => {
    // The pods come first so that one sync sees them all.
    const pods: Promise<unknown>[] = [];
    for (let i = 0; i < 1001; i++) pods.push(runPod(client, clock, 'default', `many-${i}`, { labels: { app: 'many' }, node: 'node-a', ip: `10.2.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
    await Promise.all(pods);
    await client.create({ ...SERVICES, namespace: 'default' }, { metadata: { name: 'many' }, spec: { selector: { app: 'many' }, ports: [{ port: 80 }] } });
    const ep = await wait(async () => {
      const e = await endpoints('many');
      return e?.metadata?.annotations?.['endpoints.kubernetes.io/over-capacity'] ? e : undefined;
    }, 'over capacity');
    assert.equal(ep.metadata?.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
    assert.equal(ep.subsets![0]!.addresses!.length, 1000);
  });
});
