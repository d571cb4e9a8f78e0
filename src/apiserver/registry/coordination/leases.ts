/**
 * coordination.k8s.io/v1 leases, as pkg/registry/coordination/lease: PUT may create
 * (AllowCreateOnUpdate), the alpha CoordinatedLeaderElection fields (strategy, preferredHolder)
 * are dropped since the gate is off in 1.32, ValidateLeaseSpec checks the counters, and the
 * printer shows the holder.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { invalid } from '../core/field-errors.js';
import { column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface Lease extends KObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
    strategy?: string;
    preferredHolder?: string;
    [k: string]: unknown;
  };
}

function dropDisabled(lease: Lease): void {
  if (!lease.spec) return;
  delete lease.spec.strategy;
  delete lease.spec.preferredHolder;
}

/** The lease strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const leaseStrategy = {
  prepareForCreate: dropDisabled,
  prepareForUpdate: dropDisabled,
  validate(lease) {
    const spec = lease.spec ?? {};
    const errs: FieldError[] = [];
    if (spec.leaseDurationSeconds != null && spec.leaseDurationSeconds <= 0) errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
    if (spec.leaseTransitions != null && spec.leaseTransitions < 0) errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
    return errs;
  },
} satisfies ResourceStrategy<Lease>;

/** The `leases` resource: table data plus its strategy. */
export const leases: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  allowCreateOnUpdate: true,
  printerColumns: [column('Holder', (o) => (o as Lease).spec?.holderIdentity ?? '', { description: 'holderIdentity contains the identity of the holder of a current lease.' })],
  strategy: leaseStrategy as ResourceStrategy,
};
