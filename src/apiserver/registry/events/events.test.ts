import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, createErrors, NOW, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { events } from './events.js';

const ago = (ms: number) => new Date(NOW - ms).toISOString();
const event = (extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web.1', namespace: 'default' },
  eventTime: ago(30_000),
  reportingController: 'kubelet',
  reportingInstance: 'node-1',
  action: 'Pulling',
  reason: 'Pulling',
  type: 'Normal',
  note: 'Pulling image "nginx"',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web', fieldPath: 'spec.containers{web}' },
  ...extra,
});

describe('events.k8s.io/v1 events', () => {
  it('accepts a well-formed event', () => assert.deepEqual(createErrors(events, event()), []));

  it('applies the strict rules with internal field names, as upstream', () => {
    const errs = createErrors(events, event({ eventTime: undefined, type: 'Bad', deprecatedCount: 3, reportingController: '', regarding: { kind: 'Pod', namespace: 'other', name: 'web' } }));
    assert.deepEqual(errs, [
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
      'eventTime: Required value',
      'type: Invalid value: "": has invalid value: Bad',
      'count: Invalid value: "": needs to be unset',
    ]);
    assert.ok(createErrors(events, event({ series: { count: 1 } })).includes('series.count: Invalid value: "": should be at least 2'));
  });

  it('keeps everything but the series immutable', () => {
    const old = event();
    assert.deepEqual(updateErrors(events, old, event({ series: { count: 2, lastObservedTime: ago(0) } })), []);
    assert.deepEqual(updateErrors(events, old, event({ reason: 'Pulled' })), ['reason: Invalid value: "Pulled": field is immutable', 'reason: Invalid value: "Pulled": field is immutable']);
  });

  it('prints like core events', () => {
    assert.deepEqual(cells(events, event()), {
      'Last Seen': '30s',
      Type: 'Normal',
      Reason: 'Pulling',
      Object: 'pod/web',
      Subobject: 'spec.containers{web}',
      Source: 'kubelet, node-1',
      Message: 'Pulling image "nginx"',
      'First Seen': '30s',
      Count: 1,
    });
    assert.equal(cells(events, event({ series: { count: 4, lastObservedTime: ago(5_000) } }))['Last Seen'], '5s');
  });
});
