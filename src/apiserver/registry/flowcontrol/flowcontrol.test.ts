import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { BOOTSTRAP_FLOW_SCHEMAS, BOOTSTRAP_PRIORITY_LEVELS } from './bootstrap.js';
import { flowschemas } from './flowschemas.js';
import { prioritylevelconfigurations } from './prioritylevelconfigurations.js';

const obj = (kind: string, name: string, spec: Record<string, unknown>): KObject => ({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind, metadata: { name }, spec });

describe('flowcontrol.apiserver.k8s.io/v1', () => {
  it('ships a valid bootstrap configuration whose schemas name existing levels', () => {
    for (const pl of BOOTSTRAP_PRIORITY_LEVELS) assert.deepEqual(createErrors(prioritylevelconfigurations, pl), [], pl.metadata?.name);
    for (const fs of BOOTSTRAP_FLOW_SCHEMAS) assert.deepEqual(createErrors(flowschemas, fs), [], fs.metadata?.name);
    const levels = new Set(BOOTSTRAP_PRIORITY_LEVELS.map((p) => p.metadata?.name));
    for (const n of ['exempt', 'catch-all', 'global-default', 'workload-low']) assert.ok(levels.has(n), n);
    for (const fs of BOOTSTRAP_FLOW_SCHEMAS) assert.ok(levels.has((fs.spec as { priorityLevelConfiguration: { name: string } }).priorityLevelConfiguration.name));
  });

  it('defaults and prints priority levels', () => {
    const pl = created(prioritylevelconfigurations, obj('PriorityLevelConfiguration', 'mine', { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } }));
    assert.deepEqual(pl.spec, { type: 'Limited', limited: { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { queues: 64, handSize: 8, queueLengthLimit: 50 } } } });
    assert.deepEqual(cells(prioritylevelconfigurations, pl), { Type: 'Limited', NominalConcurrencyShares: 30, Queues: 64, HandSize: 8, QueueLengthLimit: 50, Age: '60s' });
    const exempt = BOOTSTRAP_PRIORITY_LEVELS[0]!;
    assert.deepEqual(cells(prioritylevelconfigurations, exempt), { Type: 'Exempt', NominalConcurrencyShares: '<none>', Queues: '<none>', HandSize: '<none>', QueueLengthLimit: '<none>', Age: '<unknown>' });
  });

  it('validates priority levels and flow schemas', () => {
    assert.deepEqual(createErrors(prioritylevelconfigurations, obj('PriorityLevelConfiguration', 'mine', { type: 'Exempt' })), ['spec.type: Invalid value: "Exempt": type must be \'Exempt\' if and only if name is \'exempt\'']);
    assert.deepEqual(createErrors(prioritylevelconfigurations, obj('PriorityLevelConfiguration', 'mine', { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: { queues: 2, handSize: 4 } } } })), ['spec.limited.limitResponse.queuing.handSize: Invalid value: 4: should not be greater than queues (2)']);
    const fs = created(flowschemas, obj('FlowSchema', 'mine', { priorityLevelConfiguration: { name: 'workload-low' }, rules: [{ subjects: [{ kind: 'User', user: { name: 'jane' } }], resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }] }));
    assert.equal((fs.spec as { matchingPrecedence: number }).matchingPrecedence, 1000);
    assert.deepEqual(createErrors(flowschemas, fs), ['spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace']);
    assert.deepEqual(cells(flowschemas, fs), { PriorityLevel: 'workload-low', MatchingPrecedence: 1000, DistinguisherMethod: '<none>', Age: '60s', MissingPL: '?' });
    assert.deepEqual(createErrors(flowschemas, obj('FlowSchema', 'mine', { matchingPrecedence: 1, priorityLevelConfiguration: { name: 'x' } })), ["spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1"]);
  });
});
