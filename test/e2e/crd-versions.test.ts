/**
 * A CRD with two served versions through stock kubectl: objects applied at either version are
 * stored in the storage version and read at either (`kubectl get <plural>.<version>.<group>`),
 * a deprecated version warns, storedVersions records the storage version; and autoscaling/v1
 * HPAs (kubectl autoscale) next to v2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

const VERSION = (name: string, storage: boolean, deprecated = false) => `  - name: ${name}
    served: true
    storage: ${storage}
    deprecated: ${deprecated}
    additionalPrinterColumns: [{name: Size, type: integer, jsonPath: .spec.size}]
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}, colour: {type: string}}}
`;
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  conversion: {strategy: None}
  versions:
${VERSION('v1beta1', false, true)}${VERSION('v1', true)}`;

describe('CRD versions and autoscaling/v1 through kubectl', () => {
  let s: RunningApiServer;
  const ok = (...args: string[]) => {
    const r = s.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const apply = (yaml: string) => s.kubectl(['apply', '-f', '-'], yaml);

  before(async () => {
    s = await startApiServer();
  });
  after(async () => {
    await s?.cleanup();
  });

  it('applies and reads custom resources at either served version', async () => {
    assert.equal(apply(CRD).code, 0);
    await eventually(() => s.kubectl(['get', 'widgets.v1beta1.example.com']).code === 0, 5000, 'widgets to be served');
    const old = apply('apiVersion: example.com/v1beta1\nkind: Widget\nmetadata: {name: a}\nspec: {size: 1, colour: red}\n');
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stderr, /Warning: example.com\/v1beta1 Widget is deprecated/);
    assert.equal(apply('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: b}\nspec: {size: 2}\n').code, 0);
    assert.equal(ok('get', 'widgets.v1.example.com', 'a', '-o', 'jsonpath={.apiVersion} {.spec.colour}'), 'example.com/v1 red');
    assert.equal(ok('get', 'widgets.v1beta1.example.com', 'b', '-o', 'jsonpath={.apiVersion} {.spec.size}'), 'example.com/v1beta1 2');
    assert.equal(ok('get', 'wd', '-o', 'jsonpath={.items[*].apiVersion}'), 'example.com/v1 example.com/v1', 'the preferred version is v1');
    assert.match(ok('get', 'widgets.v1beta1.example.com'), /^NAME\s+SIZE\na\s+1\nb\s+2\n$/);
    // A second apply at the other version changes the same object.
    const again = apply('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\nspec: {size: 5, colour: red}\n');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(ok('get', 'widgets.v1beta1.example.com', 'a', '-o', 'jsonpath={.spec.size}'), '5');
    assert.equal(ok('get', 'crd', 'widgets.example.com', '-o', 'jsonpath={.status.storedVersions}'), '["v1"]');
    assert.match(ok('explain', 'widgets.spec', '--api-version=example.com/v1beta1'), /colour\s+<string>/);
  });

  it('autoscales a deployment and shows the HPA at v1 and v2', () => {
    ok('create', 'deployment', 'web', '--image=nginx');
    ok('autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=5');
    assert.match(ok('get', 'hpa'), /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\n^web\s+Deployment\/web\s+cpu: <unknown>\/50%\s+1\s+5\s+0\s+\S+/m);
    assert.equal(ok('get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-o', 'jsonpath={.spec.targetCPUUtilizationPercentage}'), '50');
    assert.equal(ok('get', 'horizontalpodautoscalers.v2.autoscaling', 'web', '-o', 'jsonpath={.spec.metrics[0].resource.target.averageUtilization}'), '50');
  });
});
