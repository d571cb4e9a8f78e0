/**
 * storage.k8s.io/v1 volumeattachments, as pkg/registry/storage/volumeattachment and
 * ValidateVolumeAttachment(V1): the attacher is a CSI driver name, the source names exactly one of
 * a persistent volume or an inline volume spec, the node name is a DNS subdomain, the spec never
 * changes; the attacher writes /status (attached, metadata up to 256 KiB, errors).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { dns1123Subdomain, forbidden, GoLiteral, invalid, required, tooLong } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { csiDriverName } from './volume-rules.js';

interface VolumeError {
  message?: string;
  errorCode?: number;
}

interface VolumeAttachment extends KObject {
  spec?: { attacher?: string; nodeName?: string; source?: { persistentVolumeName?: string; inlineVolumeSpec?: unknown } };
  status?: { attached?: boolean; attachmentMetadata?: Record<string, string>; attachError?: VolumeError; detachError?: VolumeError };
}

const MAX_METADATA = 256 * 1024;

function validateVolumeError(e: VolumeError | undefined, path: string): FieldError[] {
  if (!e) return [];
  const errs: FieldError[] = [];
  if ((e.message ?? '').length > 1024) errs.push(tooLong(`${path}.message`, MAX_METADATA));
  if (e.errorCode != null && e.errorCode < 0) errs.push(invalid(`${path}.errorCode`, e.errorCode, 'must be between 0 and 2147483647, inclusive'));
  return errs;
}

/** The VolumeAttachment strategy. */
export const volumeAttachmentStrategy = {
  validate(va) {
    const spec = va.spec ?? {};
    const errs: FieldError[] = [];
    if (!spec.attacher) errs.push(required('spec.attacher'));
    const src = spec.source ?? {};
    if (src.inlineVolumeSpec == null && src.persistentVolumeName == null) errs.push(required('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
    else if (src.inlineVolumeSpec != null && src.persistentVolumeName != null) errs.push(forbidden('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
    else if (src.persistentVolumeName === '') errs.push(required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
    errs.push(...dns1123Subdomain(spec.nodeName ?? '', 'spec.nodeName'));
    const st = va.status ?? {};
    const size = Object.entries(st.attachmentMetadata ?? {}).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
    if (size > MAX_METADATA) errs.push(tooLong('status.attachmentMetadata', MAX_METADATA));
    errs.push(...validateVolumeError(st.attachError, 'status.attachError'), ...validateVolumeError(st.detachError, 'status.detachError'));
    if (spec.attacher) errs.push(...csiDriverName(spec.attacher, 'spec.attacher'));
    if (src.persistentVolumeName) errs.push(...dns1123Subdomain(src.persistentVolumeName, 'spec.source.persistentVolumeName'));
    return errs;
  },
  validateUpdate: (va, old) => (deepEqual(va.spec ?? null, old.spec ?? null) ? [] : [invalid('spec', new GoLiteral('storage.VolumeAttachmentSpec{...}'), 'field is immutable')]),
} satisfies ResourceStrategy<VolumeAttachment>;

const va = (o: KObject) => o as VolumeAttachment;

/** The `volumeattachments` resource. */
export const volumeattachments: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'VolumeAttachment',
  plural: 'volumeattachments',
  singular: 'volumeattachment',
  namespaced: false,
  subresources: { status: true },
  printerColumns: [
    column('Attacher', (o) => va(o).spec?.attacher ?? '', { format: 'name', description: 'attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName().' }),
    column('PV', (o) => va(o).spec?.source?.persistentVolumeName ?? '', { description: 'persistentVolumeName represents the name of the persistent volume to attach.' }),
    column('Node', (o) => va(o).spec?.nodeName ?? '', { description: 'nodeName represents the node that the volume should be attached to.' }),
    column('Attached', (o) => va(o).status?.attached ?? false, { type: 'boolean', description: 'attached indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher.' }),
    ageColumn,
  ],
  strategy: volumeAttachmentStrategy as ResourceStrategy,
};
