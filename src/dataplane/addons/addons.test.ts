import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DaemonSet, Deployment } from 'kubernetes-types/apps/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { KubeClient } from '../../kubeclient/client.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { cniConfigFromCluster } from '../cni/config.js';
import { addonRef, applyAddons, eksDefaultAddons, serviceCidrAddress } from './index.js';

describe('EKS default add-ons', () => {
  let cluster: InProcessCluster;
  let client: KubeClient;
  before(async () => {
    cluster = await startInProcessCluster({ clock: new ManualClock() });
    client = new KubeClient(cluster.transport);
  });
  after(() => cluster.stop());

  const objects = eksDefaultAddons({ region: 'us-west-2', kubernetesVersion: '1.32', serviceIpv4Cidr: '10.100.0.0/16', clusterName: 'demo' });

  it('are all accepted by the API server, and applying twice is a no-op', async () => {
    const created = await applyAddons(client, objects);
    assert.equal(created.length, objects.length);
    for (const o of objects) {
      const got = await client.get({ ...addonRef(o), name: o.metadata!.name! });
      assert.ok(got.metadata?.uid, `${o.kind}/${o.metadata?.name}`);
    }
    assert.deepEqual(await applyAddons(client, objects), []);
  });

  it('kube-dns sits on the .10 of the service CIDR with dns, dns-tcp and metrics ports', async () => {
    const svc = await client.get<Service & KubeObject>({ group: '', version: 'v1', resource: 'services', namespace: 'kube-system', name: 'kube-dns' });
    assert.equal(svc.spec?.clusterIP, '10.100.0.10');
    assert.deepEqual(
      svc.spec?.ports?.map((p) => [p.name, p.port, p.protocol]),
      [
        ['dns', 53, 'UDP'],
        ['dns-tcp', 53, 'TCP'],
        ['metrics', 9153, 'TCP'],
      ],
    );
    assert.equal(serviceCidrAddress('172.20.0.0/16', 10), '172.20.0.10');
    assert.equal(serviceCidrAddress('10.100.128.0/17', 10), '10.100.128.10');
  });

  it('aws-node is the EKS DaemonSet whose env gives ipamd its defaults', async () => {
    const ds = await client.get<DaemonSet & KubeObject>({ group: 'apps', version: 'v1', resource: 'daemonsets', namespace: 'kube-system', name: 'aws-node' });
    const spec = ds.spec!.template.spec!;
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.priorityClassName, 'system-node-critical');
    assert.deepEqual(spec.tolerations, [{ operator: 'Exists' }]);
    assert.equal(spec.containers[0]?.image, '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1');
    assert.equal(ds.metadata?.labels?.['k8s-app'], 'aws-node');
    const cfg = cniConfigFromCluster(ds, []);
    assert.deepEqual([cfg.prefixDelegation, cfg.customNetworking, cfg.warmEniTarget, cfg.warmPrefixTarget], [false, false, 1, 1]);
  });

  it('coredns runs 2 replicas of the EKS image, kube-proxy the minimal image', async () => {
    const dep = await client.get<Deployment & KubeObject>({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'kube-system', name: 'coredns' });
    assert.equal(dep.spec?.replicas, 2);
    assert.equal(dep.spec?.template.spec?.containers[0]?.image, '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2');
    const kp = await client.get<DaemonSet & KubeObject>({ group: 'apps', version: 'v1', resource: 'daemonsets', namespace: 'kube-system', name: 'kube-proxy' });
    assert.match(kp.spec!.template.spec!.containers[0]!.image!, /\/eks\/kube-proxy:v1\.32\.\d+-minimal-eksbuild\.\d+$/);
  });

  it('the ENIConfig CRD serves cluster-scoped eniconfigs', async () => {
    const ref = { group: 'crd.k8s.amazonaws.com', version: 'v1alpha1', resource: 'eniconfigs' };
    const created = await client.create(ref, { apiVersion: 'crd.k8s.amazonaws.com/v1alpha1', kind: 'ENIConfig', metadata: { name: 'us-west-2a' }, spec: { subnet: 'subnet-1', securityGroups: ['sg-1'] } } as never);
    assert.equal(created.metadata?.namespace, undefined);
  });

  it('uses the region\'s image account; minors the table lacks get the nearest known one', () => {
    const cn = eksDefaultAddons({ region: 'cn-north-1', kubernetesVersion: '1.30', serviceIpv4Cidr: '172.20.0.0/16' });
    const ds = cn.find((o) => o.kind === 'DaemonSet') as DaemonSet;
    assert.equal(ds.spec?.template.spec?.containers[0]?.image, '918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn/amazon-k8s-cni:v1.19.0-eksbuild.1');
    const imageOf = (version: string) => (eksDefaultAddons({ region: 'us-east-1', kubernetesVersion: version, serviceIpv4Cidr: '10.100.0.0/16' }).find((o) => o.kind === 'DaemonSet') as DaemonSet).spec?.template.spec?.containers[0]?.image;
    assert.equal(imageOf('1.34'), imageOf('1.33'));
    assert.equal(imageOf('1.20'), imageOf('1.29'));
    assert.throws(() => eksDefaultAddons({ region: 'us-east-1', kubernetesVersion: 'latest', serviceIpv4Cidr: '10.100.0.0/16' }), /not a Kubernetes version: latest/);
  });
});
