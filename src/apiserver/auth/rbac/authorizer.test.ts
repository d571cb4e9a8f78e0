/**
 * RBAC authorization, from the examples of the Kubernetes documentation
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/), through an in-process API server
 * whose every request is authorized by node → RBAC.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthorizationAttributes } from '../types.js';
import { ADMIN, k, someone, startAuthServer, type AuthTestServer } from './testing.js';

const pods = (ns: string) => `/api/v1/namespaces/${ns}/pods`;
const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
const attrs = (user: AuthorizationAttributes['user'], verb: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({ user, verb, isResourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource, ...extra });

describe('RBAC authorizer (Kubernetes documentation examples)', () => {
  let s: AuthTestServer;
  const jane = someone('jane');
  const dave = someone('dave');
  before(async () => {
    s = await startAuthServer();
    await s.seed(k.namespace('development'), k.namespace('qa'));
    // Role pod-reader + RoleBinding read-pods (the documentation's first example).
    await s.seed(
      k.role('default', 'pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }]),
      k.roleBinding('default', 'read-pods', 'Role', 'pod-reader', [k.userSubject('jane')]),
      k.clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]),
      k.roleBinding('development', 'read-secrets', 'ClusterRole', 'secret-reader', [k.userSubject('dave')]),
      k.clusterRoleBinding('read-secrets-global', 'secret-reader', [k.groupSubject('manager')]),
    );
  });
  after(() => s.stop());

  it('a RoleBinding grants its Role in its namespace only', async () => {
    assert.equal((await s.call(jane, 'GET', pods('default'))).status, 200);
    const other = await s.call(jane, 'GET', pods('kube-system'));
    assert.equal(other.status, 403);
    assert.equal(other.body.message, 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "kube-system"');
    const create = await s.call(jane, 'POST', pods('default'), pod('x'));
    assert.equal(create.status, 403);
    assert.equal(create.body.message, 'pods is forbidden: User "jane" cannot create resource "pods" in API group "" in the namespace "default"');
  });

  it('explains the decision as upstream', () => {
    assert.deepEqual(s.rbac.decide(attrs(jane, 'get', 'pods', { namespace: 'default', name: 'x' })), { allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to User "jane"' });
    assert.deepEqual(s.rbac.decide(attrs({ name: 'm', groups: ['manager'] }, 'list', 'secrets', { namespace: 'qa' })), {
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "read-secrets-global" of ClusterRole "secret-reader" to Group "manager"',
    });
    assert.equal(s.rbac.decide(attrs(ADMIN, 'delete', 'nodes', { name: 'n' })).reason, 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"');
  });

  it('a RoleBinding to a ClusterRole grants it in the binding namespace; a ClusterRoleBinding everywhere', async () => {
    assert.equal((await s.call(dave, 'GET', '/api/v1/namespaces/development/secrets')).status, 200);
    assert.equal((await s.call(dave, 'GET', '/api/v1/namespaces/default/secrets')).status, 403);
    const manager = someone('mia', 'manager');
    assert.equal((await s.call(manager, 'GET', '/api/v1/namespaces/qa/secrets')).status, 200);
    assert.equal((await s.call(manager, 'GET', '/api/v1/secrets')).status, 200);
  });

  it('resourceNames restrict to named objects (and never allow list or create)', async () => {
    await s.seed(
      k.role('default', 'configmap-updater', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['my-configmap'], verbs: ['update', 'get'] }]),
      k.roleBinding('default', 'cm-upd', 'Role', 'configmap-updater', [k.userSubject('cora')]),
    );
    await s.call(ADMIN, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'my-configmap' }, data: { a: '1' } });
    const cora = someone('cora');
    assert.equal((await s.call(cora, 'GET', '/api/v1/namespaces/default/configmaps/my-configmap')).status, 200);
    assert.equal((await s.call(cora, 'GET', '/api/v1/namespaces/default/configmaps/other')).status, 403);
    assert.equal((await s.call(cora, 'GET', '/api/v1/namespaces/default/configmaps')).status, 403);
  });

  it('subresources: pods/log, */scale and * as written', async () => {
    await s.seed(
      k.role('default', 'pod-and-pod-logs-reader', [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }]),
      k.roleBinding('default', 'logs', 'Role', 'pod-and-pod-logs-reader', [k.userSubject('lou')]),
      k.clusterRole('scaler', [{ apiGroups: ['*'], resources: ['*/scale'], verbs: ['get', 'update'] }]),
      k.clusterRoleBinding('scaler', 'scaler', [k.userSubject('sam')]),
    );
    const lou = someone('lou');
    assert.equal(s.rbac.decide(attrs(lou, 'get', 'pods', { namespace: 'default', name: 'p', subresource: 'log' })).allowed, true);
    assert.equal(s.rbac.decide(attrs(lou, 'get', 'pods', { namespace: 'default', name: 'p', subresource: 'exec' })).allowed, false);
    const sam = someone('sam');
    assert.equal(s.rbac.decide(attrs(sam, 'update', 'deployments', { apiGroup: 'apps', namespace: 'x', name: 'd', subresource: 'scale' })).allowed, true);
    assert.equal(s.rbac.decide(attrs(sam, 'update', 'deployments', { apiGroup: 'apps', namespace: 'x', name: 'd' })).allowed, false);
    assert.equal(s.rbac.decide(attrs(sam, 'get', 'deployments', { apiGroup: 'apps', namespace: 'x', name: 'd', subresource: 'status' })).allowed, false);
  });

  it('nonResourceURLs: exact paths and trailing-* prefixes', async () => {
    await s.seed(k.clusterRole('healthz-reader', [{ nonResourceURLs: ['/healthz', '/healthz/*'], verbs: ['get', 'post'] }]), k.clusterRoleBinding('healthz', 'healthz-reader', [k.userSubject('hal')]));
    const hal = { name: 'hal', groups: [] };
    const path = (p: string, verb = 'get'): AuthorizationAttributes => ({ user: hal, verb, isResourceRequest: false, path: p, apiGroup: '', apiVersion: '', resource: '' });
    assert.equal(s.rbac.decide(path('/healthz/etcd')).allowed, true);
    assert.equal(s.rbac.decide(path('/healthz', 'post')).allowed, true);
    assert.equal(s.rbac.decide(path('/metrics')).allowed, false);
    assert.equal((await s.call(hal, 'GET', '/healthz/etcd')).status, 404, 'allowed, then not found');
    const denied = await s.call(hal, 'GET', '/metrics');
    assert.equal(denied.status, 403);
    assert.equal(denied.body.message, 'forbidden: User "hal" cannot get path "/metrics"');
    // Discovery comes from system:discovery, bound to system:authenticated.
    assert.equal((await s.call(hal, 'GET', '/apis')).status, 403);
    assert.equal((await s.call(someone('hal'), 'GET', '/apis')).status, 200);
  });

  it('service account subjects: by name (namespace defaulted from the binding) and by group', async () => {
    await s.seed(
      k.roleBinding('qa', 'sa-read', 'Role', 'pod-reader', [{ kind: 'ServiceAccount', name: 'default' }]),
      k.role('qa', 'pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]),
      k.roleBinding('development', 'all-sa-in-qa', 'ClusterRole', 'view', [k.groupSubject('system:serviceaccounts:qa')]),
    );
    const sa = { name: 'system:serviceaccount:qa:default', groups: ['system:serviceaccounts', 'system:serviceaccounts:qa', 'system:authenticated'] };
    assert.deepEqual(s.rbac.decide(attrs(sa, 'list', 'pods', { namespace: 'qa' })), { allowed: true, reason: 'RBAC: allowed by RoleBinding "sa-read/qa" of Role "pod-reader" to ServiceAccount "default/qa"' });
    assert.equal(s.rbac.decide(attrs(sa, 'list', 'pods', { namespace: 'default' })).allowed, false);
    assert.equal(s.rbac.decide(attrs(sa, 'list', 'deployments', { apiGroup: 'apps', namespace: 'development' })).allowed, true);
    const other = { name: 'system:serviceaccount:default:default', groups: ['system:serviceaccounts', 'system:serviceaccounts:default'] };
    assert.equal(s.rbac.decide(attrs(other, 'list', 'pods', { namespace: 'qa' })).allowed, false);
  });

  it('aggregated ClusterRoles follow their selectors, also for roles labelled later', async () => {
    await s.seed(
      k.clusterRole('monitoring', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] } }),
      k.clusterRoleBinding('monitoring', 'monitoring', [k.userSubject('mo')]),
    );
    const mo = someone('mo');
    assert.equal(s.rbac.decide(attrs(mo, 'list', 'services', { namespace: 'default' })).allowed, false);
    await s.seed(k.clusterRole('monitoring-endpoints', [{ apiGroups: [''], resources: ['services', 'endpointslices', 'pods'], verbs: ['get', 'list', 'watch'] }], { metadata: { labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } } }));
    assert.equal(s.rbac.decide(attrs(mo, 'list', 'services', { namespace: 'default' })).allowed, true);
    // The bootstrap admin/edit/view aggregate: view reads pods, edit writes them, admin manages roles; none reads secrets through view.
    await s.seed(k.roleBinding('qa', 'v', 'ClusterRole', 'view', [k.userSubject('vic')]), k.roleBinding('qa', 'a', 'ClusterRole', 'admin', [k.userSubject('ada')]));
    const vic = someone('vic');
    const ada = someone('ada');
    assert.equal(s.rbac.decide(attrs(vic, 'get', 'pods', { namespace: 'qa', name: 'p' })).allowed, true);
    assert.equal(s.rbac.decide(attrs(vic, 'get', 'secrets', { namespace: 'qa', name: 's' })).allowed, false);
    assert.equal(s.rbac.decide(attrs(ada, 'create', 'roles', { apiGroup: 'rbac.authorization.k8s.io', namespace: 'qa' })).allowed, true);
    assert.equal(s.rbac.decide(attrs(ada, 'delete', 'pods', { namespace: 'qa', name: 'p' })).allowed, true, 'admin includes edit');
    assert.equal((await s.call(vic, 'GET', '/api/v1/namespaces/qa')).status, 200, 'a namespace object is read in its own namespace');
  });

  it('bindings removed or changed take effect at once', async () => {
    await s.seed(k.roleBinding('default', 'tmp', 'Role', 'pod-reader', [k.userSubject('tim')]));
    const tim = someone('tim');
    assert.equal((await s.call(tim, 'GET', pods('default'))).status, 200);
    await s.call(ADMIN, 'PUT', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/tmp', k.roleBinding('default', 'tmp', 'Role', 'pod-reader', [k.userSubject('tom')]));
    assert.equal((await s.call(tim, 'GET', pods('default'))).status, 403);
    assert.equal((await s.call(someone('tom'), 'GET', pods('default'))).status, 200);
    await s.call(ADMIN, 'DELETE', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/tmp');
    assert.equal((await s.call(someone('tom'), 'GET', pods('default'))).status, 403);
  });

  it('reports missing roles as upstream', async () => {
    await s.seed(k.roleBinding('default', 'dangling', 'Role', 'nope', [k.userSubject('dan')]));
    const r = await s.call(someone('dan'), 'GET', pods('default'));
    assert.equal(r.body.message, 'pods is forbidden: User "dan" cannot list resource "pods" in API group "" in the namespace "default": RBAC: role.rbac.authorization.k8s.io "nope" not found');
  });

  it('answers access and rules reviews from the same authorizer (kubectl auth can-i, --list)', async () => {
    const sar = await s.call(jane, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' } } });
    assert.equal(sar.status, 201);
    assert.deepEqual(sar.body.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to User "jane"' });
    const no = await s.call(jane, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { resourceAttributes: { verb: 'delete', resource: 'pods', namespace: 'default' } } });
    assert.deepEqual(no.body.status, { allowed: false });
    const rules = await s.call(jane, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { spec: { namespace: 'default' } });
    assert.equal(rules.body.status.incomplete, false);
    assert.ok(rules.body.status.resourceRules.some((r: any) => r.resources.includes('pods') && r.verbs.includes('watch')));
    assert.ok(rules.body.status.resourceRules.some((r: any) => r.resources.includes('selfsubjectaccessreviews')), 'system:basic-user');
    assert.ok(rules.body.status.nonResourceRules.some((r: any) => r.nonResourceURLs.includes('/api')), 'system:discovery');
  });
});
