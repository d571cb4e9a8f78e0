import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createCA, issueServerCert } from '../../../lib/pki.js';
import { startHarness, type Harness } from '../testing.js';

const AR = '/apis/admissionregistration.k8s.io/v1';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Review = any;

describe('admission webhooks over HTTPS', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  let caBundle: string;
  let otherCaBundle: string;
  const seen: Review[] = [];
  const calls: Record<string, number> = {};
  const answer = (review: Review, response: Record<string, unknown>) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, ...response } });
  const patch = (ops: unknown[]) => Buffer.from(JSON.stringify(ops)).toString('base64');
  const routes: Record<string, (r: Review) => unknown> = {
    '/mutate': (r) => answer(r, { allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'add', path: '/data/mutated', value: 'yes' }]), warnings: ['mutated by the test webhook'], auditAnnotations: { why: 'test' } }),
    '/validate': (r) => (r.request.object.metadata.labels?.deny ? answer(r, { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no thanks' } }) : answer(r, { allowed: true })),
    '/bad-uid': (r) => ({ ...answer(r, { allowed: true }), response: { uid: 'nope', allowed: true } }),
    '/count-a': (r) => answer(r, { allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'add', path: '/data/a', value: String(calls['/count-a']) }]) }),
    '/count-b': (r) => answer(r, { allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'add', path: '/data/b', value: 'set' }]) }),
  };

  before(async () => {
    const ca = await createCA('webhook-ca');
    const other = await createCA('other-ca');
    const cert = await issueServerCert(ca, { commonName: 'webhook', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    caBundle = Buffer.from(ca.certPem).toString('base64');
    otherCaBundle = Buffer.from(other.certPem).toString('base64');
    server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'https://x').pathname;
        calls[path] = (calls[path] ?? 0) + 1;
        if (path === '/slow') return; // never answers
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        seen.push({ path, query: req.url, review });
        const route = routes[path];
        res.writeHead(route ? 200 : 404, { 'content-type': 'application/json' });
        res.end(route ? JSON.stringify(route(review)) : '{"message":"no such hook"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await startHarness({ plugins: ['MutatingAdmissionWebhook', 'ValidatingAdmissionWebhook'] });
  });
  after(async () => {
    h.stop();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** A configuration with one webhook for configmaps labelled test=<scenario>. */
  const configure = async (kind: 'mutating' | 'validating', name: string, scenario: string, hook: Record<string, unknown>) => {
    const r = await h.call('POST', `${AR}/${kind}webhookconfigurations`, {
      metadata: { name },
      webhooks: [{
        name: `${name}.example.com`,
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }],
        objectSelector: { matchLabels: { test: scenario } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        ...hook,
      }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  const cm = (name: string, scenario: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels: { test: scenario, ...labels } }, data: { k: 'v' } });

  it('sends an AdmissionReview v1 and applies a mutating webhook JSONPatch, with warnings and audit annotations', async () => {
    await configure('mutating', 'mutator', 'mutate', { clientConfig: { url: `${base}/mutate`, caBundle } });
    const r = await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('m1', 'mutate'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.data, { k: 'v', mutated: 'yes' });
    const { query, review } = seen.find((s) => s.path === '/mutate')!;
    assert.equal(query, '/mutate?timeout=10s');
    assert.equal(review.apiVersion, 'admission.k8s.io/v1');
    assert.equal(review.kind, 'AdmissionReview');
    const req = review.request;
    assert.match(req.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(req.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.deepEqual(req.resource, { group: '', version: 'v1', resource: 'configmaps' });
    assert.deepEqual(req.requestKind, req.kind);
    assert.equal(req.name, 'm1');
    assert.equal(req.namespace, 'default');
    assert.equal(req.operation, 'CREATE');
    assert.deepEqual(req.userInfo, { username: 'admin', groups: ['system:masters', 'system:authenticated'] });
    assert.equal(req.object.data.k, 'v');
    assert.equal(req.oldObject, null);
    assert.equal(req.dryRun, false);
    assert.deepEqual(req.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' });
    const a = h.attributes({ operation: 'CREATE', namespace: 'default', object: { apiVersion: 'v1', kind: 'ConfigMap', ...cm('m2', 'mutate') } }, '', 'configmaps');
    await h.chain.mutate(a);
    assert.deepEqual(a.warnings, ['mutated by the test webhook']);
    assert.equal(a.auditAnnotations?.['mutator.example.com/why'], 'test');
  });

  it('refuses what a validating webhook denies, in upstream wording', async () => {
    await configure('validating', 'denier', 'validate', { clientConfig: { url: `${base}/validate`, caBundle } });
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('v1', 'validate'))).status, 201);
    const r = await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('v2', 'validate', { deny: 'true' }));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.message, 'admission webhook "denier.example.com" denied the request: no thanks');
  });

  it('times out after timeoutSeconds: refused under Fail, let through under Ignore', async () => {
    await configure('validating', 'slow', 'slow', { clientConfig: { url: `${base}/slow`, caBundle }, timeoutSeconds: 1 });
    const started = Date.now();
    const r = await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('s1', 'slow'));
    assert.ok(Date.now() - started >= 900);
    assert.equal(r.status, 500);
    assert.equal(r.body.reason, 'InternalError');
    assert.equal(r.body.message, `Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "${base}/slow?timeout=1s": context deadline exceeded`);
    await configure('validating', 'slow-ignore', 'slow-ignore', { clientConfig: { url: `${base}/slow`, caBundle }, timeoutSeconds: 1, failurePolicy: 'Ignore' });
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('s2', 'slow-ignore'))).status, 201);
  });

  it('verifies the server against caBundle and checks the response uid', async () => {
    await configure('validating', 'wrong-ca', 'wrong-ca', { clientConfig: { url: `${base}/validate`, caBundle: otherCaBundle } });
    const r = await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('c1', 'wrong-ca'));
    assert.equal(r.status, 500);
    assert.equal(r.body.message, `Internal error occurred: failed calling webhook "wrong-ca.example.com": failed to call webhook: Post "${base}/validate?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`);
    await configure('validating', 'bad-uid', 'bad-uid', { clientConfig: { url: `${base}/bad-uid`, caBundle } });
    const u = await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('c2', 'bad-uid'));
    assert.match(u.body.message, /^Internal error occurred: failed calling webhook "bad-uid.example.com": received invalid webhook response: expected response.uid="[0-9a-f-]+", got "nope"$/);
  });

  it('says clearly that a service cannot be reached, honouring failurePolicy', async () => {
    await configure('validating', 'svc', 'svc', { clientConfig: { service: { namespace: 'ns', name: 'svc' }, caBundle } });
    const r = await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('x1', 'svc'));
    assert.equal(r.status, 500);
    assert.equal(r.body.message, 'Internal error occurred: failed calling webhook "svc.example.com": eksplane cannot reach webhook service ns/svc: services are not served by the simulated data plane; use clientConfig.url');
    await configure('mutating', 'svc-ignore', 'svc-ignore', { clientConfig: { service: { namespace: 'ns', name: 'svc' } }, failurePolicy: 'Ignore' });
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('x2', 'svc-ignore'))).status, 201);
  });

  it('selects by namespace labels and skips unmatched requests', async () => {
    await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'hooked', labels: { hooks: 'on' } } });
    await configure('validating', 'ns-only', 'ns', { clientConfig: { url: `${base}/validate`, caBundle }, namespaceSelector: { matchLabels: { hooks: 'on' } } });
    const before = calls['/validate'] ?? 0;
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('n1', 'ns', { deny: 'x' }))).status, 201);
    assert.equal(calls['/validate'] ?? 0, before, 'not called outside the selected namespaces');
    assert.equal((await h.call('POST', '/api/v1/namespaces/hooked/configmaps', cm('n2', 'ns', { deny: 'x' }))).status, 403);
  });

  it('reinvokes IfNeeded webhooks once when a later webhook changed the object', async () => {
    await configure('mutating', 'a-first', 'reinvoke', { clientConfig: { url: `${base}/count-a`, caBundle }, reinvocationPolicy: 'IfNeeded' });
    await configure('mutating', 'b-second', 'reinvoke', { clientConfig: { url: `${base}/count-b`, caBundle } });
    const r = await h.call('POST', '/api/v1/namespaces/default/configmaps', cm('r1', 'reinvoke'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(calls['/count-a'], 2);
    assert.equal(calls['/count-b'], 1);
    assert.deepEqual(r.body.data, { k: 'v', a: '2', b: 'set' });
  });
});
