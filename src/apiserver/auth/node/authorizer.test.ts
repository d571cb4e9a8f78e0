/**
 * The node authorizer: a kubelet reads only what its own pods need, through an API server whose
 * requests are authorized by node → RBAC (the system:node ClusterRole is bound to nobody).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KObject } from '../../registry/resource.js';
import { ADMIN, startAuthServer, type AuthTestServer } from '../rbac/testing.js';
import type { SelectorAttributes } from '../union.js';
import { nodeAuthorizer } from './authorizer.js';

const n1 = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const node = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
const secret = (ns: string, name: string): KObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, data: {} });
const pod = (ns: string, name: string, nodeName: string, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: { nodeName, containers: [{ name: 'c', image: 'nginx', ...((spec.container as object) ?? {}) }], ...Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'container')) },
});
const req = (verb: string, resource: string, extra: Partial<SelectorAttributes> = {}): SelectorAttributes => ({ user: n1, verb, isResourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource, ...extra });

describe('node authorizer', () => {
  let s: AuthTestServer;
  const decide = (a: SelectorAttributes) => s.node.decide(a);
  before(async () => {
    s = await startAuthServer();
    await s.seed(
      node('n1'),
      node('n2'),
      secret('default', 's1'),
      secret('default', 's2'),
      secret('default', 'pull'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'default' }, data: {} },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'claim1', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv1' } },
      pod('default', 'p1', 'n1', {
        serviceAccountName: 'sa1',
        imagePullSecrets: [{ name: 'pull' }],
        container: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's1', key: 'k' } } }] },
        volumes: [
          { name: 'cm', configMap: { name: 'c1' } },
          { name: 'data', persistentVolumeClaim: { claimName: 'claim1' } },
        ],
      }),
      pod('default', 'p2', 'n2', { volumes: [{ name: 'sec', secret: { secretName: 's2' } }] }),
    );
  });
  after(() => s.stop());

  it('reads the secrets, configmaps, claims and volumes of its own pods only', async () => {
    assert.equal((await s.call(n1, 'GET', '/api/v1/namespaces/default/secrets/s1')).status, 200);
    assert.equal((await s.call(n1, 'GET', '/api/v1/namespaces/default/secrets/pull')).status, 200);
    assert.equal((await s.call(n1, 'GET', '/api/v1/namespaces/default/configmaps/c1')).status, 200);
    assert.equal((await s.call(n1, 'GET', '/api/v1/namespaces/default/persistentvolumeclaims/claim1')).status, 200);
    assert.equal((await s.call(n1, 'GET', '/api/v1/persistentvolumes/pv1')).status, 200);
    const other = await s.call(n1, 'GET', '/api/v1/namespaces/default/secrets/s2');
    assert.equal(other.status, 403);
    assert.equal(other.body.message, 'secrets "s2" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node \'n1\' and this object');
    const list = await s.call(n1, 'GET', '/api/v1/namespaces/default/secrets');
    assert.equal(list.status, 403);
    assert.match(list.body.message, /: No Object name found$/);
    assert.equal(decide(req('list', 'secrets')).reason, 'can only read namespaced object of this type');
    assert.equal(decide(req('update', 'secrets', { namespace: 'default', name: 's1' })).reason, 'can only read resources of this type');
  });

  it('follows pod changes: a new pod makes its secret readable', async () => {
    await s.seed(secret('default', 's3'));
    assert.equal(decide(req('get', 'secrets', { namespace: 'default', name: 's3' })).allowed, false);
    await s.seed(pod('default', 'p3', 'n1', { volumes: [{ name: 'v', projected: { sources: [{ secret: { name: 's3' } }] } }] }));
    assert.equal(decide(req('get', 'secrets', { namespace: 'default', name: 's3' })).allowed, true);
  });

  it('reads its own Node only (AuthorizeNodeWithSelectors) and writes it', async () => {
    assert.equal((await s.call(n1, 'GET', '/api/v1/nodes/n1')).status, 200);
    const n2 = await s.call(n1, 'GET', '/api/v1/nodes/n2');
    assert.equal(n2.status, 403);
    assert.match(n2.body.message, /: node 'n1' cannot read 'n2', only its own Node object$/);
    assert.match((await s.call(n1, 'GET', '/api/v1/nodes')).body.message, /: node 'n1' cannot read all nodes, only its own Node object$/);
    assert.equal(decide(req('list', 'nodes', { fieldSelector: 'metadata.name=n1' })).allowed, true);
    assert.equal(decide(req('patch', 'nodes', { name: 'n1', subresource: 'status' })).allowed, true);
    assert.equal(decide(req('patch', 'nodes', { name: 'n2', subresource: 'status' })).allowed, false);
    assert.equal(decide(req('update', 'nodes', { name: 'n2' })).allowed, false);
    assert.equal(decide(req('create', 'nodes')).allowed, true);
    assert.equal(decide(req('delete', 'nodes', { name: 'n1' })).allowed, false);
  });

  it('lists pods only with its spec.nodeName selector; updates and deletes only its pods', async () => {
    assert.equal(decide(req('list', 'pods', { fieldSelector: 'spec.nodeName=n1' })).allowed, true);
    assert.equal(decide(req('watch', 'pods', { fieldSelector: 'spec.nodeName=n2' })).reason, 'can only list/watch pods with spec.nodeName field selector');
    assert.equal((await s.call(n1, 'GET', '/api/v1/pods')).status, 403);
    assert.equal((await s.call(n1, 'GET', '/api/v1/namespaces/default/pods/p1')).status, 200);
    assert.equal((await s.call(n1, 'GET', '/api/v1/namespaces/default/pods/p2')).status, 403);
    assert.equal(decide(req('patch', 'pods', { namespace: 'default', name: 'p1', subresource: 'status' })).allowed, true);
    assert.equal(decide(req('patch', 'pods', { namespace: 'default', name: 'p2', subresource: 'status' })).allowed, false);
    assert.equal(decide(req('delete', 'pods', { namespace: 'default', name: 'p2' })).allowed, false);
    assert.equal((await s.call(n1, 'DELETE', '/api/v1/namespaces/default/pods/p3')).status, 200);
  });

  it('uses its own Lease in kube-node-lease', () => {
    const lease = (verb: string, namespace: string, name?: string) => decide(req(verb, 'leases', { apiGroup: 'coordination.k8s.io', namespace, ...(name ? { name } : {}) }));
    assert.equal(lease('create', 'kube-node-lease').allowed, true);
    assert.equal(lease('update', 'kube-node-lease', 'n1').allowed, true);
    assert.equal(lease('update', 'kube-node-lease', 'n2').reason, 'can only access node lease with the same name as the requesting node');
    assert.equal(lease('get', 'default', 'n1').reason, 'can only access leases in the "kube-node-lease" system namespace');
    assert.equal(lease('list', 'kube-node-lease').reason, 'can only get, create, update, patch, or delete a node lease');
  });

  it('creates tokens only for its pods’ service accounts; events and CSRs from the system:node rules', () => {
    assert.equal(decide(req('create', 'serviceaccounts', { namespace: 'default', name: 'sa1', subresource: 'token' })).allowed, true);
    assert.equal(decide(req('create', 'serviceaccounts', { namespace: 'default', name: 'default', subresource: 'token' })).allowed, false);
    assert.equal(decide(req('get', 'serviceaccounts', { namespace: 'default', name: 'sa1' })).reason, 'can only create tokens for individual service accounts');
    assert.equal(decide(req('create', 'events', { namespace: 'default' })).allowed, true);
    assert.equal(decide(req('create', 'certificatesigningrequests', { apiGroup: 'certificates.k8s.io' })).allowed, true);
    assert.equal(decide(req('get', 'services', { namespace: 'default', name: 'kubernetes' })).allowed, true);
    assert.equal(decide(req('create', 'deployments', { apiGroup: 'apps', namespace: 'default' })).allowed, false);
  });

  it('has no opinion about anyone else, and nodes have no enumerable rules', async () => {
    assert.deepEqual(decide({ ...req('get', 'secrets', { namespace: 'default', name: 's1' }), user: ADMIN }), { allowed: false });
    assert.deepEqual(decide({ ...req('get', 'secrets'), user: { name: 'system:node:n1', groups: [] } }), { allowed: false });
    assert.deepEqual(decide({ ...req('get', 'secrets'), user: { name: 'system:node:', groups: ['system:nodes'] } }), { allowed: false, reason: 'unknown node for user "system:node:"' });
    assert.deepEqual(await s.node.rulesFor(n1, 'default'), { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' });
  });

  it('without selectors (before 1.32), nodes read all nodes and pods', () => {
    const legacy = nodeAuthorizer(() => s.api, { selectors: false });
    assert.equal(legacy.decide(req('list', 'nodes')).allowed, true);
    assert.equal(legacy.decide(req('list', 'pods')).allowed, true);
  });
});
