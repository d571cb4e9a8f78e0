import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../json.js';
import { FieldSet, pathString } from './fieldpath.js';
import { ANCIENT_CHANGES_MANAGER, decodeManagedFields, encodeManagedFields, type ManagedFieldsEntry } from './managed-fields.js';
import { builtinApplySchema } from './schema.js';
import { defaultManager, recordUpdate, type UpdateOptions } from './update.js';

const DEPLOYMENT = builtinApplySchema({ group: 'apps', version: 'v1', kind: 'Deployment' });
const T0 = new Date('2024-05-01T10:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const RESET_STATUS = FieldSet.fromFieldNames([['status']]);

function record(old: JsonObject | undefined, updated: JsonObject, manager: string, extra: Partial<UpdateOptions> = {}) {
  return recordUpdate({ schema: DEPLOYMENT, old, updated, manager, now: T0, apiVersion: 'apps/v1', ...extra });
}
function withMF(obj: JsonObject, mf: ManagedFieldsEntry[] | undefined, uid = 'u-1'): JsonObject {
  const meta: JsonObject = { ...(obj.metadata as JsonObject), uid };
  if (mf) meta.managedFields = mf as unknown as JsonObject[];
  return { ...obj, metadata: meta };
}
function owners(mf: ManagedFieldsEntry[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of mf ?? []) out[`${e.manager}/${e.apiVersion}${e.subresource ? `/${e.subresource}` : ''}`] = FieldSet.fromFieldsV1(e.fieldsV1).paths().map(pathString);
  return out;
}

// `kubectl create deployment nginx --image=nginx` after defaulting, as the API server records it.
const created: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'nginx' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
      },
    },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  },
  status: {},
};

describe('recordUpdate', () => {
  it('on create, the manager owns every field it set, in the shape kube-apiserver records', () => {
    const mf = record(undefined, created, 'kubectl-create', { ignoredFields: RESET_STATUS });
    assert.deepEqual(mf, [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:progressDeadlineSeconds': {},
            'f:replicas': {},
            'f:revisionHistoryLimit': {},
            'f:selector': {},
            'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:imagePullPolicy': {},
                    'f:name': {},
                    'f:resources': {},
                    'f:terminationMessagePath': {},
                    'f:terminationMessagePolicy': {},
                  },
                },
                'f:dnsPolicy': {},
                'f:restartPolicy': {},
                'f:schedulerName': {},
                'f:securityContext': {},
                'f:terminationGracePeriodSeconds': {},
              },
            },
          },
        },
      },
    ]);
  });

  const live = withMF(created, record(undefined, created, 'kubectl-create', { ignoredFields: RESET_STATUS }));

  it('moves ownership of the changed fields only, to an entry per manager and apiVersion', () => {
    const scaled = structuredClone(live) as any;
    scaled.spec.replicas = 3;
    const mf = record(live, scaled, 'kubectl-scale', { now: at(1) });
    assert.deepEqual(owners(mf)['kubectl-scale/apps/v1'], ['.spec.replicas']);
    assert.ok(!owners(mf)['kubectl-create/apps/v1']!.includes('.spec.replicas'));
    // Update entries sort by time: the older create first.
    assert.deepEqual(mf?.map((e) => e.manager), ['kubectl-create', 'kubectl-scale']);

    const again = withMF(scaled, mf);
    const scaled2 = structuredClone(again) as any;
    scaled2.spec.paused = true;
    const mf2 = record(again, scaled2, 'kubectl-scale', { now: at(2) });
    assert.deepEqual(owners(mf2)['kubectl-scale/apps/v1'], ['.spec.paused', '.spec.replicas']);
    assert.equal(mf2?.find((e) => e.manager === 'kubectl-scale')?.time, '2024-05-01T10:02:00Z');
  });

  it('a write that changes nothing keeps entries and times', () => {
    const mf = record(live, structuredClone(live), 'kubectl-edit', { now: at(5) });
    assert.deepEqual(mf, (live.metadata as JsonObject).managedFields);
  });

  it('removed fields leave every manager', () => {
    const noLabels = structuredClone(live) as any;
    delete noLabels.metadata.labels;
    const mf = record(live, noLabels, 'kubectl-edit');
    assert.deepEqual(Object.keys(owners(mf)), ['kubectl-create/apps/v1']);
    assert.equal(owners(mf)['kubectl-create/apps/v1']!.some((p) => p.startsWith('.metadata.labels')), false);
  });

  it('a subresource write gets its own entry and ignores the fields its strategy resets', () => {
    const withStatus = structuredClone(live) as any;
    withStatus.status = { replicas: 1 };
    withStatus.spec.replicas = 9;
    const mf = record(live, withStatus, 'kube-controller-manager', { subresource: 'status', ignoredFields: FieldSet.fromFieldNames([['spec'], ['metadata', 'labels']]) });
    assert.deepEqual(owners(mf)['kube-controller-manager/apps/v1/status'], ['.status.replicas']);
    assert.equal(mf?.find((e) => e.subresource === 'status')?.manager, 'kube-controller-manager');
    assert.ok(owners(mf)['kubectl-create/apps/v1']!.includes('.spec.replicas'), 'spec stays with its owner');
  });

  it('honours managedFields sent with the request, and [] or [{}] clears them', () => {
    const custom: ManagedFieldsEntry[] = [{ manager: 'me', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    const mf = record(live, withMF(live, custom), 'kubectl-replace');
    assert.deepEqual(mf, custom);
    assert.equal(record(live, withMF(live, [] as ManagedFieldsEntry[]), 'x'), undefined);
    assert.equal(record(live, withMF(live, [{}]), 'x'), undefined);
    // Garbage from the request falls back to the stored entries.
    const bad = withMF(live, [{ manager: 'x', operation: 'Patch' } as ManagedFieldsEntry]);
    assert.deepEqual(record(live, bad, 'y'), (live.metadata as JsonObject).managedFields);
  });

  it('an object stored without managedFields stays without them on update', () => {
    const bare = withMF(created, undefined);
    const changed = structuredClone(bare) as any;
    changed.spec.replicas = 2;
    assert.equal(record(bare, changed, 'kubectl-edit'), undefined);
  });

  it('caps Update entries at 10, merging the oldest into ancient-changes', () => {
    let obj = live;
    for (let i = 0; i < 11; i++) {
      const next = structuredClone(obj) as any;
      next.metadata.labels = { ...next.metadata.labels, [`k${i}`]: 'v' };
      obj = withMF(next, record(obj, next, `writer-${i}`, { now: at(i + 1) }));
    }
    const mf = (obj.metadata as JsonObject).managedFields as unknown as ManagedFieldsEntry[];
    assert.equal(mf.length, 10);
    const ancient = mf.find((e) => e.manager === ANCIENT_CHANGES_MANAGER)!;
    // At writer-9, kubectl-create (oldest) and writer-0 went into the bucket; at writer-10 the
    // bucket was the oldest and took writer-1, and with it writer-1's time.
    assert.equal(ancient.time, '2024-05-01T10:02:00Z');
    assert.ok(owners([ancient])[`${ANCIENT_CHANGES_MANAGER}/apps/v1`]!.includes('.metadata.labels.k0'));
    assert.ok(owners([ancient])[`${ANCIENT_CHANGES_MANAGER}/apps/v1`]!.includes('.spec.replicas'));
    assert.deepEqual(mf.map((e) => e.manager), [ANCIENT_CHANGES_MANAGER, ...Array.from({ length: 9 }, (_, i) => `writer-${i + 2}`)]);
  });
});

