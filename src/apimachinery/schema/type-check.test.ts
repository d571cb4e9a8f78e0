import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findTypeError } from './type-check.js';

const CONFIGMAP = { group: '', version: 'v1', kind: 'ConfigMap' };
const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
const deployment = (container: Record<string, unknown>, replicas: unknown = 1) => ({
  spec: { replicas, selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'ok', image: 'i' }, container] } } },
});

// Expected texts are Go's encoding/json UnmarshalTypeError as kube-apiserver 1.32 reports them:
// the struct that holds the field, the path of struct fields (no list indexes, no map keys), and
// the type of the value that did not fit.
describe('findTypeError', () => {
  it('accepts well-typed objects', () => {
    assert.equal(findTypeError(CONFIGMAP, { data: { a: 'b' }, binaryData: { b: 'AA==' } }), undefined);
    assert.equal(findTypeError(DEPLOYMENT, deployment({ name: 'c', image: 'i', args: ['x'], env: [{ name: 'A', value: '1' }] })), undefined);
  });

  it('names the field and its type for a scalar of the wrong type', () => {
    assert.equal(findTypeError(DEPLOYMENT, deployment({ name: 'c' }, 'three')), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    assert.equal(findTypeError(DEPLOYMENT, deployment({ name: 'c' }, 1.5)), 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
  });

  it('reports a bad map value with the element type and without the key', () => {
    assert.equal(findTypeError(CONFIGMAP, { data: { a: 'b', n: 1 } }), 'json: cannot unmarshal number into Go struct field ConfigMap.data of type string');
    assert.equal(findTypeError(CONFIGMAP, { data: 'x' }), 'json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string');
  });

  it('reports a bad list element with the element type and without the index', () => {
    assert.equal(findTypeError(DEPLOYMENT, deployment({ name: 'c', args: ['x', 1] })), 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string');
    assert.equal(findTypeError(DEPLOYMENT, deployment({ name: 'c', args: 'x' })), 'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.args of type []string');
    assert.equal(findTypeError(DEPLOYMENT, deployment({ name: 'c', env: [{ name: 'A', value: 2 }] })), 'json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string');
  });
});
