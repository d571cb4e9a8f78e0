import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorText, StatusError } from '../../../apimachinery/errors.js';
import { NOW } from '../core/strategy-test-helpers.js';
import type { KObject, ResourceDef } from '../resource.js';
import { authorizationReviews, NO_AUTHORIZER, type AuthorizationAttributes } from './reviews.js';

const admin = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
const dev = { name: 'dev', groups: ['system:authenticated'] };
const byKind = (defs: ResourceDef[]) => Object.fromEntries(defs.map((d) => [d.kind, d]));
const review = (kind: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KObject => ({ apiVersion: 'authorization.k8s.io/v1', kind, metadata, spec });
const podsGet = { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } };
const errors = (d: ResourceDef, o: KObject) => (d.strategy.validate?.(o) ?? []).map(fieldErrorText);

describe('authorization.k8s.io/v1 reviews (default authorizer)', () => {
  const d = byKind(authorizationReviews());

  it('allows system:masters and explains the refusal to others', async () => {
    assert.deepEqual((await d.SelfSubjectAccessReview!.review!(review('SelfSubjectAccessReview', podsGet), { user: admin, now: NOW })).status, { allowed: true, reason: 'allowed by membership in system:masters' });
    assert.deepEqual((await d.SelfSubjectAccessReview!.review!(review('SelfSubjectAccessReview', podsGet), { user: dev, now: NOW })).status, { allowed: false, reason: NO_AUTHORIZER });
    assert.deepEqual((await d.SubjectAccessReview!.review!(review('SubjectAccessReview', { ...podsGet, user: 'x', groups: ['system:masters'] }), { user: dev, now: NOW })).status, { allowed: true, reason: 'allowed by membership in system:masters' });
  });

  it('lists rules for masters and reports incompleteness otherwise', async () => {
    const r = await d.SelfSubjectRulesReview!.review!(review('SelfSubjectRulesReview', { namespace: 'default' }), { user: admin, now: NOW });
    assert.deepEqual(r.status, { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false });
    const other = await d.SelfSubjectRulesReview!.review!(review('SelfSubjectRulesReview', { namespace: 'default' }), { user: dev, now: NOW });
    assert.equal((other.status as { incomplete: boolean }).incomplete, true);
    await assert.rejects(async () => d.SelfSubjectRulesReview!.review!(review('SelfSubjectRulesReview', {}), { user: dev, now: NOW }), (e: unknown) => e instanceof StatusError && e.message === 'no namespace on request');
  });

  it('validates as ValidateSubjectAccessReview', () => {
    assert.deepEqual(errors(d.SubjectAccessReview!, review('SubjectAccessReview', {})), [
      'spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
      'spec.user: Invalid value: "": at least one of user or group must be specified',
    ]);
    assert.deepEqual(errors(d.SelfSubjectAccessReview!, review('SelfSubjectAccessReview', { ...podsGet, nonResourceAttributes: { path: '/x', verb: 'get' } })), [
      'spec.nonResourceAttributes: Invalid value: {"path":"/x","verb":"get"}: cannot be specified in combination with resourceAttributes',
    ]);
    assert.deepEqual(errors(d.SelfSubjectAccessReview!, review('SelfSubjectAccessReview', podsGet, { name: 'x', creationTimestamp: null })), ['metadata: Invalid value: {"name":"x","creationTimestamp":null}: must be empty']);
    assert.deepEqual(errors(d.LocalSubjectAccessReview!, review('LocalSubjectAccessReview', { ...podsGet, user: 'u' }, { namespace: 'default' })), []);
  });

  it('checks the local review namespace against the URL', async () => {
    const lsar = d.LocalSubjectAccessReview!;
    const ok = await lsar.review!(review('LocalSubjectAccessReview', { ...podsGet, user: 'u', groups: ['system:masters'] }), { user: dev, namespace: 'default', now: NOW });
    assert.equal(ok.metadata?.namespace, 'default');
    await assert.rejects(async () => lsar.review!(review('LocalSubjectAccessReview', { ...podsGet, user: 'u' }), { user: dev, namespace: 'other', now: NOW }), /spec.resourceAttributes.namespace must match namespace: other/);
  });
});

describe('authorization.k8s.io/v1 reviews (injected authorizer)', () => {
  it('passes the attributes and the decision through', async () => {
    const seen: AuthorizationAttributes[] = [];
    const d = byKind(authorizationReviews(async (user, attrs) => {
      seen.push(attrs);
      return user.name === 'dev' && attrs.verb === 'get' ? { allowed: true, reason: 'RBAC: allowed' } : { allowed: false, denied: true, reason: 'nope' };
    }));
    const ssar = (spec: Record<string, unknown>) => d.SelfSubjectAccessReview!.review!(review('SelfSubjectAccessReview', spec), { user: dev, now: NOW });
    assert.deepEqual((await ssar(podsGet)).status, { allowed: true, reason: 'RBAC: allowed' });
    assert.deepEqual((await ssar({ nonResourceAttributes: { path: '/healthz', verb: 'post' } })).status, { allowed: false, denied: true, reason: 'nope' });
    assert.deepEqual(seen[0], { verb: 'get', resourceRequest: true, namespace: 'default', group: undefined, version: undefined, resource: 'pods', subresource: undefined, name: undefined, fieldSelector: undefined, labelSelector: undefined });
    assert.deepEqual(seen[1], { verb: 'post', resourceRequest: false, path: '/healthz' });
  });
});
