import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pod, startHarness, type Harness } from './testing.js';

describe('NamespaceLifecycle', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ plugins: ['NamespaceLifecycle'] })));
  after(() => h.stop());

  it('refuses deleting the immortal namespaces', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      const r = await h.call('DELETE', `/api/v1/namespaces/${ns}`);
      assert.equal(r.status, 403);
      assert.equal(r.body.message, `namespaces "${ns}" is forbidden: this namespace may not be deleted`);
      assert.equal(r.body.reason, 'Forbidden');
    }
  });

  it('lets other namespaces go', async () => {
    await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'tmp' } });
    const r = await h.call('DELETE', '/api/v1/namespaces/tmp');
    assert.equal(r.status, 200);
  });
});

describe('ServiceAccount', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ plugins: ['ServiceAccount'] })));
  after(() => h.stop());

  it('sets the default account and mounts the projected token volume in every container', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('p1', { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx' }] }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const spec = r.body.spec;
    assert.equal(spec.serviceAccountName, 'default');
    assert.equal(spec.serviceAccount, 'default');
    const vol = spec.volumes.at(-1);
    assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(vol.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    for (const c of [...spec.initContainers, ...spec.containers])
      assert.deepEqual(c.volumeMounts, [{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
  });

  it('refuses a missing service account with upstream wording', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('p2', { serviceAccountName: 'ghost' }));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'pods "p2" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');
  });

  it('honours automountServiceAccountToken of the pod and of the account, and copies imagePullSecrets', async () => {
    await h.call('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'quiet' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'reg' }] });
    const r1 = await h.call('POST', '/api/v1/namespaces/default/pods', pod('p3', { serviceAccountName: 'quiet' }));
    assert.equal(r1.status, 201, JSON.stringify(r1.body));
    assert.equal(r1.body.spec.volumes, undefined);
    assert.deepEqual(r1.body.spec.imagePullSecrets, [{ name: 'reg' }]);
    const r2 = await h.call('POST', '/api/v1/namespaces/default/pods', pod('p4', { serviceAccountName: 'quiet', automountServiceAccountToken: true }));
    assert.equal(r2.body.spec.volumes.length, 1);
    const r3 = await h.call('POST', '/api/v1/namespaces/default/pods', pod('p5', { automountServiceAccountToken: false }));
    assert.equal(r3.body.spec.volumes, undefined);
  });

  it('keeps a container that already mounts the path and limits secrets when the account enforces it', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('p6', {
      volumes: [{ name: 'own', emptyDir: {} }],
      containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
    }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.spec.volumes.map((v: { name: string }) => v.name), ['own']);
    await h.call('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'strict', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }] });
    const bad = await h.call('POST', '/api/v1/namespaces/default/pods', pod('p7', { serviceAccountName: 'strict', volumes: [{ name: 's', secret: { secretName: 'other' } }] }));
    assert.equal(bad.status, 403);
    assert.equal(bad.body.message, 'pods "p7" is forbidden: volume with secret.secretName="other" is not allowed because service account strict does not reference that secret');
  });

  it('refuses mirror pods that reference a service account', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('m', { serviceAccountName: 'default' }, { annotations: { 'kubernetes.io/config.mirror': 'x' } }));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'pods "m" is forbidden: a mirror pod may not reference service accounts');
  });
});
