import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors } from '../core/strategy-test-helpers.js';
import { leases } from './leases.js';

const lease = (spec: Record<string, unknown>) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec });

describe('coordination.k8s.io/v1 leases', () => {
  it('validates the counters with upstream messages', () => {
    assert.deepEqual(createErrors(leases, lease({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 })), []);
    assert.deepEqual(createErrors(leases, lease({ leaseDurationSeconds: 0, leaseTransitions: -1 })), [
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('drops the alpha coordinated-election fields and prints the holder', () => {
    const l = created(leases, lease({ holderIdentity: 'node-1', strategy: 'OldestEmulationVersion', preferredHolder: 'x' }));
    assert.deepEqual(l.spec, { holderIdentity: 'node-1' });
    assert.deepEqual(cells(leases, l), { Holder: 'node-1' });
    assert.equal(leases.allowCreateOnUpdate, true);
  });
});
