/**
 * storage.k8s.io/v1 csistoragecapacities, as pkg/registry/storage/csistoragecapacity and
 * ValidateCSIStorageCapacity(+Update): namespaced, the storage class name a DNS subdomain, the
 * node topology a valid label selector, capacity and maximumVolumeSize non-negative; the node
 * topology and storage class (the inputs of CSI GetCapacity) never change. printCSIStorageCapacity's
 * STORAGECLASSNAME and CAPACITY columns (and no AGE, as a 1.32 cluster prints them).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { validateLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { isDNS1123Subdomain } from '../../../apimachinery/validation.js';
import { immutable, invalid } from '../core/field-errors.js';
import { column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { nonNegativeQuantity, quantityText } from './quantities.js';

interface CSIStorageCapacity extends KObject {
  nodeTopology?: MetaLabelSelector;
  storageClassName?: string;
  capacity?: string | number;
  maximumVolumeSize?: string | number;
}

/** The CSIStorageCapacity strategy. */
export const csiStorageCapacityStrategy = {
  validate(c) {
    const errs: FieldError[] = [...validateLabelSelector(c.nodeTopology, 'nodeTopology')];
    const cls = c.storageClassName ?? '';
    for (const m of isDNS1123Subdomain(cls)) errs.push(invalid('storageClassName', cls, m));
    if (c.capacity != null) errs.push(...nonNegativeQuantity(c.capacity, 'capacity'));
    if (c.maximumVolumeSize != null) errs.push(...nonNegativeQuantity(c.maximumVolumeSize, 'maximumVolumeSize'));
    return errs;
  },
  validateUpdate(c, old) {
    return [...immutable('nodeTopology', c.nodeTopology, old.nodeTopology), ...immutable('storageClassName', c.storageClassName, old.storageClassName)];
  },
} satisfies ResourceStrategy<CSIStorageCapacity>;

const cap = (o: KObject) => o as CSIStorageCapacity;

/** storage.k8s.io/v1 `csistoragecapacities`. */
export const csistoragecapacities: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSIStorageCapacity',
  plural: 'csistoragecapacities',
  singular: 'csistoragecapacity',
  namespaced: true,
  printerColumns: [
    column('StorageClassName', (o) => cap(o).storageClassName ?? '', { description: 'storageClassName represents the name of the StorageClass that the reported capacity applies to. It must meet the same requirements as the name of a StorageClass object (non-empty, DNS subdomain). If that object no longer exists, the CSIStorageCapacity object is obsolete and should be removed by its creator. This field is immutable.' }),
    column('Capacity', (o) => (cap(o).capacity != null ? quantityText(cap(o).capacity) : '<unset>'), { description: 'capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields.' }),
  ],
  noAgeColumn: true,
  strategy: csiStorageCapacityStrategy as ResourceStrategy,
};
