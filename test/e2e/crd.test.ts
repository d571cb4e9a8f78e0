/**
 * CustomResourceDefinitions through kubectl: a CRD is served at once (discovery, OpenAPI for
 * explain, tables from additionalPrinterColumns), its schema defaults, prunes and validates, the
 * status subresource is separate, and deleting the CRD deletes its objects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations: [{rule: "self.replicas <= 10", message: "at most 10 replicas"}]
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer, minimum: 1, default: 1}
          status:
            type: object
            properties:
              ok: {type: boolean}
`;

describe('custom resources', () => {
  let s: RunningApiServer;
  const ok = (...args: string[]) => {
    const r = s.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const apply = (yaml: string, ...extra: string[]) => s.kubectl(['apply', '-f', '-', ...extra], yaml);

  before(async () => {
    s = await startApiServer();
  });
  after(async () => {
    await s?.cleanup();
  });

  it('serves a CRD within a second and validates its objects', async () => {
    assert.equal(apply(CRD).code, 0);
    await eventually(() => s.kubectl(['get', 'ct']).code === 0, 5000, 'crontabs to be served');
    const bad = apply('apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: a}\nspec: {cronSpec: x, bogus: 1}\n');
    assert.match(bad.stderr, /unknown field "spec.bogus"/);
    const cel = apply('apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: a}\nspec: {cronSpec: x, replicas: 11}\n');
    assert.match(cel.stderr, /at most 10 replicas/);
    const typed = apply('apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: a}\nspec: {cronSpec: x, replicas: two}\n');
    assert.match(typed.stderr, /spec.replicas/);
    const good = apply('apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: a}\nspec: {cronSpec: "*/5 * * * *", image: img}\n');
    assert.equal(good.code, 0, good.stderr);
    assert.equal(ok('get', 'ct', 'a', '-o', 'jsonpath={.spec.replicas}'), '1', 'schema default applied');
    assert.match(ok("get", "ct"), /^NAME\s+SPEC\s+REPLICAS$/m);
    assert.match(ok('get', 'ct'), /^a\s+\*\/5 \* \* \* \*\s+1\s*$/m);
    assert.match(ok('explain', 'crontab.spec'), /cronSpec\s+<string>/);
  });

  it('changes objects with apply, merge patch and the status subresource', () => {
    assert.equal(apply('apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: a}\nspec: {cronSpec: "*/5 * * * *", image: img2}\n').code, 0);
    ok('patch', 'ct', 'a', '--type=merge', '-p', '{"spec":{"replicas":3}}');
    ok('patch', 'ct', 'a', '--subresource=status', '--type=merge', '-p', '{"status":{"ok":true}}');
    assert.equal(ok('get', 'ct', 'a', '-o', 'jsonpath={.spec.image}/{.spec.replicas}/{.status.ok}'), 'img2/3/true');
    ok('patch', 'ct', 'a', '--type=merge', '-p', '{"status":{"ok":false}}');
    assert.equal(ok('get', 'ct', 'a', '-o', 'jsonpath={.status.ok}'), 'true', 'status changes only through /status');
  });

  it('deleting the CRD deletes its objects and stops serving it', async () => {
    ok('delete', 'crd', 'crontabs.stable.example.com', '--timeout=30s');
    await eventually(() => s.kubectl(['get', 'ct']).code !== 0, 5000, 'crontabs to stop being served');
    assert.equal(apply(CRD).code, 0);
    await eventually(() => s.kubectl(['get', 'ct']).code === 0, 5000, 'crontabs served again');
    assert.equal(ok('get', 'ct', '-o', 'name').trim(), '', 'the old objects are gone');
  });
});
