import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { createAdmissionChain, DEFAULT_ADMISSION_PLUGINS } from './chain.js';
import { pod, startHarness, type Harness } from './testing.js';

describe('admission chain', () => {
  it("lists the plugins in kube-apiserver's order and refuses unknown names", () => {
    assert.deepEqual(DEFAULT_ADMISSION_PLUGINS, [
      'NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'NodeRestriction', 'PodSecurity', 'Priority', 'DefaultTolerationSeconds', 'DefaultStorageClass',
      'MutatingAdmissionWebhook', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionWebhook', 'ResourceQuota',
    ]);
    assert.throws(() => createAdmissionChain({ api: () => ({ storeFor: () => undefined }), clock: realClock, log: silentLogger(), plugins: ['AlwaysDeny'] }), /admission plugin "AlwaysDeny" is not known/);
    const some = createAdmissionChain({ api: () => ({ storeFor: () => undefined }), clock: realClock, log: silentLogger(), plugins: ['ResourceQuota', 'LimitRanger'] });
    assert.deepEqual(some.plugins.map((p) => p.name), ['LimitRanger', 'ResourceQuota'], 'the table decides the order');
  });

  describe('with every plugin', () => {
    let h: Harness;
    before(async () => (h = await startHarness()));
    after(() => h.stop());

    it('admits ordinary writes and applies the mutating plugins together', async () => {
      const p = await h.call('POST', '/api/v1/namespaces/default/pods', pod('web'));
      assert.equal(p.status, 201, JSON.stringify(p.body));
      assert.equal(p.body.spec.serviceAccountName, 'default');
      assert.equal(p.body.spec.priority, 0);
      assert.match(p.body.spec.volumes[0].name, /^kube-api-access-/);
      for (const [path, body] of [
        ['/api/v1/namespaces/default/configmaps', { metadata: { name: 'cm' } }],
        ['/api/v1/namespaces/default/services', { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } }],
        ['/apis/apps/v1/namespaces/default/deployments', { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } }],
      ] as const) assert.equal((await h.call('POST', path, body)).status, 201, path);
      assert.equal((await h.call('DELETE', '/api/v1/namespaces/default/pods/web')).status, 200);
    });

    it('refuses with the first plugin that objects', async () => {
      const r = await h.call('DELETE', '/api/v1/namespaces/kube-system');
      assert.equal(r.body.message, 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
    });
  });
});
