/**
 * The authorizer chain: union semantics, and RBAC's speed with 10,000 bindings (a decision must
 * stay far under 50 µs; the measured figures are printed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthorizationAttributes, Authorizer } from '../types.js';
import { privilegedGroups, reviewAuthorizer, unionAuthorizer, unionRules, type UnionDecision } from '../union.js';
import { k, someone, startAuthServer, type AuthTestServer } from './testing.js';

const a: AuthorizationAttributes = { user: { name: 'u', groups: [] }, verb: 'get', isResourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'ns' };
const fixed = (d: UnionDecision): Authorizer => async () => d;

describe('unionAuthorizer', () => {
  it('the first allow wins; no-opinion reasons are collected', async () => {
    const calls: string[] = [];
    const spy = (name: string, d: UnionDecision): Authorizer => async () => (calls.push(name), d);
    const u = unionAuthorizer(spy('a', { allowed: false, reason: 'a says no' }), spy('b', { allowed: true, reason: 'b says yes' }), spy('c', { allowed: true }));
    assert.deepEqual(await u(a), { allowed: true, reason: 'b says yes' });
    assert.deepEqual(calls, ['a', 'b']);
    assert.deepEqual(await unionAuthorizer(fixed({ allowed: false, reason: 'one' }), fixed({ allowed: false }), fixed({ allowed: false, reason: 'two' }))(a), { allowed: false, reason: 'one\ntwo' });
    assert.deepEqual(await unionAuthorizer()(a), { allowed: false });
  });

  it('privileged groups are allowed everything, silently; others get no opinion', async () => {
    const masters = privilegedGroups('system:masters');
    assert.deepEqual(await masters({ ...a, user: { name: 'x', groups: ['system:masters'] } }), { allowed: true });
    assert.deepEqual(await masters(a), { allowed: false });
  });

  it('an explicit denial stops the chain', async () => {
    assert.deepEqual(await unionAuthorizer(fixed({ allowed: false, denied: true, reason: 'never' }), fixed({ allowed: true }))(a), { allowed: false, denied: true, reason: 'never' });
  });

  it('an authorizer error does not stop others; it surfaces when nobody allows', async () => {
    const boom: Authorizer = async () => {
      throw new Error('webhook down');
    };
    assert.equal((await unionAuthorizer(boom, fixed({ allowed: true }))(a)).allowed, true);
    await assert.rejects(unionAuthorizer(boom, fixed({ allowed: false }))(a), /webhook down/);
  });

  it('adapts to access reviews and unions rules', async () => {
    const seen: AuthorizationAttributes[] = [];
    const review = reviewAuthorizer(async (x) => (seen.push(x), { allowed: false, denied: true, reason: 'r' } as UnionDecision));
    assert.deepEqual(await review({ name: 'u', groups: [] }, { verb: 'list', resourceRequest: true, resource: 'pods', namespace: 'ns', fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }] } }), { allowed: false, denied: true, reason: 'r' });
    assert.deepEqual(seen[0], { user: { name: 'u', groups: [] }, verb: 'list', isResourceRequest: true, path: '', apiGroup: '', apiVersion: '', resource: 'pods', namespace: 'ns', fieldSelector: 'spec.nodeName=n1' });
    const rules = unionRules(
      async () => ({ resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], nonResourceRules: [], incomplete: false }),
      async () => ({ resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'e1' }),
      async () => ({ resourceRules: [], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }], incomplete: false, evaluationError: 'e2' }),
    );
    assert.deepEqual(await rules({ name: 'u', groups: [] }, 'ns'), {
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }],
      incomplete: true,
      evaluationError: '[e1, e2]',
    });
  });
});

describe('RBAC with 10,000 bindings', () => {
  let s: AuthTestServer;
  const N = 10_000;
  before(async () => {
    s = await startAuthServer();
    await s.seed(...Array.from({ length: 100 }, (_, i) => k.namespace(`ns-${i}`)), k.clusterRole('pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]));
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const ns = `ns-${i % 100}`;
      if (i % 10 === 0) await s.seed(k.clusterRoleBinding(`crb-${i}`, 'view', [k.userSubject(`cluster-user-${i}`)]));
      else await s.seed(k.roleBinding(ns, `rb-${i}`, 'ClusterRole', 'pod-reader', [k.userSubject(`user-${i}`), k.groupSubject(`team-${i % 50}`)]));
    }
    console.log(`# created ${N} bindings through the API store in ${(performance.now() - t0).toFixed(0)} ms (index kept current per write)`);
  });
  after(() => s.stop());

  const time = (label: string, attrs: AuthorizationAttributes, want: boolean): number => {
    assert.equal(s.rbac.decide(attrs).allowed, want, label);
    const iterations = 200_000;
    for (let i = 0; i < 10_000; i++) s.rbac.decide(attrs);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) s.rbac.decide(attrs);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / iterations;
    console.log(`# ${label}: ${us.toFixed(2)} µs per decision`);
    return us;
  };

  it('decides in well under 50 µs, allowed or not', () => {
    const results = [
      time('allowed by a RoleBinding (user subject)', { ...a, user: someone('user-5551'), namespace: 'ns-51', verb: 'list' }, true),
      time('allowed by a RoleBinding (group subject)', { ...a, user: someone('x', 'team-1'), namespace: 'ns-51', verb: 'get', name: 'p' }, true),
      time('allowed by a ClusterRoleBinding to aggregated view', { ...a, user: someone('cluster-user-5550'), namespace: 'ns-3', apiGroup: 'apps', resource: 'deployments' }, true),
      time('allowed for system:masters', { ...a, user: someone('admin', 'system:masters'), verb: 'delete' }, true),
      time('denied (no binding in the namespace)', { ...a, user: someone('user-5551'), namespace: 'ns-52' }, false),
      time('denied (wrong verb, many group bindings)', { ...a, user: someone('x', 'team-1'), namespace: 'ns-51', verb: 'delete' }, false),
    ];
    for (const us of results) assert.ok(us < 50, `${us} µs`);
  });

  it('the async authorizer (as the API server calls it) stays under 50 µs', async () => {
    const attrs = { ...a, user: someone('user-5551'), namespace: 'ns-51', verb: 'list' };
    for (let i = 0; i < 10_000; i++) await s.rbac(attrs);
    const n = 100_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await s.authorize(attrs);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
    console.log(`# node → RBAC union, awaited: ${us.toFixed(2)} µs per decision`);
    assert.ok(us < 50, `${us} µs`);
  });
});
