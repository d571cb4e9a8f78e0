import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, NOW, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { controllerrevisions } from './controllerrevisions.js';
import { daemonsets } from './daemonsets.js';
import { deployments } from './deployments.js';
import { replicasets } from './replicasets.js';
import { statefulsets } from './statefulsets.js';

const podTemplate = (labels: Record<string, string> = { app: 'web' }, spec: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec },
});
const workload = (kind: string, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec },
});
const templateDefaults = {
  containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};

describe('apps/v1 defaults', () => {
  it('deployment', () => {
    const d = created(deployments, workload('Deployment'));
    assert.deepEqual(d.spec, {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: templateDefaults },
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it('statefulset', () => {
    const s = created(statefulsets, workload('StatefulSet', { serviceName: 'web', volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] }));
    const spec = s.spec as Record<string, unknown>;
    assert.equal(spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(spec.replicas, 1);
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(spec.volumeClaimTemplates, [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }]);
  });

  it('daemonset and replicaset', () => {
    const ds = created(daemonsets, workload('DaemonSet')).spec as Record<string, unknown>;
    assert.deepEqual(ds.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(ds.revisionHistoryLimit, 10);
    assert.equal((created(replicasets, workload('ReplicaSet')).spec as Record<string, unknown>).replicas, 1);
  });
});

describe('apps/v1 validation', () => {
  const cases: [string, typeof deployments, KObject, string][] = [
    ['selector required', deployments, workload('Deployment', { selector: undefined }), 'spec.selector: Required value'],
    ['selector must match', deployments, workload('Deployment', { template: podTemplate({ app: 'x' }) }), 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`'],
    ['empty selector', deployments, workload('Deployment', { selector: {} }), 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
    ['negative replicas', deployments, workload('Deployment', { replicas: -1 }), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ['restart policy', deployments, workload('Deployment', { template: podTemplate({ app: 'web' }, { restartPolicy: 'Never' }) }), 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ['template image', deployments, workload('Deployment', { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }] } } }), 'spec.template.spec.containers[0].image: Required value'],
    ['rolling update zeros', deployments, workload('Deployment', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }), 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
    ['bad percent', deployments, workload('Deployment', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25' } } }), "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"25\"}: a valid percent string must be a numeric string followed by an ending '%'"],
    ['replicaset wording', replicasets, workload('ReplicaSet', { selector: {} }), 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
    ['statefulset policy', statefulsets, workload('StatefulSet', { podManagementPolicy: 'Fast' }), `spec.podManagementPolicy: Invalid value: "Fast": must be 'OrderedReady' or 'Parallel'`],
    ['statefulset selector', statefulsets, workload('StatefulSet', { template: podTemplate({ app: 'db' }) }), 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: `selector` does not match template `labels`'],
    ['daemonset surge and unavailable', daemonsets, workload('DaemonSet', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } }), 'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero'],
    ['daemonset restart', daemonsets, workload('DaemonSet', { template: podTemplate({ app: 'web' }, { restartPolicy: 'OnFailure' }) }), 'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    ['controllerrevision data', controllerrevisions, { metadata: { name: 'r' }, revision: 1 }, 'data: Required value: data is mandatory'],
  ];
  for (const [name, def, obj, want] of cases) {
    it(name, () => {
      const errs = createErrors(def, obj);
      assert.ok(errs.some((e) => e.startsWith(want)), `${want}\n not in\n${errs.join('\n')}`);
    });
  }

  it('accepts valid workloads', () => {
    for (const [def, kind] of [[deployments, 'Deployment'], [replicasets, 'ReplicaSet'], [statefulsets, 'StatefulSet'], [daemonsets, 'DaemonSet']] as const)
      assert.deepEqual(createErrors(def, workload(kind)), [], kind);
  });

  it('keeps the selector immutable and statefulset specs mostly fixed', () => {
    const stored = created(deployments, workload('Deployment'));
    const next = structuredClone(stored);
    (next.spec as Record<string, unknown>).selector = { matchLabels: { app: 'web2' } };
    (next.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels = { app: 'web2' };
    assert.deepEqual(updateErrors(deployments, stored, next), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);

    const sts = created(statefulsets, workload('StatefulSet', { serviceName: 'web' }));
    const scaled = structuredClone(sts);
    (scaled.spec as Record<string, unknown>).replicas = 5;
    assert.deepEqual(updateErrors(statefulsets, sts, scaled), []);
    const renamed = structuredClone(sts);
    (renamed.spec as Record<string, unknown>).serviceName = 'other';
    assert.deepEqual(updateErrors(statefulsets, sts, renamed), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('apps/v1 printers', () => {
  const age = new Date(NOW - 3 * 3600_000).toISOString();
  it('prints a deployment mid-rollout', () => {
    const d = { ...created(deployments, workload('Deployment', { replicas: 3 })), status: { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 } };
    d.metadata!.creationTimestamp = age;
    assert.deepEqual(cells(deployments, d), { Ready: '3/3', 'Up-to-date': 2, Available: 3, Age: '3h', Containers: 'web', Images: 'nginx:1.27', Selector: 'app=web' });
  });

  it('prints replicasets, statefulsets and daemonsets', () => {
    const rs = { ...created(replicasets, workload('ReplicaSet', { replicas: 2 })), status: { replicas: 2, readyReplicas: 1 } };
    assert.deepEqual(cells(replicasets, rs), { Desired: 2, Current: 2, Ready: 1, Age: '60s', Containers: 'web', Images: 'nginx:1.27', Selector: 'app=web' });
    const sts = { ...created(statefulsets, workload('StatefulSet', { replicas: 3 })), status: { readyReplicas: 2 } };
    assert.deepEqual(cells(statefulsets, sts), { Ready: '2/3', Age: '60s', Containers: 'web', Images: 'nginx:1.27' });
    const ds = { ...created(daemonsets, workload('DaemonSet', { template: podTemplate({ app: 'web' }, { nodeSelector: { 'kubernetes.io/os': 'linux' } }) })), status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } };
    assert.deepEqual(cells(daemonsets, ds), { Desired: 3, Current: 3, Ready: 2, 'Up-to-date': 3, Available: 2, 'Node Selector': 'kubernetes.io/os=linux', Age: '60s', Containers: 'web', Images: 'nginx:1.27', Selector: 'app=web' });
  });

  it('prints a controller revision owner', () => {
    const cr = { metadata: { name: 'web-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }, revision: 2, data: {} };
    assert.deepEqual(cells(controllerrevisions, cr), { Controller: 'statefulset.apps/web', Revision: 2 });
  });
});

describe('deployments/status', () => {
  it('takes annotations from the status write but keeps spec and labels, as upstream\'s status strategy', async () => {
    const { startInProcessCluster } = await import('../../../server/in-process-transport.js');
    const { KubeClient } = await import('../../../kubeclient/client.js');
    const cluster = await startInProcessCluster();
    try {
      const client = new KubeClient(cluster.transport);
      const ref = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' };
      const d = await client.create(ref, { metadata: { name: 'web', labels: { app: 'web' } }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } as KObject);
      const sent = { ...d, metadata: { ...d.metadata, labels: { app: 'other' }, annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { ...(d.spec as object), replicas: 7 }, status: { observedGeneration: 1 } };
      const out = await client.update({ ...ref, name: 'web', subresource: 'status' }, sent as KObject);
      assert.deepEqual(out.metadata?.annotations, { 'deployment.kubernetes.io/revision': '1' });
      assert.deepEqual(out.metadata?.labels, { app: 'web' });
      assert.equal((out.spec as { replicas: number }).replicas, 1);
      assert.deepEqual(out.status, { observedGeneration: 1 });
    } finally {
      await cluster.stop();
    }
  });
});
