/**
 * Impersonation (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation)
 * authorized by RBAC: each impersonated piece needs `impersonate` on it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StatusError } from '../../apimachinery/errors.js';
import { impersonate, isImpersonationHeader, splitServiceAccount } from './impersonation.js';
import { ADMIN, k, someone, startAuthServer, type AuthTestServer } from './rbac/testing.js';

describe('impersonation', () => {
  let s: AuthTestServer;
  const ivy = someone('ivy');
  before(async () => {
    s = await startAuthServer();
    await s.seed(
      // The documentation's limited impersonator: user jane, group developers, extra scopes view/development, a UID.
      k.clusterRole('limited-impersonator', [
        { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['jane.doe@example.com'] },
        { apiGroups: [''], resources: ['groups'], verbs: ['impersonate'], resourceNames: ['developers', 'admins'] },
        { apiGroups: ['authentication.k8s.io'], resources: ['userextras/scopes'], verbs: ['impersonate'], resourceNames: ['view', 'development'] },
        { apiGroups: ['authentication.k8s.io'], resources: ['uids'], verbs: ['impersonate'], resourceNames: ['06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b'] },
        { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'], resourceNames: ['builder'] },
      ]),
      k.clusterRoleBinding('ivy-impersonates', 'limited-impersonator', [k.userSubject('ivy')]),
      k.roleBinding('default', 'jane-view', 'ClusterRole', 'view', [k.userSubject('jane.doe@example.com')]),
    );
  });
  after(() => s.stop());

  it('passes the user through without impersonation headers', async () => {
    assert.equal(await impersonate({ accept: 'application/json' }, ivy, s.authorize), ivy);
  });

  it('acts as the user, groups, extras and UID once each is allowed', async () => {
    const as = await impersonate(
      { 'impersonate-user': 'jane.doe@example.com', 'impersonate-group': ['developers', 'admins'], 'impersonate-extra-scopes': ['view', 'development'], 'impersonate-uid': '06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b' },
      ivy,
      s.authorize,
    );
    assert.deepEqual(as, {
      name: 'jane.doe@example.com',
      groups: ['developers', 'admins', 'system:authenticated'],
      uid: '06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b',
      extra: { scopes: ['view', 'development'] },
    });
    // The impersonated user is authorized as itself.
    assert.equal((await s.call(as, 'GET', '/api/v1/namespaces/default/pods')).status, 200);
    assert.equal((await s.call(as, 'GET', '/api/v1/namespaces/kube-system/pods')).status, 403);
  });

  it('refuses each piece not allowed, with the upstream 403', async () => {
    const refused = async (headers: Record<string, string | string[]>) => {
      try {
        await impersonate(headers, ivy, s.authorize);
      } catch (e) {
        assert.ok(e instanceof StatusError);
        assert.equal(e.code, 403);
        return e.message;
      }
      assert.fail('not refused');
    };
    assert.equal(await refused({ 'impersonate-user': 'bob' }), 'users "bob" is forbidden: User "ivy" cannot impersonate resource "users" in API group "" at the cluster scope');
    assert.equal(await refused({ 'impersonate-user': 'jane.doe@example.com', 'impersonate-group': 'system:masters' }), 'groups "system:masters" is forbidden: User "ivy" cannot impersonate resource "groups" in API group "" at the cluster scope');
    assert.equal(
      await refused({ 'impersonate-user': 'jane.doe@example.com', 'impersonate-extra-scopes': 'admin' }),
      'userextras.authentication.k8s.io "admin" is forbidden: User "ivy" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    );
    assert.equal(
      await refused({ 'impersonate-user': 'jane.doe@example.com', 'impersonate-uid': '1' }),
      'uids.authentication.k8s.io "1" is forbidden: User "ivy" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
    );
    assert.equal(
      await refused({ 'impersonate-user': 'system:serviceaccount:ci:deployer' }),
      'serviceaccounts "deployer" is forbidden: User "ivy" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ci"',
    );
  });

  it('gives service accounts their groups unless groups are named', async () => {
    assert.deepEqual(await impersonate({ 'impersonate-user': 'system:serviceaccount:ci:builder' }, ivy, s.authorize), {
      name: 'system:serviceaccount:ci:builder',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
    });
    assert.deepEqual((await impersonate({ 'impersonate-user': 'system:serviceaccount:ci:builder', 'impersonate-group': 'developers' }, ivy, s.authorize)).groups, ['developers', 'system:authenticated']);
  });

  it('anonymous gets system:unauthenticated; groups without a user are an error', async () => {
    assert.deepEqual(await impersonate({ 'impersonate-user': 'system:anonymous' }, ADMIN, s.authorize), { name: 'system:anonymous', groups: ['system:unauthenticated'] });
    await assert.rejects(impersonate({ 'impersonate-group': 'developers' }, ADMIN, s.authorize), (e: StatusError) => e.code === 500 && e.message === 'Internal error occurred: requested [Group "developers"] without impersonating a user');
  });

  it('splits comma-joined repeated headers and recognizes header names', async () => {
    assert.deepEqual((await impersonate({ 'impersonate-user': 'jane.doe@example.com', 'impersonate-group': 'developers, admins' }, ivy, s.authorize)).groups, ['developers', 'admins', 'system:authenticated']);
    assert.equal(isImpersonationHeader('Impersonate-Extra-Scopes'), true);
    assert.equal(isImpersonationHeader('authorization'), false);
    assert.deepEqual(splitServiceAccount('system:serviceaccount:ns:name'), ['ns', 'name']);
    assert.equal(splitServiceAccount('system:serviceaccount:ns:a:b'), undefined);
  });
});
