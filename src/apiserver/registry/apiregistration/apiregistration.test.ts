import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { apiservices, BOOTSTRAP_API_SERVICES } from './apiservices.js';

const svc = (name: string, spec: Record<string, unknown>): KObject => ({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name }, spec: { groupPriorityMinimum: 100, versionPriority: 10, ...spec } });

describe('apiregistration.k8s.io/v1 apiservices', () => {
  it('builds local, available services for every served group version', () => {
    const list = BOOTSTRAP_API_SERVICES([{ group: '', version: 'v1' }, { group: 'apps', version: 'v1' }, { group: 'apps', version: 'v1' }, { group: 'autoscaling', version: 'v2' }, { group: 'example.com', version: 'v1alpha1' }]);
    assert.deepEqual(list.map((s) => [s.metadata?.name, (s.spec as Record<string, unknown>).groupPriorityMinimum, (s.spec as Record<string, unknown>).versionPriority]), [
      ['v1.', 18000, 1],
      ['v1.apps', 17800, 15],
      ['v2.autoscaling', 17500, 30],
      ['v1alpha1.example.com', 1000, 100],
    ]);
    for (const s of list) assert.deepEqual(createErrors(apiservices, s), []);
    assert.deepEqual(cells(apiservices, created(apiservices, { ...list[1]!, status: undefined }) as KObject), { Service: 'Local', Available: 'Unknown', Age: '60s' });
    assert.deepEqual(cells(apiservices, list[1]!).Available, 'True');
  });

  const cases: [string, KObject, string[]][] = [
    ['aggregated', svc('v1beta1.metrics.k8s.io', { group: 'metrics.k8s.io', version: 'v1beta1', service: { namespace: 'kube-system', name: 'metrics-server' }, insecureSkipTLSVerify: true }), []],
    ['name mismatch', svc('metrics', { group: 'metrics.k8s.io', version: 'v1beta1' }), ['metadata.name: Invalid value: "metrics": must be `spec.version+"."+spec.group`: "v1beta1.metrics.k8s.io"']],
    ['empty group', svc('v2.', { group: '', version: 'v2' }), ['spec.group: Required value: only v1 may have an empty group and it better be legacy kube']],
    ['priorities', svc('v1.a.io', { group: 'a.io', version: 'v1', groupPriorityMinimum: 0, versionPriority: 2000 }), ['spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000', 'spec.versionPriority: Invalid value: 2000: must be positive and less than 1000']],
    ['service without namespace', svc('v1.a.io', { group: 'a.io', version: 'v1', service: { name: 's' } }), ['spec.service.namespace: Required value']],
  ];
  for (const [name, o, want] of cases) it(name, () => assert.deepEqual(createErrors(apiservices, o), want));

  it('answers a wrong JSON type as the Go decoder would', () => {
    assert.throws(() => createErrors(apiservices, svc('v1.a.io', { group: 5, version: 'v1' })), /cannot unmarshal number into Go struct field APIService.spec.group of type string/);
  });
});
