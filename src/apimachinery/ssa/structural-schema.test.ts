// Server-side apply of custom resources follows the CRD's structural schema, as upstream's CRD
// type converter does: x-kubernetes-list-type map/set lists merge item by item, atomic lists and
// x-kubernetes-map-type atomic maps are owned whole, preserve-unknown-fields objects are deduced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newStructural } from '../crd/structural.js';
import type { JSONSchemaProps } from '../crd/types.js';
import { StatusError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { serverSideApply, type ApplyResult } from './apply.js';
import { FieldSet, pathString } from './fieldpath.js';
import type { ManagedFieldsEntry } from './managed-fields.js';
import { structuralApplySchema } from './schema.js';

const SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        users: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name', 'realm'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, realm: { type: 'string', default: 'local' }, role: { type: 'string' } } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        args: { type: 'array', items: { type: 'string' } },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};
const schema = structuralApplySchema(newStructural(SCHEMA));
const T0 = new Date('2024-05-01T10:00:00Z');
const widget = (spec: JsonObject): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec });

function apply(live: JsonObject | undefined, spec: JsonObject, manager: string, force = false): ApplyResult {
  return serverSideApply({ schema, live, applied: widget(spec), manager, force, now: T0, apiVersion: 'example.com/v1', kind: 'Widget' });
}
function owners(r: ApplyResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of ((r.object.metadata as JsonObject).managedFields ?? []) as ManagedFieldsEntry[]) out[e.manager ?? ''] = FieldSet.fromFieldsV1(e.fieldsV1).paths().map(pathString);
  return out;
}
const specOf = (r: ApplyResult) => r.object.spec as JsonObject;

describe('serverSideApply with a CRD structural schema', () => {
  const alice = apply(undefined, { size: 1, users: [{ name: 'app', role: 'rw' }], tags: ['a'], args: ['x'], selector: { k: 'v' }, labels: { l1: 'a' }, extra: { deep: { x: 1 } } }, 'alice');

  it('owns list-map items by their keys (defaulted key included) and set values by value', () => {
    const paths = owners(alice).alice!;
    assert.ok(paths.includes('.spec.users[name="app",realm="local"].role'), paths.join('\n'));
    assert.ok(paths.includes('.spec.tags[="a"]'), paths.join('\n'));
    assert.ok(paths.includes('.spec.args'), 'an atomic list is one field');
    assert.ok(paths.includes('.spec.selector'), 'an atomic map is one field');
    assert.ok(paths.includes('.spec.labels.l1'));
    assert.ok(paths.includes('.spec.extra.deep.x'), 'unknown fields under preserve-unknown-fields are deduced maps');
  });

  it('merges another manager’s list-map items, set values and map keys', () => {
    const bob = apply(alice.object, { users: [{ name: 'report', role: 'ro' }], tags: ['b'], labels: { l2: 'b' } }, 'bob');
    assert.deepEqual(specOf(bob).users, [{ name: 'app', role: 'rw' }, { name: 'report', role: 'ro' }]);
    assert.deepEqual(specOf(bob).tags, ['a', 'b']);
    assert.deepEqual(specOf(bob).labels, { l1: 'a', l2: 'b' });
    assert.ok(!owners(bob).bob!.some((p) => p.includes('app')));
  });

  it('conflicts on an atomic list, and on an item field another manager owns', () => {
    const atomic = (() => {
      try {
        apply(alice.object, { args: ['y'] }, 'bob');
      } catch (e) {
        return e as StatusError;
      }
      return undefined;
    })();
    assert.equal(atomic?.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.args');
    assert.throws(() => apply(alice.object, { users: [{ name: 'app', role: 'admin' }] }, 'bob'), /conflict with "alice": \.spec\.users\[name="app",realm="local"\]\.role/);
    const forced = apply(alice.object, { users: [{ name: 'app', role: 'admin' }] }, 'bob', true);
    assert.deepEqual(specOf(forced).users, [{ name: 'app', role: 'admin' }]);
  });

  it('removes only the items a manager stops applying', () => {
    const bob = apply(alice.object, { users: [{ name: 'report', role: 'ro' }] }, 'bob');
    const again = apply(bob.object, { size: 1, tags: ['a'], args: ['x'], selector: { k: 'v' }, labels: { l1: 'a' } }, 'alice');
    assert.deepEqual(specOf(again).users, [{ name: 'report', role: 'ro' }]);
    assert.equal(specOf(again).extra, undefined);
  });
});
