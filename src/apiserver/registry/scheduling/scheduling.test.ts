import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { BOOTSTRAP_PRIORITY_CLASSES, priorityclasses } from './priorityclasses.js';

const pc = (name: string, rest: Record<string, unknown>): KObject => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, ...rest });

describe('scheduling.k8s.io/v1 priorityclasses', () => {
  const cases: [string, KObject, string[]][] = [
    ['user class', pc('high', { value: 1000 }), []],
    ['too high', pc('high', { value: 1_000_000_001 }), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
    ['reserved prefix', pc('system-mine', { value: 1 }), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"]],
    ['wrong system value', pc('system-node-critical', { value: 5 }), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"]],
    ['bad preemption policy', pc('p', { value: 1, preemptionPolicy: 'Sometimes' }), ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']],
  ];
  for (const [name, o, want] of cases) it(name, () => assert.deepEqual(createErrors(priorityclasses, o), want));

  it('accepts the bootstrap classes and defaults the preemption policy', () => {
    assert.deepEqual(BOOTSTRAP_PRIORITY_CLASSES.map((c) => [c.metadata?.name, c.value]), [['system-cluster-critical', 2000000000], ['system-node-critical', 2000001000]]);
    for (const c of BOOTSTRAP_PRIORITY_CLASSES) assert.deepEqual(createErrors(priorityclasses, c), []);
    const p = created(priorityclasses, pc('p', { value: 7 }));
    assert.equal(p.preemptionPolicy, 'PreemptLowerPriority');
    assert.deepEqual(cells(priorityclasses, p), { Value: 7, 'Global-Default': false, Age: '60s', PreemptionPolicy: 'PreemptLowerPriority' });
  });

  it('keeps value and preemptionPolicy immutable and allows one global default', () => {
    const old = created(priorityclasses, pc('p', { value: 7 }));
    assert.deepEqual(updateErrors(priorityclasses, old, { ...old, value: 8, preemptionPolicy: 'Never' }), [
      'value: Forbidden: may not be changed in an update.',
      'preemptionPolicy: Invalid value: "Never": field is immutable',
    ]);
    const def = pc('default', { value: 1, globalDefault: true });
    const errs = priorityclasses.strategy.allocate!(def, [pc('other', { value: 2, globalDefault: true })]);
    assert.equal(errs[0]?.detail, 'PriorityClass other is already marked as default. Only one default can exist');
  });
});
