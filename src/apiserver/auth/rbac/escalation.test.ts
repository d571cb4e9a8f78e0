/**
 * Privilege-escalation prevention (https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 * #privilege-escalation-prevention-and-bootstrapping), through the API server with the escalation
 * admission plugin: users may grant only what they hold, unless they may `bind` / `escalate`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, k, someone, startAuthServer, type AuthTestServer } from './testing.js';

const RB = '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings';
const ROLES = '/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles';
const CR = '/apis/rbac.authorization.k8s.io/v1/clusterroles';

describe('RBAC escalation prevention', () => {
  let s: AuthTestServer;
  const lee = someone('lee');
  before(async () => {
    s = await startAuthServer();
    await s.seed(
      k.namespace('team'),
      // lee may manage role bindings and roles in team, and read pods there; nothing else.
      k.role('team', 'binder', [
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: ['create', 'update', 'get', 'delete'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      ]),
      k.roleBinding('team', 'lee-binder', 'Role', 'binder', [k.userSubject('lee')]),
    );
  });
  after(() => s.stop());

  it('a user who may only create role bindings cannot bind cluster-admin', async () => {
    const r = await s.call(lee, 'POST', RB, k.roleBinding('team', 'steal', 'ClusterRole', 'cluster-admin', [k.userSubject('lee')]));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(
      r.body.message,
      'rolebindings.rbac.authorization.k8s.io "steal" is forbidden: user "lee" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
    );
    assert.deepEqual(r.body.details, { name: 'steal', group: 'rbac.authorization.k8s.io', kind: 'rolebindings' });
  });

  it('binding a role whose rules the user holds is allowed', async () => {
    await s.seed(k.role('team', 'pod-lister', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]));
    const r = await s.call(lee, 'POST', RB, k.roleBinding('team', 'share', 'Role', 'pod-lister', [k.userSubject('kim')]));
    assert.equal(r.status, 201);
  });

  it('with `bind` on the role (by name), binding it is allowed', async () => {
    await s.seed(
      k.role('team', 'bind-admin', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] }]),
      k.roleBinding('team', 'lee-bind-admin', 'Role', 'bind-admin', [k.userSubject('lee')]),
    );
    assert.equal((await s.call(lee, 'POST', RB, k.roleBinding('team', 'granted', 'ClusterRole', 'cluster-admin', [k.userSubject('kim')]))).status, 201);
    // `bind` names cluster-admin only: admin is still out of reach.
    assert.equal((await s.call(lee, 'POST', RB, k.roleBinding('team', 'no', 'ClusterRole', 'admin', [k.userSubject('kim')]))).status, 403);
  });

  it('creating a Role with rules not held is refused, with the missing rules compacted', async () => {
    const r = await s.call(lee, 'POST', ROLES, k.role('team', 'pod-writer', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'create', 'delete'] }]));
    assert.equal(r.status, 403);
    assert.equal(
      r.body.message,
      'roles.rbac.authorization.k8s.io "pod-writer" is forbidden: user "lee" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["create" "delete"]}',
    );
    assert.equal((await s.call(lee, 'POST', ROLES, k.role('team', 'pod-getter', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]))).status, 201);
  });

  it('with `escalate` on roles, any Role may be written', async () => {
    await s.seed(
      k.role('team', 'escalator', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }]),
      k.roleBinding('team', 'lee-escalator', 'Role', 'escalator', [k.userSubject('lee')]),
    );
    assert.equal((await s.call(lee, 'POST', ROLES, k.role('team', 'pod-writer', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }]))).status, 201);
  });

  it('updates are checked too; metadata-only GC changes are not', async () => {
    await s.seed(k.role('team', 'tiny', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]));
    const mia = someone('mia');
    await s.seed(
      k.role('team', 'role-editor', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['get', 'update'] }]),
      k.roleBinding('team', 'mia', 'Role', 'role-editor', [k.userSubject('mia')]),
    );
    const cur = (await s.call(ADMIN, 'GET', `${ROLES}/tiny`)).body;
    const denied = await s.call(mia, 'PUT', `${ROLES}/tiny`, { ...cur, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] });
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /^roles\.rbac\.authorization\.k8s\.io "tiny" is forbidden: user "mia"/);
    const gc = await s.call(mia, 'PUT', `${ROLES}/tiny`, { ...cur, metadata: { ...cur.metadata, finalizers: ['example.com/keep'] } });
    assert.equal(gc.status, 200, JSON.stringify(gc.body));
  });

  it('the aggregationRule requires cluster-admin privileges; system:masters may do anything', async () => {
    await s.seed(
      k.clusterRole('cr-writer', [
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['create'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      ]),
      k.clusterRoleBinding('cr-writer', 'cr-writer', [k.userSubject('cy')]),
    );
    const agg = await s.call(someone('cy'), 'POST', CR, k.clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } }));
    assert.equal(agg.status, 403);
    assert.equal(agg.body.message, 'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule');
    assert.equal((await s.call(someone('cy'), 'POST', CR, k.clusterRole('pod-get', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]))).status, 201);
    assert.equal((await s.call(ADMIN, 'POST', CR, k.clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } }))).status, 201);
  });

  it('a cluster role binding is checked against cluster-wide rules only', async () => {
    await s.seed(
      k.clusterRole('crb-maker', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings'], verbs: ['create'] }]),
      k.clusterRoleBinding('crb-maker', 'crb-maker', [k.userSubject('lee')]),
    );
    // lee holds pods list in team only: a cluster-wide grant of it is an escalation.
    const r = await s.call(lee, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', k.clusterRoleBinding('wide', 'pod-get', [k.userSubject('kim')]));
    assert.equal(r.status, 403);
    assert.match(r.body.message, /^clusterrolebindings\.rbac\.authorization\.k8s\.io "wide" is forbidden: user "lee" .*\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["get"\]\}$/);
  });
});
