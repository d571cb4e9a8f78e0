import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { podChangeMatters } from './pod-changes.js';

type P = Pod & KubeObject;
const base: P = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', resourceVersion: '1', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
};
const withStatus = (status: NonNullable<Pod['status']>): P => ({ ...base, metadata: { ...base.metadata, resourceVersion: '2' }, status: { ...base.status, ...status } });
const withMeta = (meta: Partial<NonNullable<Pod['metadata']>>): P => ({ ...base, metadata: { ...base.metadata, resourceVersion: '2', ...meta } });

test('kubelet progress that changes no count is not a reason to sync', () => {
  assert.equal(podChangeMatters(base, withStatus({ podIP: '10.0.0.5', hostIP: '10.0.0.1' })), false);
  assert.equal(podChangeMatters(base, withStatus({ phase: 'Running' })), false);
  assert.equal(podChangeMatters(base, { ...base, spec: { ...base.spec!, nodeName: 'n1' } }), false);
  assert.equal(podChangeMatters(base, withMeta({ annotations: { a: 'b' } })), false);
});

test('readiness, terminal phases, deletion, labels and controller references are', () => {
  const ready = withStatus({ conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:05Z' }] });
  assert.equal(podChangeMatters(base, ready), true);
  assert.equal(podChangeMatters(ready, withStatus({ conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:09Z' }] })), true, 'availability counts from the transition time');
  assert.equal(podChangeMatters(base, withStatus({ phase: 'Failed' })), true);
  assert.equal(podChangeMatters(base, withStatus({ phase: 'Succeeded' })), true);
  assert.equal(podChangeMatters(base, withMeta({ deletionTimestamp: '2024-01-01T00:01:00Z' })), true);
  assert.equal(podChangeMatters(base, withMeta({ labels: { app: 'web', extra: 'x' } })), true);
  assert.equal(podChangeMatters(base, withMeta({ labels: { app: 'db' } })), true);
  assert.equal(podChangeMatters(base, withMeta({ ownerReferences: [] })), true);
  assert.equal(podChangeMatters(base, withMeta({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u2', controller: true }] })), true);
});
