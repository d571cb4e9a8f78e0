import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event, Service } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { AwsLoadBalancerController, LBC_SERVICE_FINALIZER } from './aws-load-balancer-controller.js';
import { inTreeHostname, lbcHostname } from './hostnames.js';
import { LB_CLEANUP_FINALIZER, ServiceLoadBalancerController } from './service-controller.js';

type Svc = Service & KubeObject;
const SVC = { group: '', version: 'v1', resource: 'services', namespace: 'default' };
const clock = new ManualClock(Date.parse('2025-01-01T00:00:00Z'));
let cluster: InProcessCluster;
let client: KubeClient;
let inTree: ServiceLoadBalancerController;
let lbc: AwsLoadBalancerController;

const wait = <T>(check: () => T | Promise<T>, message: string) => eventually(check, { clock, stepMs: 50, message });
const get = (name: string) => client.get<Svc>({ ...SVC, name });
const hostname = async (name: string) => (await get(name)).status?.loadBalancer?.ingress?.[0]?.hostname;
async function events(name: string): Promise<Event[]> {
  const list = await client.list<Event & KubeObject>({ ...SVC, resource: 'events' });
  return list.items.filter((e) => e.involvedObject.name === name);
}
function lbService(name: string, annotations: Record<string, string> = {}, spec: Partial<Service['spec']> = {}): Svc {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, annotations }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80, targetPort: 8080 as never }], ...spec } } as Svc;
}

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  const log = silentLogger();
  const informers = new SharedInformers(client, clock, log);
  inTree = new ServiceLoadBalancerController({ client, informers, clock, log, region: 'us-west-2' });
  lbc = new AwsLoadBalancerController({ client, informers, clock, log, region: 'us-west-2', clusterName: 'demo' });
  inTree.start();
  lbc.start();
  await Promise.all([inTree.synced, lbc.synced]);
  await client.create({ group: '', version: 'v1', resource: 'nodes' }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'ip-10-0-1-10.us-west-2.compute.internal' } } as KubeObject);
});
after(async () => {
  await Promise.all([inTree.stop(), lbc.stop()]);
  await cluster.stop();
});

