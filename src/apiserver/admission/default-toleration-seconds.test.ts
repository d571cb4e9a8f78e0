import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pod, startHarness, type Harness } from './testing.js';

const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

describe('DefaultTolerationSeconds', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ plugins: ['DefaultTolerationSeconds'] })));
  after(() => h.stop());

  it('adds the not-ready and unreachable NoExecute tolerations with 300 seconds', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('plain'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.spec.tolerations, [notReady, unreachable]);
  });

  it('keeps the user tolerations and adds only what is missing', async () => {
    const mine = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 6000 };
    const other = { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' };
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('mine', { tolerations: [other, mine] }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.spec.tolerations, [other, mine, notReady]);
  });

  it('counts a wildcard key or an empty effect as tolerating', async () => {
    const all = await h.call('POST', '/api/v1/namespaces/default/pods', pod('all', { tolerations: [{ operator: 'Exists' }] }));
    assert.deepEqual(all.body.spec.tolerations, [{ operator: 'Exists' }]);
    const anyEffect = { key: 'node.kubernetes.io/not-ready', operator: 'Exists' };
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('any-effect', { tolerations: [anyEffect] }));
    assert.deepEqual(r.body.spec.tolerations, [anyEffect, unreachable]);
    const noSchedule = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' };
    const ns = await h.call('POST', '/api/v1/namespaces/default/pods', pod('no-schedule', { tolerations: [noSchedule] }));
    assert.deepEqual(ns.body.spec.tolerations, [noSchedule, notReady, unreachable]);
  });

  it('leaves other resources alone', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cm' }, data: { a: 'b' } });
    assert.equal(r.status, 201);
    assert.equal(r.body.spec, undefined);
  });
});
