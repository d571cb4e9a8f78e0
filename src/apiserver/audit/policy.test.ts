/**
 * Audit policy matching as the Kubernetes auditing documentation describes it: first matching
 * rule wins, users/groups/verbs, namespaces ("" = cluster-scoped), resources with subresource
 * wildcards and resourceNames, non-resource URL prefixes, omitStages merged with the policy's,
 * None by default; and the Policy document's validation.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { evaluateAuditPolicy, parseAuditPolicy, type AuditAttributes } from './policy.js';

const POLICY = parseAuditPolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
  - level: None
    userGroups: ["system:nodes"]
    nonResourceURLs: ["/healthz*"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["pods/log", "*/status"]
  - level: RequestResponse
    namespaces: ["kube-system"]
    resources:
      - group: ""
        resources: ["configmaps"]
        resourceNames: ["controller-leader"]
  - level: Request
    resources:
      - group: "apps"
        resources: ["deployments/*"]
    omitStages: ["ResponseStarted"]
  - level: Metadata
    namespaces: [""]
  - level: Request
    nonResourceURLs: ["/version"]
`);

const base: AuditAttributes = { user: { name: 'alice', groups: ['dev'] }, verb: 'get', isResourceRequest: true, path: '', apiGroup: '', resource: 'pods', namespace: 'default' };
const level = (a: Partial<AuditAttributes>) => evaluateAuditPolicy(POLICY, { ...base, ...a }).level;

it('the first matching rule decides; no match is None', () => {
  assert.equal(level({ user: { name: 'system:kube-proxy', groups: [] }, verb: 'watch', resource: 'endpoints' }), 'None');
  assert.equal(level({ user: { name: 'system:kube-proxy', groups: [] }, verb: 'list', resource: 'pods', subresource: 'log' }), 'Metadata');
  assert.equal(level({ resource: 'pods' }), 'None');
});

it('matches subresource wildcards, resourceNames and namespaces', () => {
  assert.equal(level({ resource: 'nodes', subresource: 'status', namespace: undefined }), 'Metadata');
  assert.equal(level({ resource: 'configmaps', namespace: 'kube-system', name: 'controller-leader' }), 'RequestResponse');
  assert.equal(level({ resource: 'configmaps', namespace: 'kube-system', name: 'other' }), 'None');
  assert.equal(level({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }), 'Request');
  assert.equal(level({ apiGroup: 'apps', resource: 'deployments' }), 'Request', 'as upstream\'s checker, "deployments/*" matches the resource itself too');
  assert.equal(level({ apiGroup: 'apps', resource: 'replicasets', subresource: 'scale' }), 'None');
  assert.equal(level({ resource: 'namespaces', namespace: undefined }), 'Metadata', '"" names cluster-scoped requests');
});

it('matches non-resource URLs (with prefixes) only for non-resource requests', () => {
  const nr = { isResourceRequest: false, resource: '', namespace: undefined };
  assert.equal(level({ ...nr, path: '/healthz/etcd', user: { name: 'n', groups: ['system:nodes'] } }), 'None');
  assert.equal(level({ ...nr, path: '/version' }), 'Request');
  assert.equal(level({ ...nr, path: '/versions' }), 'None');
});

it('merges omitStages of the policy and the rule', () => {
  const d = evaluateAuditPolicy(POLICY, { ...base, apiGroup: 'apps', resource: 'deployments', subresource: 'scale' });
  assert.deepEqual([...d.omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
});

it('refuses invalid policies with the field at fault', () => {
  assert.throws(() => parseAuditPolicy('apiVersion: v1\nkind: ConfigMap'), /audit\.k8s\.io\/v1/);
  assert.throws(() => parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Everything}]'), /rules\[0\]\.level: Unsupported value: "Everything"/);
  assert.throws(() => parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, omitStages: [Sometimes]}]'), /rules\[0\]\.omitStages/);
  assert.throws(() => parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: ["/x"], resources: [{group: ""}]}]'), /both regular resources and non-resource URLs/);
});
