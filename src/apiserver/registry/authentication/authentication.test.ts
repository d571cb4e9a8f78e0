import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../../apimachinery/errors.js';
import { NOW } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { NO_TOKEN_AUTHENTICATOR, selfsubjectreviews, tokenReviews } from './reviews.js';

const jane = { name: 'jane', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['a'] } };
const ctx = { user: jane, now: NOW };
const tr = (token: string, audiences?: string[]): KObject => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } });

describe('authentication.k8s.io/v1 reviews', () => {
  it('answers SelfSubjectReview with the caller', async () => {
    const r = await selfsubjectreviews.review!({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, ctx);
    assert.deepEqual(r.status, { userInfo: { username: 'jane', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['a'] } } });
    assert.equal(r.metadata?.creationTimestamp, '2025-01-01T12:00:00Z');
    assert.deepEqual(selfsubjectreviews.verbs, ['create']);
  });

  it('answers TokenReview unauthenticated without an authenticator', async () => {
    const r = await tokenReviews().review!(tr('abc'), ctx);
    assert.deepEqual(r.status, { authenticated: false, user: {}, error: NO_TOKEN_AUTHENTICATOR });
    await assert.rejects(async () => tokenReviews().review!(tr(''), ctx), (e: unknown) => e instanceof StatusError && e.code === 400 && /token is required/.test(e.message));
  });

  it('asks the authenticator and reports its errors', async () => {
    const def = tokenReviews(async (token) => {
      if (token === 'boom') throw new Error('token expired');
      return token === 'good' ? { name: 'system:serviceaccount:default:sa', groups: ['system:serviceaccounts'] } : undefined;
    });
    assert.deepEqual((await def.review!(tr('good', ['api']), ctx)).status, { authenticated: true, user: { username: 'system:serviceaccount:default:sa', groups: ['system:serviceaccounts'] }, audiences: ['api'] });
    assert.deepEqual((await def.review!(tr('bad'), ctx)).status, { authenticated: false, user: {} });
    assert.deepEqual((await def.review!(tr('boom'), ctx)).status, { authenticated: false, user: {}, error: 'token expired' });
  });
});
