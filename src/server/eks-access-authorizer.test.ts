/**
 * EKS access policies as an authorizer beside node and RBAC: what View, Edit, Admin, AdminView and
 * ClusterAdmin grant, cluster and namespace scopes (with wildcards), and that changes to the
 * access entry apply at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAuthServer, type AuthTestServer } from '../apiserver/auth/rbac/testing.js';
import type { AuthorizationAttributes } from '../apiserver/auth/types.js';
import type { UserInfo } from '../apiserver/endpoints/types.js';
import { childId, eksTables, type AccessEntryRecord, type AccessScope } from '../aws/services/eks/state.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import type { Store } from '../store/types.js';
import { eksAccessPolicyAuthorizer, eksAccessPolicyRules, type EksAccessAuthorizer } from './eks-access-authorizer.js';

const SCOPE = { account: '111122223333', region: 'us-east-1' };
const CLUSTER = 'prod';
const arnOf = (name: string) => `arn:aws:iam::111122223333:user/${name}`;
const iamUser = (name: string): UserInfo => ({ name: arnOf(name), groups: ['system:authenticated'], extra: { canonicalArn: [arnOf(name)], arn: [arnOf(name)] } });
const policy = (name: string, scope: AccessScope = { type: 'cluster', namespaces: [] }) => ({ policyArn: `arn:aws:eks::aws:cluster-access-policy/${name}`, accessScope: scope, associatedAt: 0, modifiedAt: 0 });
const req = (user: UserInfo, verb: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({ user, verb, isResourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource, ...extra });

describe('EKS access policy authorizer', () => {
  let store: Store;
  let eks: EksAccessAuthorizer;
  let s: AuthTestServer;
  const entries = () => eksTables(store, SCOPE).accessEntries;
  const entry = async (name: string, policies: ReturnType<typeof policy>[]) => {
    const rec: AccessEntryRecord = { clusterName: CLUSTER, principalArn: arnOf(name), kubernetesGroups: [], accessEntryArn: `arn:aws:eks:us-east-1:111122223333:access-entry/prod/user/111122223333/${name}/x`, createdAt: 0, modifiedAt: 0, tags: {}, username: arnOf(name), type: 'STANDARD', associatedPolicies: policies };
    const id = childId(CLUSTER, arnOf(name));
    const cur = await entries().get(id);
    if (cur) await entries().update(id, rec, cur.revision);
    else await entries().create(id, rec);
  };
  before(async () => {
    store = await openMemoryStore();
    eks = eksAccessPolicyAuthorizer({ store, ...SCOPE, clusterName: CLUSTER });
    s = await startAuthServer(eks);
    await entry('viewer', [policy('AmazonEKSViewPolicy')]);
    await entry('dev', [policy('AmazonEKSEditPolicy', { type: 'namespace', namespaces: ['dev-*', 'shared'] })]);
    await entry('root', [policy('AmazonEKSClusterAdminPolicy')]);
    await entry('auditor', [policy('AmazonEKSAdminViewPolicy')]);
    await entry('nsadmin', [policy('AmazonEKSAdminPolicy', { type: 'namespace', namespaces: ['team'] })]);
    await entry('nobody', []);
  });
  after(async () => {
    await s.stop();
    await store.close();
  });

  it('View reads pods but does not create them nor read secrets (through the API server)', async () => {
    const viewer = iamUser('viewer');
    assert.equal((await s.call(viewer, 'GET', '/api/v1/namespaces/default/pods')).status, 200);
    const create = await s.call(viewer, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    assert.equal(create.status, 403);
    assert.equal(create.body.message, `pods is forbidden: User "${arnOf('viewer')}" cannot create resource "pods" in API group "" in the namespace "default"`);
    assert.equal((await s.call(viewer, 'GET', '/api/v1/namespaces/default/secrets')).status, 403);
    assert.deepEqual(await eks(req(viewer, 'get', 'pods', { namespace: 'x', name: 'p' })), { allowed: true, reason: `EKS access policy "AmazonEKSViewPolicy" (cluster scope) associated with "${arnOf('viewer')}"` });
  });

  it('a namespace scope applies only inside matching namespaces (wildcards allowed)', async () => {
    const dev = iamUser('dev');
    assert.equal((await eks(req(dev, 'create', 'deployments', { apiGroup: 'apps', namespace: 'dev-frontend' }))).allowed, true);
    assert.equal((await eks(req(dev, 'create', 'secrets', { namespace: 'shared' }))).allowed, true);
    assert.equal((await eks(req(dev, 'create', 'deployments', { apiGroup: 'apps', namespace: 'prod' }))).allowed, false);
    assert.equal((await eks(req(dev, 'list', 'nodes'))).allowed, false, 'cluster-scoped resources are outside a namespace scope');
    assert.equal((await eks(req(dev, 'get', 'namespaces', { name: 'dev-a' }))).allowed, true, 'its namespaces themselves are in scope');
    assert.equal((await eks(req(dev, 'create', 'roles', { apiGroup: 'rbac.authorization.k8s.io', namespace: 'dev-a' }))).allowed, false, 'Edit has no RBAC');
  });

  it('Admin manages RBAC in its namespaces; AdminView reads everything; ClusterAdmin does anything', async () => {
    assert.equal((await eks(req(iamUser('nsadmin'), 'create', 'rolebindings', { apiGroup: 'rbac.authorization.k8s.io', namespace: 'team' }))).allowed, true);
    assert.equal((await eks(req(iamUser('nsadmin'), 'create', 'rolebindings', { apiGroup: 'rbac.authorization.k8s.io', namespace: 'other' }))).allowed, false);
    assert.equal((await eks(req(iamUser('auditor'), 'get', 'secrets', { namespace: 'kube-system', name: 's' }))).allowed, true);
    assert.equal((await eks(req(iamUser('auditor'), 'delete', 'pods', { namespace: 'kube-system', name: 'p' }))).allowed, false);
    const root = iamUser('root');
    assert.equal((await eks(req(root, 'delete', 'nodes', { name: 'n' }))).allowed, true);
    assert.equal((await eks({ user: root, verb: 'get', isResourceRequest: false, path: '/metrics', apiGroup: '', apiVersion: '', resource: '' })).allowed, true);
    // ClusterAdmin holds bind and escalate, so the escalation check lets it grant anything.
    const bind = await s.call(root, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'ops' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'Group', name: 'ops' }],
    });
    assert.equal(bind.status, 201, JSON.stringify(bind.body));
  });

  it('has no opinion without an access entry, policies, or an IAM principal', async () => {
    assert.deepEqual(await eks(req(iamUser('stranger'), 'get', 'pods', { namespace: 'default' })), { allowed: false });
    assert.deepEqual(await eks(req(iamUser('nobody'), 'get', 'pods', { namespace: 'default' })), { allowed: false });
    assert.deepEqual(await eks(req({ name: arnOf('root'), groups: [] }, 'get', 'pods', { namespace: 'default' })), { allowed: false }, 'an impersonated user has no canonicalArn');
  });

  it('associations and disassociations apply at once', async () => {
    const u = iamUser('later');
    assert.equal((await eks(req(u, 'list', 'pods', { namespace: 'default' }))).allowed, false);
    await entry('later', [policy('AmazonEKSViewPolicy')]);
    assert.equal((await eks(req(u, 'list', 'pods', { namespace: 'default' }))).allowed, true);
    await entry('later', []);
    assert.equal((await eks(req(u, 'list', 'pods', { namespace: 'default' }))).allowed, false);
  });

  it('maps policies to the aggregated bootstrap roles; component policies grant nothing here', async () => {
    const view = eksAccessPolicyRules('AmazonEKSViewPolicy')!;
    assert.ok(view.some((r) => r.resources?.includes('pods') && r.verbs?.includes('watch')));
    assert.ok(!view.some((r) => r.resources?.includes('secrets')));
    assert.ok(eksAccessPolicyRules('AmazonEKSEditPolicy')!.some((r) => r.resources?.includes('secrets') && r.verbs?.includes('create')));
    assert.equal(eksAccessPolicyRules('AmazonEKSAutoNodePolicy'), undefined);
    assert.deepEqual(await eks.rulesFor(iamUser('viewer'), 'default'), { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'webhook authorizer does not support user rule resolution' });
  });

  it('decides fast enough', async () => {
    const a = req(iamUser('viewer'), 'get', 'pods', { namespace: 'default', name: 'p' });
    for (let i = 0; i < 2000; i++) await eks(a);
    const n = 20_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await eks(a);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
    console.log(`# EKS access policy decision (memory store read included): ${us.toFixed(2)} µs`);
    assert.ok(us < 200, `${us} µs`);
  });
});
