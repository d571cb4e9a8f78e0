/**
 * Client-side `kubectl apply` of a CustomResourceDefinition a second time, after changing a
 * printer column and adding a version, updates the stored CRD through the patch kubectl sends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiServer, type RunningApiServer } from './harness.js';

const version = (name: string, storage: boolean, column: string) => `  - name: ${name}
    served: true
    storage: ${storage}
    additionalPrinterColumns: [{name: ${column}, type: integer, jsonPath: .spec.speed}]
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {speed: {type: integer}}}
`;
const crd = (versions: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
${versions}`;

describe('kubectl apply of apiextensions objects', () => {
  let s: RunningApiServer;
  before(async () => {
    s = await startApiServer();
  });
  after(async () => {
    await s?.cleanup();
  });

  it('re-applies a CRD with a changed printer column and a new version', () => {
    let r = s.kubectl(['apply', '-f', '-'], crd(version('v1', true, 'Speed')));
    assert.equal(r.code, 0, r.stderr);
    r = s.kubectl(['apply', '-f', '-'], crd(version('v1', true, 'Velocity') + version('v2', false, 'Velocity')));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'customresourcedefinition.apiextensions.k8s.io/gizmos.example.com configured');
    const get = (path: string) => s.kubectl(['get', 'crd', 'gizmos.example.com', '-o', `jsonpath=${path}`]).stdout;
    assert.equal(get('{.spec.versions[*].name}'), 'v1 v2');
    assert.equal(get('{.spec.versions[0].additionalPrinterColumns[0].name}'), 'Velocity');
  });
});