describe('hostnames', () => {
  const svc = (uid: string, annotations: Record<string, string> = {}, ns = 'default', name = 'web') => ({ metadata: { uid, namespace: ns, name, annotations } });
  it('follow the AWS formats and are stable per uid', () => {
    const uid = '5f0b6c2e-8a1d-4c3b-9e7f-0123456789ab';
    const clb = inTreeHostname(svc(uid), 'us-west-2');
    assert.match(clb, /^a5f0b6c2e8a1d4c3b9e7f0123456789a-[1-9]\d{9}\.us-west-2\.elb\.amazonaws\.com$/);
    assert.equal(inTreeHostname(svc(uid), 'us-west-2'), clb);
    assert.notEqual(inTreeHostname(svc(uid.replace('5f', '6f')), 'us-west-2'), clb);
    assert.match(inTreeHostname(svc(uid, { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' }), 'us-east-1'), /^internal-a5f0b6c2e8a1d4c3b9e7f0123456789a-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    assert.match(inTreeHostname(svc(uid, { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' }), 'us-west-2'), /^a5f0b6c2e8a1d4c3b9e7f0123456789a-[0-9a-f]{16}\.elb\.us-west-2\.amazonaws\.com$/);
    const nlb = lbcHostname(svc(uid, {}, 'my-team-ns', 'web_frontend-svc'), 'demo', 'us-west-2');
    assert.match(nlb, /^k8s-myteamns-webfront-[0-9a-f]{10}-[0-9a-f]{16}\.elb\.us-west-2\.amazonaws\.com$/);
    // The scheme is part of the name's hash: an internet-facing NLB is another load balancer.
    const facing = lbcHostname(svc(uid, { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' }, 'my-team-ns', 'web_frontend-svc'), 'demo', 'us-west-2');
    assert.notEqual(facing.split('-')[3], nlb.split('-')[3]);
  });
});

describe('service load balancers', () => {
  it('gives a LoadBalancer Service a Classic ELB hostname, the cleanup finalizer and the upstream events', async () => {
    const created = await client.create<Svc>(SVC, lbService('web'));
    const host = await wait(() => hostname('web'), 'hostname');
    assert.equal(host, inTreeHostname(created, 'us-west-2'));
    assert.match(host, /^a[0-9a-f]{31}-\d{10}\.us-west-2\.elb\.amazonaws\.com$/);
    const svc = await get('web');
    assert.deepEqual(svc.metadata?.finalizers, [LB_CLEANUP_FINALIZER]);
    const evs = await wait(async () => {
      const e = await events('web');
      return e.some((x) => x.reason === 'EnsuredLoadBalancer') ? e : undefined;
    }, 'events');
    const ensuring = evs.find((e) => e.reason === 'EnsuringLoadBalancer')!;
    assert.equal(ensuring.message, 'Ensuring load balancer');
    assert.equal(ensuring.source?.component, 'service-controller');
    assert.equal(evs.find((e) => e.reason === 'EnsuredLoadBalancer')!.message, 'Ensured load balancer');
    // Its own status write does not make it ensure again.
    clock.advance(5000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await events('web')).find((e) => e.reason === 'EnsuringLoadBalancer')!.count, 1);
  });

  it('gives the nlb annotation an NLB hostname', async () => {
    const created = await client.create<Svc>(SVC, lbService('nlb', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' }));
    const host = await wait(() => hostname('nlb'), 'hostname');
    assert.equal(host, inTreeHostname(created, 'us-west-2'));
    assert.match(host, /^a[0-9a-f]{31}-[0-9a-f]{16}\.elb\.us-west-2\.amazonaws\.com$/);
  });

  it('leaves loadBalancerClass service.k8s.aws/nlb to the AWS Load Balancer Controller', async () => {
    const created = await client.create<Svc>(SVC, lbService('api', { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' }, { loadBalancerClass: 'service.k8s.aws/nlb' }));
    const host = await wait(() => hostname('api'), 'hostname');
    assert.equal(host, lbcHostname(created, 'demo', 'us-west-2'));
    assert.match(host, /^k8s-default-api-[0-9a-f]{10}-[0-9a-f]{16}\.elb\.us-west-2\.amazonaws\.com$/);
    const svc = await get('api');
    assert.deepEqual(svc.metadata?.finalizers, [LBC_SERVICE_FINALIZER]);
    const evs = await wait(async () => {
      const e = await events('api');
      return e.some((x) => x.reason === 'SuccessfullyReconciled') ? e : undefined;
    }, 'reconciled event');
    assert.equal(evs.some((e) => e.source?.component === 'service-controller'), false, 'the in-tree controller stays away');
    assert.equal(evs.find((e) => e.reason === 'SuccessfullyReconciled')!.source?.component, 'service');
  });

  it('with the external type annotation: the in-tree controller only adds its finalizer, the LBC sets the status', async () => {
    const created = await client.create<Svc>(SVC, lbService('ext', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' }));
    await wait(async () => (await get('ext')).metadata?.finalizers?.length === 2, 'both finalizers');
    assert.equal(await wait(() => hostname('ext'), 'hostname'), lbcHostname(created, 'demo', 'us-west-2'));
    const reasons = (await events('ext')).map((e) => e.reason).sort();
    assert.ok(reasons.includes('EnsuringLoadBalancer') && !reasons.includes('EnsuredLoadBalancer'), reasons.join());
    await client.delete({ ...SVC, name: 'ext' });
    await wait(async () => {
      try {
        await get('ext');
        return false;
      } catch (err) {
        return isNotFound(err);
      }
    }, 'ext deleted once both finalizers are gone');
  });

  it('deletes the load balancer when the Service stops being a LoadBalancer, and on delete', async () => {
    await client.create<Svc>(SVC, lbService('tmp'));
    await wait(() => hostname('tmp'), 'hostname');
    const svc = await get('tmp');
    await client.patch({ ...SVC, name: 'tmp' }, { spec: { type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080 }] } });
    await wait(async () => {
      const s = await get('tmp');
      return !s.metadata?.finalizers?.length && !s.status?.loadBalancer?.ingress;
    }, 'finalizer and status gone');
    const reasons = (await events('tmp')).map((e) => e.reason);
    assert.ok(reasons.includes('DeletingLoadBalancer') && reasons.includes('DeletedLoadBalancer'), reasons.join());
    // Back to LoadBalancer: the same name (same uid), then deletion waits for the cleanup.
    await client.patch({ ...SVC, name: 'tmp' }, { spec: { type: 'LoadBalancer' } });
    assert.equal(await wait(() => hostname('tmp'), 'hostname again'), inTreeHostname(svc, 'us-west-2'));
    await wait(async () => (await get('tmp')).metadata?.finalizers?.includes(LB_CLEANUP_FINALIZER), 'finalizer again');
    await client.delete({ ...SVC, name: 'tmp' });
    await wait(async () => {
      try {
        await get('tmp');
        return false;
      } catch (err) {
        return isNotFound(err);
      }
    }, 'deleted after cleanup');
  });

  it('warns when no node can take load-balancer traffic', async () => {
    await client.patch({ group: '', version: 'v1', resource: 'nodes', name: 'ip-10-0-1-10.us-west-2.compute.internal' }, { metadata: { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } } });
    await client.create<Svc>(SVC, lbService('lonely'));
    const ev = await wait(async () => (await events('lonely')).find((e) => e.reason === 'UnAvailableLoadBalancer'), 'warning');
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, 'There are no available nodes for LoadBalancer');
  });
});
