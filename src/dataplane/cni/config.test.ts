import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { applyAddons, eksDefaultAddons } from '../addons/index.js';
import { cniConfigFromCluster, DEFAULT_CNI_CONFIG } from './config.js';
import { CniConfigWatcher, ENI_CONFIG_RESOURCE } from './config-watcher.js';

const awsNode = (env: Record<string, string>): DaemonSet => ({
  spec: {
    selector: {},
    template: { spec: { containers: [{ name: 'aws-eks-nodeagent' }, { name: 'aws-node', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] } },
  },
});

describe('cniConfigFromCluster', () => {
  it('gives ipamd\'s defaults without aws-node', () => {
    assert.deepEqual(cniConfigFromCluster(undefined, []), { ...DEFAULT_CNI_CONFIG, eniConfigs: {} });
  });

  it('reads the aws-node container\'s env and the ENIConfigs', () => {
    const cfg = cniConfigFromCluster(
      awsNode({
        ENABLE_PREFIX_DELEGATION: 'true',
        AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'TRUE',
        WARM_ENI_TARGET: '2',
        WARM_IP_TARGET: '5',
        MINIMUM_IP_TARGET: 'ten',
        WARM_PREFIX_TARGET: '3',
        MAX_ENI: '2',
        IP_COOLDOWN_PERIOD: '5',
        ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone',
      }),
      [
        { apiVersion: 'crd.k8s.amazonaws.com/v1alpha1', kind: 'ENIConfig', metadata: { name: 'us-east-1a' }, spec: { subnet: 'subnet-a', securityGroups: ['sg-1'] } } as never,
        { apiVersion: 'crd.k8s.amazonaws.com/v1alpha1', kind: 'ENIConfig', metadata: { name: 'broken' }, spec: {} } as never,
      ],
    );
    assert.deepEqual(cfg, {
      prefixDelegation: true,
      customNetworking: true,
      warmEniTarget: 2,
      warmIpTarget: 5,
      minimumIpTarget: 0,
      warmPrefixTarget: 3,
      maxEni: 2,
      ipCooldownMs: 5000,
      eniConfigLabelDef: 'topology.kubernetes.io/zone',
      eniConfigAnnotationDef: 'k8s.amazonaws.com/eniConfig',
      eniConfigs: { 'us-east-1a': { subnet: 'subnet-a', securityGroups: ['sg-1'] } },
    });
  });
});

describe('CniConfigWatcher', () => {
  let cluster: InProcessCluster;
  let client: KubeClient;
  let watcher: CniConfigWatcher;
  const clock = new ManualClock();
  before(async () => {
    cluster = await startInProcessCluster({ clock });
    client = new KubeClient(cluster.transport);
    watcher = new CniConfigWatcher({ informers: new SharedInformers(client, clock, silentLogger()), log: silentLogger() });
    watcher.start();
  });
  after(async () => {
    await watcher.stop();
    await cluster.stop();
  });

  it('tolerates a cluster without aws-node or the ENIConfig CRD', async () => {
    assert.equal(await watcher.waitForSync(), true);
    assert.equal(watcher.config().prefixDelegation, false);
  });

  it('follows the aws-node env and the ENIConfigs once they appear', async () => {
    await applyAddons(client, eksDefaultAddons({ region: 'us-east-1', kubernetesVersion: '1.32', serviceIpv4Cidr: '10.100.0.0/16' }));
    const ref = { group: 'apps', version: 'v1', resource: 'daemonsets', namespace: 'kube-system', name: 'aws-node' };
    const ds = await client.get<DaemonSet & KubeObject>(ref);
    const env = ds.spec!.template.spec!.containers[0]!.env!.map((e) => (e.name === 'ENABLE_PREFIX_DELEGATION' ? { ...e, value: 'true' } : e));
    ds.spec!.template.spec!.containers[0]!.env = env;
    await client.update(ref, ds);
    await eventually(() => watcher.config().prefixDelegation, { clock, message: 'prefix delegation seen' });
    await client.create(ENI_CONFIG_RESOURCE, { apiVersion: 'crd.k8s.amazonaws.com/v1alpha1', kind: 'ENIConfig', metadata: { name: 'us-east-1a' }, spec: { subnet: 'subnet-x', securityGroups: [] } } as never);
    const cfg = await eventually(() => watcher.config().eniConfigs['us-east-1a'], { clock, stepMs: 1000, timeoutMs: 8000, message: 'ENIConfig seen' });
    assert.equal(cfg.subnet, 'subnet-x');
  });
});
