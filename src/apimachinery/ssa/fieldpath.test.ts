import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FieldSet,
  fieldElement,
  indexElement,
  keyElement,
  parsePathElement,
  pathString,
  valueElement,
  type FieldPath,
} from './fieldpath.js';

const f = fieldElement;
const set = (...paths: FieldPath[]) => FieldSet.fromPaths(paths);
const strs = (s: FieldSet) => s.paths().map(pathString);

// What `kubectl get deploy nginx-deployment -o json --show-managed-fields` shows for the
// `kubectl` Apply entry after `kubectl apply --server-side` of the docs' nginx Deployment
// (one container, port 80 without protocol): keys sorted, `.` first, default protocol in the key.
const APPLY_DEPLOYMENT_V1 =
  '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":' +
  '{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},' +
  '"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}';

// The `kube-controller-manager` Update entry of the same Deployment's status (an Update entry
// with `.` on newly created maps and list items, and a set-like list keyed by `type`).
const STATUS_UPDATE_V1 =
  '{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:availableReplicas":{},' +
  '"f:conditions":{".":{},"k:{\\"type\\":\\"Available\\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},' +
  '"f:message":{},"f:reason":{},"f:status":{},"f:type":{}},"k:{\\"type\\":\\"Progressing\\"}":{".":{},' +
  '"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}}},' +
  '"f:observedGeneration":{},"f:readyReplicas":{},"f:replicas":{},"f:updatedReplicas":{}}}';

describe('FieldsV1 round trip', () => {
  for (const [name, text] of [
    ['kubectl apply --server-side Deployment', APPLY_DEPLOYMENT_V1],
    ['kube-controller-manager status Update', STATUS_UPDATE_V1],
  ] as const) {
    it(name, () => {
      const s = FieldSet.fromFieldsV1(JSON.parse(text));
      assert.equal(JSON.stringify(s.toFieldsV1()), text);
    });
  }

  it('sorts keys as upstream serializes them, whatever the input order', () => {
    const input = { 'f:spec': { 'f:b': {}, 'i:1': {}, 'v:"x"': {}, 'k:{"name":"a"}': {}, 'f:a': {} }, 'f:data': {} };
    assert.equal(
      JSON.stringify(FieldSet.fromFieldsV1(input).toFieldsV1()),
      '{"f:data":{},"f:spec":{"f:a":{},"f:b":{},"k:{\\"name\\":\\"a\\"}":{},"v:\\"x\\"":{},"i:1":{}}}',
    );
  });

  it('writes "." first for a member that also has children, and nothing for a bare member', () => {
    const s = set([f('spec'), f('x')], [f('spec')], [f('meta')]);
    assert.deepEqual(s.toFieldsV1(), { 'f:meta': {}, 'f:spec': { '.': {}, 'f:x': {} } });
    const back = FieldSet.fromFieldsV1(s.toFieldsV1());
    assert.ok(back.has([f('spec')]) && back.has([f('spec'), f('x')]) && back.has([f('meta')]));
  });

  it('a lone "." is a member, an unknown element type is skipped, malformed keys are rejected', () => {
    assert.deepEqual(strs(FieldSet.fromFieldsV1({ 'f:a': { '.': {} }, 'z:new': {} })), ['.a']);
    assert.throws(() => FieldSet.fromFieldsV1({ x: {} }), /key must be 2 characters long/);
    assert.throws(() => FieldSet.fromFieldsV1({ 'fx': {} }), /missing colon/);
    assert.throws(() => FieldSet.fromFieldsV1({ 'k:{bad': {} }), /parsing key as path element/);
    assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }), /must be an object/);
  });
});

describe('path elements', () => {
  it('key elements sort their fields by name, as upstream', () => {
    const k = keyElement([['protocol', 'TCP'], ['containerPort', 80]]);
    assert.equal(k.id, 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(parsePathElement('k:{"protocol":"TCP","containerPort":80}')?.id, k.id);
  });

  it('escapes HTML characters as Go does', () => {
    assert.equal(valueElement('a&b<c>').id, 'v:"a\\u0026b\\u003cc\\u003e"');
    assert.equal(keyElement([['name', '<x>']]).id, 'k:{"name":"\\u003cx\\u003e"}');
  });

  it('prints paths as conflict messages do', () => {
    const p: FieldPath = [f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'web']]), f('image')];
    assert.equal(pathString(p), '.spec.template.spec.containers[name="web"].image');
    assert.equal(pathString([f('spec'), f('ports'), keyElement([['port', 80], ['protocol', 'TCP']])]), '.spec.ports[port=80,protocol="TCP"]');
    assert.equal(pathString([f('metadata'), f('finalizers'), valueElement('a.io/x')]), '.metadata.finalizers[="a.io/x"]');
    assert.equal(pathString([f('args'), indexElement(2)]), '.args[2]');
  });
});

describe('set operations (structured-merge-diff semantics)', () => {
  const ab = [f('a'), f('b')];
  const abc = [f('a'), f('b'), f('c')];

  it('union, intersection', () => {
    assert.deepEqual(strs(set([f('x')]).union(set(ab))), ['.x', '.a.b']);
    assert.deepEqual(strs(set([f('x')], ab, abc).intersection(set(ab, [f('y')]))), ['.a.b']);
  });

  it('difference: parent - child = parent, child - parent = child', () => {
    assert.deepEqual(strs(set(ab).difference(set(abc))), ['.a.b']);
    assert.deepEqual(strs(set(abc).difference(set(ab))), ['.a.b.c']);
    assert.deepEqual(strs(set(ab, abc).difference(set(ab))), ['.a.b.c']);
  });

  it('recursive difference removes everything below a member', () => {
    assert.deepEqual(strs(set(abc, [f('a'), f('z')]).recursiveDifference(set(ab))), ['.a.z']);
    assert.ok(set(abc).recursiveDifference(set(ab)).isEmpty());
  });

  it('never keeps empty nodes, and equality ignores insertion order', () => {
    const d = set(abc).difference(set(abc));
    assert.ok(d.isEmpty());
    assert.deepEqual(d.toFieldsV1(), {});
    assert.ok(set(ab, [f('x')]).equals(set([f('x')], ab)));
    assert.ok(!set(ab).equals(set(abc)));
  });

  it('iterates members before children, each sorted', () => {
    const s = set([f('b'), f('z')], [f('a')], [f('c')], [f('b'), f('y')]);
    assert.deepEqual(strs(s), ['.a', '.c', '.b.y', '.b.z']);
  });
});
