import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { csidrivers, csinodes } from './csidrivers.js';
import { isDefaultClass, storageclasses } from './storageclasses.js';
import { accessModesString } from './volume-rules.js';
import { volumeattachments } from './volumeattachments.js';

const obj = (kind: string, rest: Record<string, unknown>, name = 'x'): KObject => ({ apiVersion: 'storage.k8s.io/v1', kind, metadata: { name }, ...rest });

describe('storage.k8s.io/v1 storageclasses', () => {
  it('defaults reclaim policy and binding mode and prints them', () => {
    const sc = created(storageclasses, obj('StorageClass', { provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } }, 'gp3'));
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.volumeBindingMode, 'Immediate');
    assert.deepEqual(cells(storageclasses, sc), { Provisioner: 'ebs.csi.aws.com', ReclaimPolicy: 'Delete', VolumeBindingMode: 'Immediate', AllowVolumeExpansion: false, Age: '60s' });
    assert.equal(isDefaultClass({ metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } }), true);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['no provisioner', {}, ['provisioner: Required value']],
    ['bad reclaim policy', { provisioner: 'a.b/c', reclaimPolicy: 'Recycle' }, ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']],
    ['bad binding mode', { provisioner: 'a.b/c', volumeBindingMode: 'Later' }, ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']],
    ['empty parameter key', { provisioner: 'a.b/c', parameters: { '': 'x' } }, ['parameters: Invalid value: "": field can not be empty.']],
    ['topology without values', { provisioner: 'a.b/c', allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone' }] }] }, ['allowedTopologies[0].matchLabelExpressions[0].values: Required value']],
  ];
  for (const [name, rest, want] of cases) it(name, () => assert.deepEqual(createErrors(storageclasses, obj('StorageClass', rest)), want));

  it('forbids changing provisioner, parameters, reclaim policy and binding mode', () => {
    const old = created(storageclasses, obj('StorageClass', { provisioner: 'a.b/c', parameters: { type: 'gp2' } }));
    assert.deepEqual(updateErrors(storageclasses, old, { ...old, provisioner: 'd.e/f', parameters: { type: 'gp3' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }), [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
    assert.deepEqual(updateErrors(storageclasses, old, { ...old, allowVolumeExpansion: true }), []);
  });
});

describe('storage.k8s.io/v1 CSI objects and attachments', () => {
  it('defaults a CSIDriver and keeps attachRequired immutable', () => {
    const d = created(csidrivers, obj('CSIDriver', { spec: {} }, 'ebs.csi.aws.com'));
    assert.deepEqual(d.spec, { attachRequired: true, podInfoOnMount: false, storageCapacity: false, fsGroupPolicy: 'ReadWriteOnceWithFSType', volumeLifecycleModes: ['Persistent'], requiresRepublish: false, seLinuxMount: false });
    assert.deepEqual(cells(csidrivers, d), { AttachRequired: true, PodInfoOnMount: false, StorageCapacity: false, TokenRequests: '<unset>', RequiresRepublish: false, Modes: 'Persistent', Age: '60s' });
    assert.deepEqual(updateErrors(csidrivers, d, { ...d, spec: { ...(d.spec as object), attachRequired: false } }), ['spec.attachedRequired: Invalid value: false: field is immutable']);
    assert.deepEqual(createErrors(csidrivers, obj('CSIDriver', { spec: { fsGroupPolicy: 'Always', tokenRequests: [{ audience: 'a', expirationSeconds: 60 }] } })), [
      'spec.fsGroupPolicy: Unsupported value: "Always": supported values: "File", "None", "ReadWriteOnceWithFSType"',
      'spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    ]);
  });

  it('validates CSINode drivers', () => {
    const n = obj('CSINode', { spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-1' }, { name: 'ebs.csi.aws.com', nodeID: '' }] } }, 'node-1');
    assert.deepEqual(createErrors(csinodes, n), ['spec.drivers[1].nodeID: Required value', 'spec.drivers[1].name: Duplicate value: "ebs.csi.aws.com"']);
    const ok = created(csinodes, obj('CSINode', { spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-1' }] } }, 'node-1'));
    assert.deepEqual(cells(csinodes, ok), { Drivers: 1, Age: '60s' });
    assert.equal(updateErrors(csinodes, ok, { ...ok, spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-2' }] } })[0]?.endsWith('field is immutable'), true);
  });

  it('validates volume attachments and keeps the spec', () => {
    const spec = { attacher: 'ebs.csi.aws.com', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } };
    assert.deepEqual(createErrors(volumeattachments, obj('VolumeAttachment', { spec })), []);
    assert.deepEqual(createErrors(volumeattachments, obj('VolumeAttachment', { spec: { ...spec, source: {} } })), ['spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName']);
    const va = created(volumeattachments, obj('VolumeAttachment', { spec }));
    assert.deepEqual(cells(volumeattachments, { ...va, status: { attached: true } }), { Attacher: 'ebs.csi.aws.com', PV: 'pv-1', Node: 'node-1', Attached: true, Age: '60s' });
    assert.deepEqual(updateErrors(volumeattachments, va, { ...va, spec: { ...spec, nodeName: 'node-2' } }), ['spec: Invalid value: storage.VolumeAttachmentSpec{...}: field is immutable']);
  });

  it('prints access modes in upstream order', () => {
    assert.equal(accessModesString(['ReadWriteOncePod', 'ReadWriteMany', 'ReadWriteOnce', 'ReadOnlyMany']), 'RWO,ROX,RWX,RWOP');
  });
});
