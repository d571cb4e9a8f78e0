import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KObject } from '../registry/resource.js';
import { forbiddenNodeLabels } from './node-restriction.js';
import { pod, startHarness, type Harness } from './testing.js';

const kubelet = (n: string) => ({ name: `system:node:${n}`, groups: ['system:nodes', 'system:authenticated'] });
const node = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });

describe('NodeRestriction', () => {
  let h: Harness;
  let n1: KObject;
  before(async () => {
    h = await startHarness({ plugins: ['NodeRestriction'] });
    const r = await h.call('POST', '/api/v1/nodes', node('n1', { 'kubernetes.io/hostname': 'n1', 'node.kubernetes.io/instance-type': 'm5.large' }), { user: kubelet('n1') });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    n1 = r.body;
    await h.call('POST', '/api/v1/nodes', node('n2'));
    await h.seed('', 'pods', { ...pod('mine'), metadata: { name: 'mine', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } });
    await h.seed('', 'pods', { ...pod('theirs'), metadata: { name: 'theirs', namespace: 'default' }, spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'x' }] } });
  });
  after(() => h.stop());

  it('lets a kubelet change only its own Node, and not restricted labels or taints', async () => {
    const other = await h.call('PATCH', '/api/v1/nodes/n2', { metadata: { labels: { a: 'b' } } }, { user: kubelet('n1'), contentType: 'application/merge-patch+json' });
    assert.equal(other.status, 403);
    assert.equal(other.body.message, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');
    const own = await h.call('PATCH', '/api/v1/nodes/n1', { metadata: { labels: { 'topology.kubernetes.io/zone': 'us-east-1a', team: 'x' } } }, { user: kubelet('n1'), contentType: 'application/merge-patch+json' });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    const restricted = await h.call('PATCH', '/api/v1/nodes/n1', { metadata: { labels: { 'node-restriction.kubernetes.io/pool': 'a', 'kubernetes.io/role': 'x' } } }, { user: kubelet('n1'), contentType: 'application/merge-patch+json' });
    assert.equal(restricted.status, 403);
    assert.equal(restricted.body.message, 'nodes "n1" is forbidden: is not allowed to modify labels: kubernetes.io/role, node-restriction.kubernetes.io/pool');
    const taints = await h.call('PATCH', '/api/v1/nodes/n1', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }, { user: kubelet('n1'), contentType: 'application/merge-patch+json' });
    assert.equal(taints.body.message, 'nodes "n1" is forbidden: node "n1" is not allowed to modify taints');
    const create = await h.call('POST', '/api/v1/nodes', node('n3', { 'node-restriction.kubernetes.io/x': 'y' }), { user: kubelet('n3') });
    assert.equal(create.body.message, 'nodes "n3" is forbidden: node "n3" is not allowed to set the following labels: node-restriction.kubernetes.io/x');
  });

  it('lets a kubelet create mirror pods bound to itself only', async () => {
    const plain = await h.call('POST', '/api/v1/namespaces/default/pods', pod('p', { nodeName: 'n1' }), { user: kubelet('n1') });
    assert.equal(plain.status, 403);
    assert.equal(plain.body.message, 'pods "p" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods');
    const owner = { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: n1.metadata!.uid, controller: true };
    const mirror = pod('static-n1', { nodeName: 'n1' }, { annotations: { 'kubernetes.io/config.mirror': 'hash' }, ownerReferences: [owner] });
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/pods', mirror, { user: kubelet('n1') })).status, 201);
    const elsewhere = pod('static-x', { nodeName: 'n2' }, { annotations: { 'kubernetes.io/config.mirror': 'hash' }, ownerReferences: [owner] });
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/pods', elsewhere, { user: kubelet('n1') })).body.message, 'pods "static-x" is forbidden: node "n1" can only create pods with spec.nodeName set to itself');
    const secret = pod('static-s', { nodeName: 'n1', volumes: [{ name: 's', secret: { secretName: 's' } }] }, { annotations: { 'kubernetes.io/config.mirror': 'hash' }, ownerReferences: [owner] });
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/pods', secret, { user: kubelet('n1') })).body.message, 'pods "static-s" is forbidden: node "n1" can not create pods that reference secrets');
  });

  it('lets a kubelet update status and delete only its own pods', async () => {
    const status = { status: { phase: 'Running' } };
    const patch = { contentType: 'application/merge-patch+json' };
    assert.equal((await h.call('PATCH', '/api/v1/namespaces/default/pods/mine/status', status, { user: kubelet('n1'), ...patch })).status, 200);
    const other = await h.call('PATCH', '/api/v1/namespaces/default/pods/theirs/status', status, { user: kubelet('n1'), ...patch });
    assert.equal(other.body.message, 'pods "theirs" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself');
    const upd = await h.call('PATCH', '/api/v1/namespaces/default/pods/mine', { metadata: { labels: { a: 'b' } } }, { user: kubelet('n1'), ...patch });
    assert.equal(upd.body.message, 'pods "mine" is forbidden: unexpected operation "UPDATE", node "n1" can only create and delete mirror pods');
    const del = await h.call('DELETE', '/api/v1/namespaces/default/pods/theirs', undefined, { user: kubelet('n1') });
    assert.equal(del.status, 403);
    assert.equal(del.body.message, 'pods "theirs" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself');
    assert.equal((await h.call('DELETE', '/api/v1/namespaces/default/pods/mine', undefined, { user: kubelet('n1') })).status, 200);
  });

  it('checks evictions through attributes (the eviction action is wired to admission separately)', async () => {
    const a = h.attributes({ operation: 'CREATE', namespace: 'default', name: 'theirs', subresource: 'eviction', user: kubelet('n1'), object: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'theirs' } } }, '', 'pods');
    await assert.rejects(h.chain.validate(a), { message: 'pods "theirs" is forbidden: node n1 can only evict pods with spec.nodeName set to itself' });
  });

  it('lets a kubelet use only its own Lease in kube-node-lease', async () => {
    const lease = (name: string) => ({ metadata: { name }, spec: { holderIdentity: name } });
    assert.equal((await h.call('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease('n1'), { user: kubelet('n1') })).status, 201);
    const other = await h.call('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease('n2'), { user: kubelet('n1') });
    assert.equal(other.body.message, 'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node');
    const elsewhere = await h.call('POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', lease('n1'), { user: kubelet('n1') });
    assert.equal(elsewhere.body.message, 'leases.coordination.k8s.io "n1" is forbidden: can only access leases in the "kube-node-lease" system namespace');
  });

  it('classifies labels as upstream', () => {
    assert.deepEqual(forbiddenNodeLabels(['kubernetes.io/hostname', 'kubelet.kubernetes.io/x', 'foo.node.kubernetes.io/y', 'example.com/z', 'k8s.io/a', 'x.node-restriction.kubernetes.io/b']), ['k8s.io/a', 'x.node-restriction.kubernetes.io/b']);
  });

  it('leaves other users alone', async () => {
    assert.equal((await h.call('PATCH', '/api/v1/nodes/n2', { metadata: { labels: { 'node-restriction.kubernetes.io/a': 'b' } } }, { contentType: 'application/merge-patch+json' })).status, 200);
  });
});
