import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { runtimeclasses } from './runtimeclasses.js';

const rc = (rest: Record<string, unknown>): KObject => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, ...rest });

describe('node.k8s.io/v1 runtimeclasses', () => {
  it('validates the handler, overhead and scheduling', () => {
    assert.deepEqual(createErrors(runtimeclasses, rc({ handler: 'runsc', overhead: { podFixed: { cpu: '250m' } } })), []);
    assert.deepEqual(createErrors(runtimeclasses, rc({ handler: 'Run_SC' })), [
      `handler: Invalid value: "Run_SC": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    assert.deepEqual(createErrors(runtimeclasses, rc({ handler: 'runsc', overhead: { podFixed: { memory: '-1Mi' } } })), ['overhead.podFixed[memory]: Invalid value: "-1Mi": must be greater than or equal to 0']);
  });

  it('canonicalizes overhead, keeps the handler immutable and prints it', () => {
    const old = created(runtimeclasses, rc({ handler: 'runsc', overhead: { podFixed: { cpu: '0.5' } } }));
    assert.deepEqual(old.overhead, { podFixed: { cpu: '500m' } });
    assert.deepEqual(updateErrors(runtimeclasses, old, { ...old, handler: 'kata' }), ['handler: Invalid value: "kata": field is immutable']);
    assert.deepEqual(cells(runtimeclasses, old), { Handler: 'runsc' });
  });
});
