/**
 * storage.k8s.io/v1 storageclasses, as pkg/registry/storage/storageclass and
 * pkg/apis/storage/validation: reclaimPolicy defaults to Delete and volumeBindingMode to
 * Immediate, the provisioner is a required qualified name, parameters are bounded (512 keys,
 * 256 KiB), allowed topologies are valid selector terms, and provisioner, parameters,
 * reclaimPolicy and volumeBindingMode never change; printStorageClass's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { duplicate, forbidden, immutable, invalid, notSupported, qualifiedName, required, tooLong } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface TopologyTerm {
  matchLabelExpressions?: { key?: string; values?: string[] }[];
}

interface StorageClass extends KObject {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
  allowedTopologies?: TopologyTerm[];
}

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;
/** The annotations that mark the default class (GA and beta). */
export const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** storageutil.IsDefaultAnnotation. */
export function isDefaultClass(o: KObject): boolean {
  return DEFAULT_CLASS_ANNOTATIONS.some((a) => o.metadata?.annotations?.[a] === 'true');
}

/** validateParameters of storage classes and volume attributes classes. */
export function validateParameters(params: Record<string, string> | undefined, path: string): FieldError[] {
  const entries = Object.entries(params ?? {});
  if (entries.length > MAX_PARAMETERS) return [tooLong(path, MAX_PARAMETERS)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (!k) errs.push(invalid(path, k, 'field can not be empty.'));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > MAX_PARAMETERS_SIZE) errs.push(tooLong(path, MAX_PARAMETERS_SIZE));
  return errs;
}

function validateTopologies(terms: TopologyTerm[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen: string[] = [];
  (terms ?? []).forEach((term, i) => {
    const keys = new Set<string>();
    (term?.matchLabelExpressions ?? []).forEach((req, j) => {
      const at = `allowedTopologies[${i}].matchLabelExpressions[${j}]`;
      const values = req?.values ?? [];
      if (!values.length) errs.push(required(`${at}.values`));
      values.forEach((v, k) => {
        if (values.indexOf(v) !== k) errs.push(duplicate(`${at}.values[${k}]`, v));
      });
      errs.push(...qualifiedName(req?.key ?? '', `${at}.key`));
      if (keys.has(req?.key ?? '')) errs.push(duplicate(`${at}.key`, req?.key ?? ''));
      keys.add(req?.key ?? '');
    });
    const canon = JSON.stringify((term?.matchLabelExpressions ?? []).map((r) => [r?.key, [...new Set(r?.values ?? [])].sort()]).sort());
    if (seen.includes(canon)) errs.push(duplicate(`allowedTopologies[${i}].matchLabelExpressions`, ''));
    seen.push(canon);
  });
  return errs;
}

/** The StorageClass strategy. */
export const storageClassStrategy = {
  defaults(sc) {
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  validate(sc) {
    const errs: FieldError[] = [];
    const prov = sc.provisioner ?? '';
    if (!prov) errs.push(required('provisioner'));
    else errs.push(...qualifiedName(prov.toLowerCase(), 'provisioner'));
    errs.push(...validateParameters(sc.parameters, 'parameters'));
    if (sc.reclaimPolicy && !RECLAIM_POLICIES.includes(sc.reclaimPolicy)) errs.push(notSupported('reclaimPolicy', sc.reclaimPolicy, RECLAIM_POLICIES));
    if (sc.volumeBindingMode == null) errs.push(required('volumeBindingMode'));
    else if (!BINDING_MODES.includes(sc.volumeBindingMode)) errs.push(notSupported('volumeBindingMode', sc.volumeBindingMode, BINDING_MODES));
    errs.push(...validateTopologies(sc.allowedTopologies));
    return errs;
  },
  validateUpdate(sc, old) {
    const errs: FieldError[] = [];
    if (!deepEqual(sc.parameters ?? null, old.parameters ?? null)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if ((sc.provisioner ?? '') !== (old.provisioner ?? '')) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    errs.push(...immutable('volumeBindingMode', sc.volumeBindingMode, old.volumeBindingMode));
    return errs;
  },
} satisfies ResourceStrategy<StorageClass>;

const sc = (o: KObject) => o as StorageClass;

/**
 * The `storageclasses` resource. Upstream's printer appends ` (default)` to the name of the
 * default class; that needs a Name-cell hook in the table code (see isDefaultClass).
 */
export const storageclasses: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  printerColumns: [
    column('Provisioner', (o) => sc(o).provisioner ?? '', { description: 'Indicates the type of the provisioner.' }),
    column('ReclaimPolicy', (o) => sc(o).reclaimPolicy ?? 'Delete', { description: 'Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy. Defaults to Delete.' }),
    column('VolumeBindingMode', (o) => sc(o).volumeBindingMode ?? 'Immediate', { description: 'VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used.' }),
    column('AllowVolumeExpansion', (o) => sc(o).allowVolumeExpansion ?? false, { description: 'AllowVolumeExpansion shows whether the storage class allow volume expand.' }),
    ageColumn,
  ],
  strategy: storageClassStrategy as ResourceStrategy,
};
