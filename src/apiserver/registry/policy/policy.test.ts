import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors } from '../core/strategy-test-helpers.js';
import { poddisruptionbudgets } from './poddisruptionbudgets.js';

const pdb = (spec: Record<string, unknown>, status?: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec, ...(status ? { status } : {}) });
const sel = { matchLabels: { app: 'web' } };

describe('policy/v1 poddisruptionbudgets', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['min available', { minAvailable: 2, selector: sel }, []],
    ['percent', { maxUnavailable: '25%', selector: sel }, []],
    ['both set', { minAvailable: 1, maxUnavailable: 1, selector: sel }, ['spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable cannot be both set']],
    ['negative', { minAvailable: -1 }, ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']],
    ['over 100%', { maxUnavailable: '150%' }, ['spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%']],
    ['bad percent', { minAvailable: 'half' }, [`spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"half"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`]],
    ['eviction policy', { minAvailable: 1, unhealthyPodEvictionPolicy: 'Sometimes' }, ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"']],
  ];
  for (const [name, spec, want] of cases) it(name, () => assert.deepEqual(createErrors(poddisruptionbudgets, pdb(spec)), want));

  it('starts without status and prints N/A for the unset bound', () => {
    const p = created(poddisruptionbudgets, pdb({ minAvailable: '50%', selector: sel }, { disruptionsAllowed: 3 }));
    assert.equal(p.status, undefined);
    assert.deepEqual(cells(poddisruptionbudgets, { ...p, status: { disruptionsAllowed: 1 } }), { 'Min Available': '50%', 'Max Unavailable': 'N/A', 'Allowed Disruptions': 1, Age: '60s' });
  });
});
