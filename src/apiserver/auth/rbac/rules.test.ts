/** Rule matching and coverage, as pkg/apis/rbac/v1 helpers and pkg/registry/rbac/validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactRules, compactString, covers, globMatches, ruleAllows, type RuleRequest } from './rules.js';

const r = (verb: string, resource: string, extra: Partial<RuleRequest> = {}): RuleRequest => ({ verb, isResourceRequest: true, path: '', apiGroup: '', resource, ...extra });

describe('policy rules', () => {
  it('match verbs, groups, resources with subresources and names', () => {
    const rule = { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], resourceNames: ['web'] };
    assert.equal(ruleAllows(r('get', 'deployments', { apiGroup: 'apps', name: 'web' }), rule), true);
    assert.equal(ruleAllows(r('get', 'deployments', { apiGroup: 'apps', name: 'web', subresource: 'scale' }), rule), true);
    assert.equal(ruleAllows(r('get', 'deployments', { apiGroup: 'apps', name: 'web', subresource: 'status' }), rule), false);
    assert.equal(ruleAllows(r('get', 'deployments', { apiGroup: 'apps', name: 'api' }), rule), false);
    assert.equal(ruleAllows(r('list', 'deployments', { apiGroup: 'apps' }), rule), false);
    assert.equal(ruleAllows(r('get', 'deployments', { name: 'web' }), rule), false);
    assert.equal(ruleAllows(r('anything', 'pods', { subresource: 'log' }), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }), true);
    assert.equal(ruleAllows(r('get', 'pods', { subresource: 'log' }), { verbs: ['get'], apiGroups: [''], resources: ['*/log'] }), true);
    assert.equal(ruleAllows(r('get', 'pods'), { verbs: ['get'], apiGroups: [''], resources: ['*/log'] }), false);
    const url = (path: string): RuleRequest => ({ verb: 'get', isResourceRequest: false, path, apiGroup: '', resource: '' });
    assert.equal(ruleAllows(url('/logs/x'), { verbs: ['get'], nonResourceURLs: ['/logs/*'] }), true);
    assert.equal(ruleAllows(url('/logsx'), { verbs: ['get'], nonResourceURLs: ['/logs/*'] }), false);
    assert.equal(ruleAllows(url('/version'), { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }), false, 'resource rules never match paths');
  });

  it('covers: wildcards cover, subresource wildcards cover, names narrow', () => {
    assert.equal(covers([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['get', 'create'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments/scale'] }]).covered, true);
    assert.equal(covers([{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }]).covered, true);
    assert.equal(covers([{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]).covered, false);
    assert.equal(covers([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a', 'b'] }]).covered, true);
    assert.equal(covers([{ verbs: ['get'], nonResourceURLs: ['/healthz/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/healthz/etcd'] }]).covered, true);
    const { missing } = covers([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'secrets'] }]);
    assert.deepEqual(compactRules(missing).map(compactString), ['{APIGroups:[""], Resources:["pods"], Verbs:["list" "watch"]}', '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list" "watch"]}']);
  });

  it('globs for EKS namespace scopes', () => {
    assert.equal(globMatches('dev-*', 'dev-a'), true);
    assert.equal(globMatches('dev-*', 'prod'), false);
    assert.equal(globMatches('*-team-*', 'a-team-b'), true);
    assert.equal(globMatches('a*a', 'a'), false);
    assert.equal(globMatches('shared', 'shared'), true);
  });
});
