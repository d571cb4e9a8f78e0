import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, NOW, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { clusterrolebindings, rolebindings } from './bindings.js';
import { clusterroles, roles } from './roles.js';

const obj = (kind: string, rest: Record<string, unknown>, namespace?: string): KObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
  ...rest,
});
const ref = (kind = 'Role', name = 'reader') => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });

describe('rbac.authorization.k8s.io/v1 validation', () => {
  const cases: [string, typeof roles, KObject, string[]][] = [
    ['valid role', roles, obj('Role', { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }, 'default'), []],
    ['rule without verbs', roles, obj('Role', { rules: [{ apiGroups: [''], resources: ['pods'] }] }, 'default'), ['rules[0].verbs: Required value: verbs must contain at least one value']],
    [
      'rule without groups and resources',
      roles,
      obj('Role', { rules: [{ verbs: ['get'] }] }, 'default'),
      ['rules[0].apiGroups: Required value: resource rules must supply at least one api group', 'rules[0].resources: Required value: resource rules must supply at least one resource'],
    ],
    ['namespaced non-resource URLs', roles, obj('Role', { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }, 'default'), ['rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs']],
    ['cluster non-resource URLs', clusterroles, obj('ClusterRole', { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }), []],
    ['mixed rule', clusterroles, obj('ClusterRole', { rules: [{ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['pods'] }] }), ['rules[0].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs']],
    ['empty aggregation', clusterroles, obj('ClusterRole', { aggregationRule: { clusterRoleSelectors: [] } }), ['aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil']],
    ['valid binding', rolebindings, obj('RoleBinding', { roleRef: ref(), subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'default' }] }, 'default'), []],
    ['bad role kind', rolebindings, obj('RoleBinding', { roleRef: ref('Pod') }, 'default'), ['roleRef.kind: Unsupported value: "Pod": supported values: "Role", "ClusterRole"']],
    ['missing role name', rolebindings, obj('RoleBinding', { roleRef: { kind: 'Role' } }, 'default'), ['roleRef.name: Required value']],
    ['cluster binding to a Role', clusterrolebindings, obj('ClusterRoleBinding', { roleRef: ref('Role') }), ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"']],
    ['cluster binding SA without namespace', clusterrolebindings, obj('ClusterRoleBinding', { roleRef: ref('ClusterRole'), subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }), ['subjects[0].namespace: Required value']],
    ['unknown subject kind', rolebindings, obj('RoleBinding', { roleRef: ref(), subjects: [{ kind: 'Robot', name: 'r2' }] }, 'default'), ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"']],
    ['subject without name', rolebindings, obj('RoleBinding', { roleRef: ref(), subjects: [{ kind: 'Group' }] }, 'default'), ['subjects[0].name: Required value']],
  ];
  for (const [name, def, o, want] of cases) it(name, () => assert.deepEqual(createErrors(def, o), want));
});

describe('rbac.authorization.k8s.io/v1 defaults, updates and printers', () => {
  it('defaults roleRef.apiGroup and subject groups', () => {
    const b = created(rolebindings, obj('RoleBinding', { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's', namespace: 'ns' }] }, 'default'));
    assert.deepEqual(b.roleRef, ref('Role', 'r'));
    assert.deepEqual(b.subjects, [
      { kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 's', namespace: 'ns', apiGroup: '' },
    ]);
  });

  it('keeps roleRef immutable', () => {
    const old = created(rolebindings, obj('RoleBinding', { roleRef: ref() }, 'default'));
    assert.deepEqual(updateErrors(rolebindings, old, { ...old, roleRef: ref('Role', 'writer') }), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"writer"}: cannot change roleRef',
    ]);
    assert.deepEqual(updateErrors(rolebindings, old, { ...old, subjects: [{ kind: 'Group', name: 'g' }] }), []);
  });

  it('prints roles and bindings as upstream', () => {
    const r = created(roles, obj('Role', { rules: [] }, 'default'));
    assert.deepEqual(cells(roles, r), { 'Created At': new Date(NOW - 60_000).toISOString().replace('.000', '') });
    const b = created(clusterrolebindings, obj('ClusterRoleBinding', { roleRef: ref('ClusterRole', 'admin'), subjects: [{ kind: 'User', name: 'a' }, { kind: 'User', name: 'b' }, { kind: 'Group', name: 'g' }, { kind: 'ServiceAccount', name: 's', namespace: 'n' }] }));
    assert.deepEqual(cells(clusterrolebindings, b), { Role: 'ClusterRole/admin', Age: '60s', Users: 'a, b', Groups: 'g', ServiceAccounts: 'n:s' });
  });
});
