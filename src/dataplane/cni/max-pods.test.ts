import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MachineShape } from '../contracts.js';
import { maxPodsFor } from './max-pods.js';

const shape = (instanceType: string, vcpus: number, enis: number, ipv4PerEni: number, hypervisor: MachineShape['hypervisor'] = 'nitro'): MachineShape => ({
  instanceType,
  vcpus,
  memoryMiB: 0,
  enis,
  ipv4PerEni,
  architecture: 'amd64',
  hypervisor,
});

// shared/research/eks-semantics.md §4: [shape, uncapped, managed node group (capped), prefix delegation (capped)]
const TABLE: [MachineShape, number, number, number | undefined][] = [
  [shape('t3.nano', 2, 2, 2), 4, 4, 34],
  [shape('t3.small', 2, 3, 4), 11, 11, 110],
  [shape('t3.medium', 2, 3, 6), 17, 17, 110],
  [shape('t3.large', 2, 3, 12), 35, 35, 110],
  [shape('t3.xlarge', 4, 4, 15), 58, 58, 110],
  [shape('t3a.small', 2, 2, 4), 8, 8, 98],
  [shape('m4.large', 2, 2, 10, 'xen'), 20, 20, undefined],
  [shape('m5.large', 2, 3, 10), 29, 29, 110],
  [shape('m5.xlarge', 4, 4, 15), 58, 58, 110],
  [shape('m5.4xlarge', 16, 8, 30), 234, 110, 110],
  [shape('m5.8xlarge', 32, 8, 30), 234, 234, 250],
  [shape('c5.9xlarge', 36, 8, 30), 234, 234, 250],
  [shape('m5.16xlarge', 64, 15, 50), 737, 250, 250],
  [shape('m5.24xlarge', 96, 15, 50), 737, 250, 250],
  [shape('c6g.medium', 1, 2, 4), 8, 8, 98],
];

describe('maxPodsFor (max-pods-calculator.sh)', () => {
  for (const [s, uncapped, capped, pd] of TABLE) {
    it(`${s.instanceType}: ${capped} (uncapped ${uncapped}, prefix delegation ${pd ?? 'n/a'})`, () => {
      assert.equal(maxPodsFor(s, { prefixDelegation: false, customNetworking: false, capped: false }), uncapped);
      assert.equal(maxPodsFor(s, { prefixDelegation: false, customNetworking: false }), capped);
      if (pd !== undefined) assert.equal(maxPodsFor(s, { prefixDelegation: true, customNetworking: false }), pd);
    });
  }

  it('prefix delegation is ignored on xen machines', () => {
    assert.equal(maxPodsFor(shape('m4.large', 2, 2, 10, 'xen'), { prefixDelegation: true, customNetworking: false }), 20);
  });

  it('custom networking takes one ENI off the formula', () => {
    assert.equal(maxPodsFor(shape('t3.medium', 2, 3, 6), { prefixDelegation: false, customNetworking: true }), 12);
    assert.equal(maxPodsFor(shape('m5.large', 2, 3, 10), { prefixDelegation: false, customNetworking: true }), 20);
    assert.equal(maxPodsFor(shape('t3.nano', 2, 2, 2), { prefixDelegation: true, customNetworking: true }), 18);
  });

  it('MAX_ENI limits the ENIs counted', () => {
    assert.equal(maxPodsFor(shape('m5.large', 2, 3, 10), { prefixDelegation: false, customNetworking: false, maxEni: 1 }), 11);
  });
});
