/**
 * Every resource this issue added, through the real ApiServer on the memory store: one valid
 * object of each is created and listed (JSON and Table), the review kinds answer, the bootstrap
 * objects load, CSR approval and RC scale work, and every built-in kind has a message in the
 * type table so field validation, protobuf and OpenAPI cover it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { messageFor } from '../../../apimachinery/schema/types.js';
import { realClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { bootstrapCluster } from '../../../server/bootstrap.js';
import { kubernetesVersion } from '../../../server/version.js';
import { openMemoryStore } from '../../../store/memory/memory-store.js';
import { ApiServer } from '../../api-server.js';
import { builtinIndexes, builtinResources } from '../builtin.js';
import { makeTestCSR } from '../certificates/test-csr.js';
import { BOOTSTRAP_FLOW_SCHEMAS, BOOTSTRAP_PRIORITY_LEVELS } from '../flowcontrol/index.js';
import { groupVersion, type KObject } from '../resource.js';
import { BOOTSTRAP_PRIORITY_CLASSES } from '../scheduling/index.js';
import { BOOTSTRAP_API_SERVICES } from './apiservices.js';

const admin = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
const backend = { service: { name: 'web', port: { number: 80 } } };
const rule = { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] };
const webhook = { name: 'pods.policy.example.com', clientConfig: { service: { namespace: 'default', name: 'svc' } }, rules: [rule], sideEffects: 'None', admissionReviewVersions: ['v1'] };

/** One valid object per added resource, keyed `group/plural` (core: `plural`). */
const SAMPLES: Record<string, Record<string, unknown>> = {
  persistentvolumes: { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } },
  persistentvolumeclaims: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  resourcequotas: { spec: { hard: { pods: '10' } } },
  limitranges: { spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] } },
  podtemplates: { template },
  replicationcontrollers: { spec: { replicas: 2, template } },
  'autoscaling/horizontalpodautoscalers': { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 } },
  'policy/poddisruptionbudgets': { spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } },
  'rbac.authorization.k8s.io/roles': { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] },
  'rbac.authorization.k8s.io/clusterroles': { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] },
  'rbac.authorization.k8s.io/rolebindings': { roleRef: { kind: 'Role', name: 'fz' }, subjects: [{ kind: 'User', name: 'jane' }] },
  'rbac.authorization.k8s.io/clusterrolebindings': { roleRef: { kind: 'ClusterRole', name: 'fz' }, subjects: [{ kind: 'Group', name: 'dev' }] },
  'discovery.k8s.io/endpointslices': { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] },
  'networking.k8s.io/ingresses': { spec: { rules: [{ host: 'example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] } },
  'networking.k8s.io/ingressclasses': { spec: { controller: 'k8s.io/ingress-nginx' } },
  'networking.k8s.io/networkpolicies': { spec: { podSelector: {} } },
  'storage.k8s.io/storageclasses': { provisioner: 'ebs.csi.aws.com' },
  'storage.k8s.io/csidrivers': { spec: {} },
  'storage.k8s.io/csinodes': { spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-1' }] } },
  'storage.k8s.io/volumeattachments': { spec: { attacher: 'ebs.csi.aws.com', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } } },
  'scheduling.k8s.io/priorityclasses': { value: 100 },
  'node.k8s.io/runtimeclasses': { handler: 'runsc' },
  'certificates.k8s.io/certificatesigningrequests': { spec: { request: makeTestCSR('jane', ['dev']), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] } },
  'admissionregistration.k8s.io/validatingwebhookconfigurations': { webhooks: [webhook] },
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': { webhooks: [webhook] },
  'admissionregistration.k8s.io/validatingadmissionpolicies': { spec: { matchConstraints: { resourceRules: [rule] }, validations: [{ expression: 'true' }] } },
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': { spec: { policyName: 'fz', validationActions: ['Deny'] } },
  'apiregistration.k8s.io/apiservices': { spec: { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, service: { namespace: 'kube-system', name: 'metrics-server' }, insecureSkipTLSVerify: true } },
  'flowcontrol.apiserver.k8s.io/flowschemas': { spec: { priorityLevelConfiguration: { name: 'global-default' }, rules: [{ subjects: [{ kind: 'Group', group: { name: 'dev' } }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }] }] } },
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': { spec: { type: 'Limited', limited: { limitResponse: { type: 'Reject' } } } },
};

/** Kinds served without a message in the generated type table (its generator reads no kube-aggregator or apiextensions protos yet). */
const NO_MESSAGE = new Set(['apiregistration.k8s.io/APIService', 'apiextensions.k8s.io/CustomResourceDefinition']);

describe('the added built-in resources through the ApiServer', () => {
  let api: ApiServer;
  const call = async (method: string, path: string, body?: unknown, accept?: string) => {
    const url = new URL(path, 'https://x');
    const res = await api.handle({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      user: admin,
      signal: new AbortController().signal,
    });
    return { status: res.status, body: JSON.parse(String(res.body)) as Record<string, any> };
  };
  const base = (key: string) => {
    const def = builtinResources.find((d) => (d.group ? `${d.group}/${d.plural}` : d.plural) === key && !d.review);
    assert.ok(def, `${key} is in the resource table`);
    return { def, url: `/${def.group ? `apis/${def.group}` : 'api'}/${def.version}${def.namespaced ? '/namespaces/default' : ''}/${def.plural}` };
  };

  before(async () => {
    api = new ApiServer({ store: await openMemoryStore(), clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
    await api.start();
    await bootstrapCluster(api);
  });
  after(() => api.stop());

  for (const key of Object.keys(SAMPLES)) {
    it(`creates and lists ${key}`, async () => {
      const { def, url } = base(key);
      const name = key.endsWith('apiservices') ? 'v1beta1.metrics.k8s.io' : 'fz';
      const created = await call('POST', url, { apiVersion: groupVersion(def), kind: def.kind, metadata: { name }, ...SAMPLES[key] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const list = await call('GET', url);
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((i: KObject) => i.metadata?.name === name));
      const table = await call('GET', url, undefined, TABLE);
      assert.equal(table.status, 200);
      const row = table.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === name);
      assert.ok(row, `${key} row`);
      assert.equal(row.cells.length, table.body.columnDefinitions.length);
    });
  }

  it('answers the review kinds', async () => {
    const post = (gv: string, plural: string, kind: string, spec: object, ns = '') => call('POST', `/apis/${gv}${ns ? `/namespaces/${ns}` : ''}/${plural}`, { apiVersion: gv, kind, spec });
    const who = await post('authentication.k8s.io/v1', 'selfsubjectreviews', 'SelfSubjectReview', {});
    assert.deepEqual([who.status, who.body.status.userInfo.username], [201, 'admin']);
    const tr = await post('authentication.k8s.io/v1', 'tokenreviews', 'TokenReview', { token: 'abc' });
    assert.deepEqual([tr.status, tr.body.status.authenticated], [201, false]);
    const attrs = { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } };
    const ssar = await post('authorization.k8s.io/v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', attrs);
    assert.deepEqual([ssar.status, ssar.body.status.allowed], [201, true]);
    const sar = await post('authorization.k8s.io/v1', 'subjectaccessreviews', 'SubjectAccessReview', { ...attrs, user: 'jane' });
    assert.deepEqual([sar.status, sar.body.status.allowed, sar.body.status.reason], [201, false, 'no authorizer configured']);
    const lsar = await post('authorization.k8s.io/v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', { ...attrs, user: 'jane' }, 'default');
    assert.equal(lsar.status, 201);
    const ssrr = await post('authorization.k8s.io/v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', { namespace: 'default' });
    assert.deepEqual([ssrr.status, ssrr.body.status.incomplete], [201, false]);
    const bad = await post('authorization.k8s.io/v1', 'subjectaccessreviews', 'SubjectAccessReview', { user: 'jane' });
    assert.equal(bad.status, 422);
  });

  it('serves the bootstrap objects the cluster starts with', async () => {
    // bootstrapCluster (src/server/bootstrap.ts) created them when the server started.
    const has = (group: string, plural: string, name: string) => api.storeFor(group, plural)!.cache.entries.has(api.storeFor(group, plural)!.key(undefined, name));
    for (const o of BOOTSTRAP_FLOW_SCHEMAS) assert.ok(has('flowcontrol.apiserver.k8s.io', 'flowschemas', o.metadata!.name!));
    for (const o of BOOTSTRAP_PRIORITY_LEVELS) assert.ok(has('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', o.metadata!.name!));
    assert.ok(BOOTSTRAP_API_SERVICES(api.resources).length > 0);
    const table = await call('GET', '/apis/apiregistration.k8s.io/v1/apiservices', undefined, TABLE);
    const apps = table.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'v1.apps');
    assert.deepEqual(apps.cells.slice(0, 3), ['v1.apps', 'Local', 'True']);
    const pcs = await call('GET', '/apis/scheduling.k8s.io/v1/priorityclasses');
    assert.ok(pcs.body.items.some((p: KObject) => p.metadata?.name === 'system-node-critical'));
  });

  it('approves a CSR through /approval and scales a replication controller', async () => {
    const url = '/apis/certificates.k8s.io/v1/certificatesigningrequests/fz';
    const csr = (await call('GET', url)).body;
    assert.equal(csr.spec.username, 'admin', 'the requester is recorded from the caller');
    const approved = await call('PUT', `${url}/approval`, { ...csr, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] } });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const row = (await call('GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests', undefined, TABLE)).body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'fz');
    assert.equal(row.cells.at(-1), 'Approved');
    const fresh = (await call('GET', url)).body;
    const viaStatus = await call('PUT', `${url}/status`, { ...fresh, status: { conditions: [...fresh.status.conditions, { type: 'Denied', status: 'True' }] } });
    assert.equal(viaStatus.status, 422);
    const scale = await call('GET', '/api/v1/namespaces/default/replicationcontrollers/fz/scale');
    assert.equal(scale.body.spec.replicas, 2);
  });

  it('has a type-table message for every built-in kind', () => {
    const missing = builtinResources
      .filter((d) => !d.review)
      .map((d) => `${d.group ? `${d.group}/` : ''}${d.kind}`)
      .filter((k) => !NO_MESSAGE.has(k))
      .filter((k) => {
        const [group, kind] = k.includes('/') ? (k.split('/') as [string, string]) : ['', k];
        const def = builtinResources.find((d) => d.group === group && d.kind === kind)!;
        return !messageFor({ group, version: def.version, kind });
      });
    assert.deepEqual(missing, []);
    for (const d of builtinResources.filter((x) => x.review)) assert.ok(messageFor({ group: d.group, version: d.version, kind: d.kind }), d.kind);
  });
});
