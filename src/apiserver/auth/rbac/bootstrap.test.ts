/** The bootstrap RBAC data: consistent references, upstream metadata, and the aggregated user-facing roles. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthorizationAttributes } from '../types.js';
import { BOOTSTRAP_RBAC, bootstrapClusterRoleRules, bootstrapObject, EKS_BOOTSTRAP_RBAC, ensureBootstrapRbac } from './bootstrap.js';
import { ADMIN, startAuthServer } from './testing.js';
import { rulesAllow } from './rules.js';

const can = (role: string, verb: string, resource: string, apiGroup = '', subresource?: string): boolean => {
  const a: AuthorizationAttributes = { user: { name: 'u', groups: [] }, verb, isResourceRequest: true, path: '', apiGroup, apiVersion: 'v1', resource, namespace: 'ns', ...(subresource ? { subresource } : {}) };
  return rulesAllow(a, bootstrapClusterRoleRules(role));
};

describe('bootstrap RBAC', () => {
  it('every binding names a bootstrap role; names are unique; metadata as upstream', () => {
    const all = [...BOOTSTRAP_RBAC, ...EKS_BOOTSTRAP_RBAC];
    const ids = all.map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
    assert.equal(new Set(ids).size, ids.length);
    for (const o of all) {
      assert.equal(o.metadata?.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', ids[all.indexOf(o)]);
      assert.equal(o.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
      const ref = (o as { roleRef?: { kind: string; name: string } }).roleRef;
      if (ref) assert.ok(bootstrapObject(ref.kind, ref.name, ref.kind === 'Role' ? o.metadata?.namespace : undefined), `${o.metadata?.name} → ${ref.kind} ${ref.name}`);
    }
    assert.equal((bootstrapObject('ClusterRoleBinding', 'system:node') as { subjects?: unknown[] }).subjects, undefined, 'system:node is bound to nobody');
    assert.deepEqual((bootstrapObject('ClusterRoleBinding', 'cluster-admin') as { subjects?: unknown[] }).subjects, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }]);
    assert.ok(bootstrapObject('ClusterRoleBinding', 'system:controller:generic-garbage-collector'));
    assert.ok(bootstrapObject('RoleBinding', 'system::leader-locking-kube-scheduler', 'kube-system'));
  });

  it('ensureBootstrapRbac creates what is missing, once', async () => {
    const s = await startAuthServer();
    try {
      assert.equal(await ensureBootstrapRbac(s.api), 0, 'the test server already has them');
      await s.call(ADMIN, 'DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterroles/view');
      assert.equal(await ensureBootstrapRbac(s.api), 1);
      assert.equal(await ensureBootstrapRbac(s.api, EKS_BOOTSTRAP_RBAC), EKS_BOOTSTRAP_RBAC.length);
      assert.equal((await s.call(ADMIN, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/eks:node-manager')).status, 200);
    } finally {
      await s.stop();
    }
  });

  it('admin ⊃ edit ⊃ view through aggregation', () => {
    assert.equal(bootstrapObject('ClusterRole', 'admin')!.rules, undefined, 'aggregated roles are stored without rules');
    assert.equal(can('view', 'list', 'pods'), true);
    assert.equal(can('view', 'get', 'pods', '', 'log'), true);
    assert.equal(can('view', 'get', 'secrets'), false);
    assert.equal(can('view', 'create', 'pods'), false);
    assert.equal(can('edit', 'create', 'deployments', 'apps'), true);
    assert.equal(can('edit', 'list', 'pods'), true, 'edit aggregates view');
    assert.equal(can('edit', 'create', 'pods', '', 'exec'), true);
    assert.equal(can('edit', 'create', 'roles', 'rbac.authorization.k8s.io'), false);
    assert.equal(can('admin', 'create', 'rolebindings', 'rbac.authorization.k8s.io'), true);
    assert.equal(can('admin', 'delete', 'statefulsets', 'apps'), true, 'admin aggregates edit');
    assert.equal(can('admin', 'get', 'resourcequotas'), true);
    assert.equal(can('admin', 'create', 'resourcequotas'), false);
  });
});
