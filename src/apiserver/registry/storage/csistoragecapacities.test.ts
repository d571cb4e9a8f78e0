import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { csistoragecapacities } from './csistoragecapacities.js';

const capacity = (extra: Record<string, unknown> = {}): KObject => ({ apiVersion: 'storage.k8s.io/v1', kind: 'CSIStorageCapacity', metadata: { name: 'c', namespace: 'kube-system' }, storageClassName: 'gp3', capacity: '100Gi', nodeTopology: { matchLabels: { 'topology.ebs.csi.aws.com/zone': 'us-east-1a' } }, ...extra });

describe('storage.k8s.io/v1 csistoragecapacities', () => {
  it('validates as ValidateCSIStorageCapacity', () => {
    assert.deepEqual(createErrors(csistoragecapacities, capacity()), []);
    assert.deepEqual(createErrors(csistoragecapacities, capacity({ storageClassName: 'Bad_Name', capacity: '-1' })), [
      'storageClassName: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
      'capacity: Invalid value: "-1": must be greater than or equal to 0',
    ]);
  });

  it('keeps the storage class and topology immutable, capacity changes', () => {
    const old = created(csistoragecapacities, capacity());
    assert.deepEqual(updateErrors(csistoragecapacities, old, { ...old, capacity: '50Gi' }), []);
    assert.deepEqual(updateErrors(csistoragecapacities, old, { ...old, storageClassName: 'gp2' }), ['storageClassName: Invalid value: "gp2": field is immutable']);
  });

  it('prints STORAGECLASSNAME and CAPACITY', () => {
    assert.deepEqual(cells(csistoragecapacities, created(csistoragecapacities, capacity())), { StorageClassName: 'gp3', Capacity: '100Gi' });
    assert.equal(cells(csistoragecapacities, created(csistoragecapacities, capacity({ capacity: undefined }))).Capacity, '<unset>');
  });
});
