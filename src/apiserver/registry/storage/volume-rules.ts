/**
 * PersistentVolume and PersistentVolumeClaim rules of pkg/apis/core/validation and
 * pkg/api/v1/persistentvolume, kept beside the storage classes they refer to: access modes (and
 * their `RWO,ROX,RWX,RWOP` short form), volume modes, reclaim policies, the one-volume-source
 * rule of a PV with the required fields of the common sources, and the storage class of a volume
 * or claim (the beta annotation wins over the field, as GetPersistentVolumeClass does).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { dns1123Subdomain, forbidden, invalid, notSupported, required } from '../core/field-errors.js';
import type { KObject } from '../resource.js';

/** Every access mode, in upstream's sorted order. */
export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
/** PersistentVolumeMode values. */
export const VOLUME_MODES = ['Block', 'Filesystem'];
/** PersistentVolumeReclaimPolicy values of a PV. */
export const PV_RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
/** The beta storage-class annotation that still overrides storageClassName. */
export const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetAccessModesAsString. */
export function accessModesString(modes: string[] | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** The access-mode rules shared by PVs and PVCs: known modes, ReadWriteOncePod alone. */
export function validateAccessModes(modes: string[] | undefined, path: string, requiredDetail = ''): FieldError[] {
  const list = modes ?? [];
  const errs: FieldError[] = [];
  if (!list.length) errs.push(required(path, requiredDetail));
  for (const m of list) if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.some((m) => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m)))
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** The volume sources a PersistentVolumeSpec may carry (exactly one). */
export const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs', 'fc', 'flocker',
  'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi', 'iscsi',
];

const SOURCE_REQUIRED: Record<string, string[]> = {
  hostPath: ['path'],
  nfs: ['server', 'path'],
  local: ['path'],
  csi: ['driver', 'volumeHandle'],
  awsElasticBlockStore: ['volumeID'],
  gcePersistentDisk: ['pdName'],
  iscsi: ['targetPortal', 'iqn'],
};

/** The one-source rule of ValidatePersistentVolumeSpec with each common source's required fields. */
export function validateVolumeSource(spec: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const src of PV_SOURCES) {
    const v = spec[src] as Record<string, unknown> | undefined;
    if (v == null) continue;
    if (n++ > 0) {
      errs.push(forbidden(`${path}.${src}`, 'may not specify more than 1 volume type'));
      continue;
    }
    for (const f of SOURCE_REQUIRED[src] ?? []) if (!v[f]) errs.push(required(`${path}.${src}.${f}`));
    if (src === 'csi' && typeof v.driver === 'string' && v.driver) errs.push(...csiDriverName(v.driver, `${path}.csi.driver`));
  }
  if (n === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** ValidateCSIDriverName: required, at most 63 characters, a DNS subdomain when lower-cased. */
export function csiDriverName(name: string, path: string): FieldError[] {
  if (!name) return [required(path)];
  const errs: FieldError[] = [];
  if (name.length > 63) errs.push({ type: 'FieldValueTooLong', field: path, detail: 'must have at most 63 bytes' });
  for (const e of dns1123Subdomain(name.toLowerCase(), path)) errs.push(invalid(path, name, e.detail));
  return errs;
}

/** GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation, else the field. */
export function storageClassOf(obj: KObject, field: string | null | undefined): string {
  const ann = obj.metadata?.annotations?.[BETA_STORAGE_CLASS];
  return ann ?? field ?? '';
}