describe('managedFields encoding', () => {
  it('sorts Apply before Update, then by time, manager, apiVersion, subresource', () => {
    const e = (manager: string, operation: string, time: string, apiVersion = 'v1', subresource?: string): ManagedFieldsEntry => ({
      manager, operation, apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: { 'f:a': {} }, ...(subresource ? { subresource } : {}),
    });
    const input = [
      e('b', 'Update', '2024-01-01T00:00:02Z'),
      e('z', 'Apply', '2024-01-01T00:00:09Z'),
      e('a', 'Update', '2024-01-01T00:00:02Z', 'v1', 'status'),
      e('a', 'Update', '2024-01-01T00:00:02Z'),
      e('c', 'Update', '2024-01-01T00:00:01Z'),
    ];
    const out = encodeManagedFields(decodeManagedFields(input as unknown as JsonObject[]))!;
    assert.deepEqual(out.map((x) => `${x.operation}:${x.manager}:${x.subresource ?? ''}`), ['Apply:z:', 'Update:c:', 'Update:a:', 'Update:a:status', 'Update:b:']);
  });

  it('rejects entries upstream cannot decode, with its messages', () => {
    const bad = (e: JsonObject) => () => decodeManagedFields([e]);
    assert.throws(bad({ operation: 'Patch', apiVersion: 'v1', fieldsType: 'FieldsV1' }), /operation must be `Apply` or `Update`/);
    assert.throws(bad({ operation: 'Apply', fieldsType: 'FieldsV1' }), /apiVersion must not be empty/);
    assert.throws(bad({ operation: 'Apply', apiVersion: 'v1' }), /missing fieldsType in managed fields entry 0/);
    assert.throws(bad({ operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV2' }), /invalid fieldsType "FieldsV2" in managed fields entry 0/);
  });
});

describe('defaultManager', () => {
  for (const [ua, want] of [
    ['kubectl/v1.32.5 (linux/amd64) kubernetes/abcdef', 'kubectl'],
    ['kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:deployment-controller', 'kube-controller-manager'],
    ['my\tcontroller/1.0', 'mycontroller'],
    ['', ''],
  ] as const) {
    it(`${JSON.stringify(ua)} → ${JSON.stringify(want)}`, () => assert.equal(defaultManager(ua), want));
  }
  it('cuts at 128 bytes', () => assert.equal(defaultManager('x'.repeat(200)), 'x'.repeat(128)));
});
