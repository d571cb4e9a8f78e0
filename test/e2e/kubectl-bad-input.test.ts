/**
 * Bad input through stock kubectl and raw HTTPS: each is refused with a Status that names the
 * field (as kube-apiserver 1.32 words it) and nothing is stored — unknown fields under
 * fieldValidation=Strict, values of the wrong type, missing required fields, CRDs with a
 * non-structural schema or a CEL rule that does not compile, patches that are not JSON, and
 * bodies with a content type the endpoint does not take.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

type Raw = (method: string, path: string, body: string, contentType: string) => Promise<{ status: number; body: any }>;

/** HTTPS with the kubeconfig's admin certificate, sending `body` as is. */
function rawClient(kubeconfig: string): Raw {
  const cfg = parse(readFileSync(kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const server = new URL(cfg.clusters[0].cluster.server as string);
  const agent = new https.Agent({
    ca: b64(cfg.clusters[0].cluster['certificate-authority-data']),
    cert: b64(cfg.users[0].user['client-certificate-data']),
    key: b64(cfg.users[0].user['client-key-data']),
  });
  return (method, path, body, contentType) =>
    new Promise((resolve, reject) => {
      const req = https.request({ host: server.hostname, port: server.port, path, method, agent, headers: { 'content-type': contentType, accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      });
      req.on('error', reject);
      req.end(body);
    });
}

const DEPLOY = (name: string, container: string, replicas = '1') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - ${container}
`;

const WIDGETS = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer}
`;

const crd = (name: string, spec: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${name}s.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: ${name}s, singular: ${name}, kind: ${name[0]!.toUpperCase()}${name.slice(1)}}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
${spec}`;

describe('bad input is refused with a clear Status and stores nothing', () => {
  let s: RunningApiServer;
  let raw: Raw;
  const apply = (yaml: string, ...extra: string[]) => s.kubectl(['apply', '-f', '-', ...extra], yaml);
  const absent = (...what: string[]) => {
    const r = s.kubectl(['get', ...what]);
    assert.equal(r.code, 1, `${what.join(' ')} exists`);
    assert.match(r.stderr, /\(NotFound\)/);
  };
  const refused = (r: { code: number; stderr: string }, message: string | RegExp) => {
    assert.equal(r.code, 1, 'kubectl failed');
    if (typeof message === 'string') assert.equal(r.stderr.trim(), message);
    else assert.match(r.stderr, message);
  };

  before(async () => {
    s = await startApiServer();
    raw = rawClient(s.kubeconfig);
    assert.equal(apply(WIDGETS).code, 0);
    await eventually(() => s.kubectl(['get', 'widgets']).code === 0, 5000, 'widgets to be served');
  });
  after(async () => {
    await s?.cleanup();
  });

  it('an unknown field is a strict decoding error naming its path', () => {
    refused(apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1}\ndata: {a: b}\nbogus: 1\n'), 'Error from server (BadRequest): error when creating "STDIN": strict decoding error: unknown field "bogus"');
    absent('cm', 'c1');
    refused(
      apply(DEPLOY('d1', '{name: c, image: nginx, imagePullPolicyy: Always}')),
      'Error from server (BadRequest): error when creating "STDIN": strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    );
    absent('deploy', 'd1');

    // An existing object: the client-side apply patch is refused as a whole.
    assert.equal(apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2}\ndata: {a: b}\n').code, 0);
    const rv = s.kubectl(['get', 'cm', 'c2', '-o', 'jsonpath={.metadata.resourceVersion}']).stdout;
    refused(apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2}\ndata: {a: c}\nbogus: 1\n'), /for: "STDIN": error when patching "STDIN": strict decoding error: unknown field "bogus"$/m);
    refused(apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2}\ndata: {a: c}\nbogus: 1\n', '--server-side'), 'Error from server (BadRequest): strict decoding error: unknown field "bogus"');
    assert.equal(s.kubectl(['get', 'cm', 'c2', '-o', 'jsonpath={.metadata.resourceVersion} {.data.a}']).stdout, `${rv} b`);

    refused(apply('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 1, shape: round}\n'), 'Error from server (BadRequest): error when creating "STDIN": strict decoding error: unknown field "spec.shape"');
    absent('widget', 'w1');

    // With --validate=warn the same field is a warning and is dropped.
    const warned = apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c3}\ndata: {a: b}\nbogus: 1\n', '--validate=warn');
    assert.equal(warned.code, 0, warned.stderr);
    assert.equal(warned.stderr.trim(), 'Warning: unknown field "bogus"');
  });

  it('a value of the wrong type is a decoding error naming the field and its type', () => {
    refused(
      apply(DEPLOY('d2', '{name: c, image: nginx}', '"three"')),
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    absent('deploy', 'd2');
    refused(
      apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c4}\ndata: {a: 1}\n'),
      'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
    );
    absent('cm', 'c4');
    refused(apply('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: big}\n'), 'The Widget "w2" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"');
    absent('widget', 'w2');
  });

  it('a missing required field is a 422 naming the field', async () => {
    refused(apply(DEPLOY('d3', '{name: c}')), 'The Deployment "d3" is invalid: spec.template.spec.containers[0].image: Required value');
    absent('deploy', 'd3');
    refused(apply('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w3}\nspec: {}\n'), 'The Widget "w3" is invalid: spec.size: Required value');
    absent('widget', 'w3');
    const body = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd4' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] } } } };
    const r = await raw('POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify(body), 'application/json');
    assert.equal(r.status, 422);
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.reason, 'Invalid');
    assert.equal(r.body.message, 'Deployment.apps "d4" is invalid: spec.template.spec.containers[0].image: Required value');
    assert.deepEqual(r.body.details, { name: 'd4', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[0].image' }] });
    absent('deploy', 'd4');
  });

  it('a CRD with a non-structural schema or an invalid CEL rule is refused', () => {
    refused(apply(crd('gadget', '            properties:\n              size: {type: integer}\n')), 'The CustomResourceDefinition "gadgets.example.com" is invalid: spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields');
    absent('crd', 'gadgets.example.com');
    const cel = apply(crd('gizmo', '            type: object\n            x-kubernetes-validations: [{rule: "self.size >>> 2"}]\n            properties:\n              size: {type: integer}\n'));
    refused(cel, /^The CustomResourceDefinition "gizmos\.example\.com" is invalid: spec\.validation\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: .*: compilation failed: ERROR: <input>:1:\d+: /);
    assert.match(cel.stderr, /^ \| self\.size >>> 2$/m);
    absent('crd', 'gizmos.example.com');
    refused(apply(crd('doohickey', '            type: object\n            x-kubernetes-validations: [{rule: "self.size > 1", messageExpression: "\'size \' +"}]\n            properties:\n              size: {type: integer}\n')), /x-kubernetes-validations\[0\]\.messageExpression: Invalid value: .*: messageExpression compilation failed: ERROR: <input>:1:\d+: /);
    absent('crd', 'doohickeys.example.com');
  });

  it('a patch that is not valid JSON is a 400 and changes nothing', async () => {
    assert.equal(apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p1}\ndata: {a: b}\n').code, 0);
    const rv = s.kubectl(['get', 'cm', 'p1', '-o', 'jsonpath={.metadata.resourceVersion}']).stdout;
    refused(s.kubectl(['patch', 'cm', 'p1', '-p', '{"data": {']), /^Error from server \(BadRequest\): .*JSON/);
    refused(s.kubectl(['patch', 'cm', 'p1', '--type=merge', '-p', '{not json']), /^Error from server \(BadRequest\): .*JSON/);
    refused(s.kubectl(['patch', 'cm', 'p1', '--type=json', '-p', '{"op": "add"}']), 'Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json']) {
      const r = await raw('PATCH', '/api/v1/namespaces/default/configmaps/p1', '{"data":', type);
      assert.equal(r.status, 400, type);
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, 'BadRequest');
    }
    assert.equal(s.kubectl(['get', 'cm', 'p1', '-o', 'jsonpath={.metadata.resourceVersion}']).stdout, rv);
  });

  it('a body with a content type the endpoint does not take is a 415', async () => {
    const post = await raw('POST', '/api/v1/namespaces/default/configmaps', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t1}\n', 'text/plain');
    assert.equal(post.status, 415);
    assert.equal(post.body.reason, 'UnsupportedMediaType');
    assert.equal(post.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    absent('cm', 't1');

    const applyPatch = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t2}\ndata: {a: b}\n';
    for (const path of ['/api/v1/namespaces/default/configmaps/t2?fieldManager=me', '/api/v1/namespaces/default/configmaps/p1?fieldManager=me']) {
      const r = await raw('PATCH', path, applyPatch, 'text/plain');
      assert.equal(r.status, 415, JSON.stringify(r.body));
      assert.equal(r.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json');
    }
    absent('cm', 't2');
    const cr = await raw('PATCH', '/apis/example.com/v1/namespaces/default/widgets/w9', '{"spec":{"size":1}}', 'application/strategic-merge-patch+json');
    assert.equal(cr.status, 415);
    assert.equal(cr.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    // The right content type with the same body works.
    const ok = await raw('PATCH', '/api/v1/namespaces/default/configmaps/t2?fieldManager=me', applyPatch, 'application/apply-patch+yaml');
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });
});
