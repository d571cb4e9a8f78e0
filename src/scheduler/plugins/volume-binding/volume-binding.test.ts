import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { emptyListers, type Listers } from '../../handle.js';
import { filterAll, fixture, makeNode, makePod } from '../../test-helpers.test-helper.js';
import { volumeBinding, volumeZone } from './volume-binding.js';

const pvcs: Record<string, PersistentVolumeClaim> = {
  bound: { metadata: { name: 'bound' }, spec: { volumeName: 'pv-a' } },
  immediate: { metadata: { name: 'immediate' }, spec: { storageClassName: 'gp2' } },
  delayed: { metadata: { name: 'delayed' }, spec: { storageClassName: 'gp3' } },
  zoned: { metadata: { name: 'zoned' }, spec: { volumeName: 'pv-zone-b' } },
};
const pvs: Record<string, PersistentVolume> = {
  'pv-a': { metadata: { name: 'pv-a' }, spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] }] } } } },
  'pv-zone-b': { metadata: { name: 'pv-zone-b', labels: { 'topology.kubernetes.io/zone': 'b' } }, spec: {} },
};
const classes: Record<string, StorageClass> = {
  gp2: { metadata: { name: 'gp2' }, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'Immediate' },
  gp3: { metadata: { name: 'gp3' }, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer' },
};
const listers: Listers = { ...emptyListers, pvc: (_ns, n) => pvcs[n], pv: (n) => pvs[n], storageClass: (n) => classes[n] };
const withClaim = (claim: string) => makePod('p', { spec: { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: claim } }] } });
const nodes = () => [makeNode('na', { zone: 'a' }), makeNode('nb', { zone: 'b' })];

const cases = [
  { name: 'no claims', pod: makePod('p'), want: { na: '', nb: '' } },
  { name: 'missing claim', pod: withClaim('nope'), want: { na: 'UnschedulableAndUnresolvable: persistentvolumeclaim "nope" not found', nb: 'UnschedulableAndUnresolvable: persistentvolumeclaim "nope" not found' } },
  { name: 'bound PV node affinity', pod: withClaim('bound'), want: { na: '', nb: 'UnschedulableAndUnresolvable: node(s) had volume node affinity conflict' } },
  { name: 'unbound immediate claim', pod: withClaim('immediate'), want: { na: 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims', nb: 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims' } },
  { name: 'unbound WaitForFirstConsumer claim fits anywhere', pod: withClaim('delayed'), want: { na: '', nb: '' } },
];
for (const c of cases) {
  test(`VolumeBinding: ${c.name}`, () => {
    const { handle, infos } = fixture(nodes(), [], listers);
    assert.deepEqual(filterAll(volumeBinding(handle), c.pod, infos), c.want);
  });
}

test('VolumeZone: a bound PV labelled with a zone only fits nodes of that zone', () => {
  const { handle, infos } = fixture(nodes(), [], listers);
  assert.deepEqual(filterAll(volumeZone(handle), withClaim('zoned'), infos), { na: 'UnschedulableAndUnresolvable: node(s) had no available volume zone', nb: '' });
});
