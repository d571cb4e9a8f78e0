/**
 * storage.k8s.io/v1 csidrivers and csinodes, as pkg/apis/storage/v1/defaults.go and
 * pkg/apis/storage/validation: a CSIDriver's booleans default (attachRequired true, the rest
 * false), fsGroupPolicy ReadWriteOnceWithFSType, lifecycle modes Persistent; attachRequired and
 * volumeLifecycleModes are immutable (upstream reports the former at `spec.attachedRequired`).
 * A CSINode lists its drivers with unique names and node IDs of at most 192 characters; a
 * registered driver entry never changes. Printers as printCSIDriver and printCSINode.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { duplicate, immutable, invalid, nonNegative, notSupported, qualifiedName, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { csiDriverName } from './volume-rules.js';

interface CSIDriver extends KObject {
  spec?: {
    attachRequired?: boolean;
    podInfoOnMount?: boolean;
    storageCapacity?: boolean;
    requiresRepublish?: boolean;
    seLinuxMount?: boolean;
    fsGroupPolicy?: string;
    volumeLifecycleModes?: string[];
    tokenRequests?: { audience?: string; expirationSeconds?: number }[];
  };
}

interface CSINodeDriver {
  name?: string;
  nodeID?: string;
  topologyKeys?: string[];
  allocatable?: { count?: number };
}

interface CSINode extends KObject {
  spec?: { drivers?: CSINodeDriver[] };
}

const FS_GROUP_POLICIES = ['File', 'None', 'ReadWriteOnceWithFSType'];
const LIFECYCLE_MODES = ['Persistent', 'Ephemeral'];

/** The CSIDriver strategy. */
export const csiDriverStrategy = {
  defaults(d) {
    const s = (d.spec ??= {});
    s.attachRequired ??= true;
    s.podInfoOnMount ??= false;
    s.storageCapacity ??= false;
    s.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
    if (!s.volumeLifecycleModes?.length) s.volumeLifecycleModes = ['Persistent'];
    s.requiresRepublish ??= false;
    s.seLinuxMount ??= false;
  },
  validate(d) {
    const s = d.spec ?? {};
    const errs: FieldError[] = [];
    if (s.fsGroupPolicy != null && !FS_GROUP_POLICIES.includes(s.fsGroupPolicy)) errs.push(notSupported('spec.fsGroupPolicy', s.fsGroupPolicy, FS_GROUP_POLICIES));
    const audiences = new Set<string>();
    (s.tokenRequests ?? []).forEach((t, i) => {
      const at = `spec.tokenRequests[${i}]`;
      const aud = t?.audience ?? '';
      if (audiences.has(aud)) return void errs.push(duplicate(`${at}.audience`, aud));
      audiences.add(aud);
      const exp = t?.expirationSeconds;
      if (exp != null && exp < 600) errs.push(invalid(`${at}.expirationSeconds`, exp, 'may not specify a duration less than 10 minutes'));
      if (exp != null && exp > 2 ** 32) errs.push(invalid(`${at}.expirationSeconds`, exp, 'may not specify a duration larger than 2^32 seconds'));
    });
    for (const m of s.volumeLifecycleModes ?? []) if (!LIFECYCLE_MODES.includes(m)) errs.push(notSupported('spec.volumeLifecycleModes', m, LIFECYCLE_MODES));
    return errs;
  },
  validateUpdate(d, old) {
    return [
      ...immutable('spec.attachedRequired', d.spec?.attachRequired, old.spec?.attachRequired),
      ...immutable('spec.volumeLifecycleModes', d.spec?.volumeLifecycleModes, old.spec?.volumeLifecycleModes),
    ];
  },
} satisfies ResourceStrategy<CSIDriver>;

/** The CSINode strategy. */
export const csiNodeStrategy = {
  validate(n) {
    const errs: FieldError[] = [];
    const names = new Set<string>();
    (n.spec?.drivers ?? []).forEach((d, i) => {
      const at = `spec.drivers[${i}]`;
      errs.push(...csiDriverName(d?.name ?? '', `${at}.name`));
      const id = d?.nodeID ?? '';
      if (!id) errs.push(required(`${at}.nodeID`));
      if (id.length > 192) errs.push(invalid(`${at}.nodeID`, id, 'must be 192 characters or less'));
      errs.push(...nonNegative(`${at}.allocatable.count`, d?.allocatable?.count));
      if (names.has(d?.name ?? '')) errs.push(duplicate(`${at}.name`, d?.name ?? ''));
      names.add(d?.name ?? '');
      const keys = new Set<string>();
      for (const k of d?.topologyKeys ?? []) {
        if (!k) errs.push(required(at));
        if (keys.has(k)) errs.push(duplicate(at, k));
        keys.add(k);
        errs.push(...qualifiedName(k, at));
      }
    });
    return errs;
  },
  validateUpdate(n, old) {
    const errs: FieldError[] = [];
    for (const o of old.spec?.drivers ?? []) {
      const cur = (n.spec?.drivers ?? []).find((d) => d?.name === o?.name);
      if (cur && !deepEqual(cur, o)) errs.push(invalid('spec.drivers', cur, 'field is immutable'));
    }
    return errs;
  },
} satisfies ResourceStrategy<CSINode>;

const d = (o: KObject) => (o as CSIDriver).spec ?? {};

/** The `csidrivers` resource. */
export const csidrivers: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSIDriver',
  plural: 'csidrivers',
  singular: 'csidriver',
  namespaced: false,
  printerColumns: [
    column('AttachRequired', (o) => d(o).attachRequired ?? true, { type: 'boolean', description: 'attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting. The CSI external-attacher coordinates with CSI volume driver and updates the volumeattachment status when the attach operation is complete. If the value is specified to false, the attach operation will be skipped. Otherwise the attach operation will be called.\n\nThis field is immutable.' }),
    column('PodInfoOnMount', (o) => d(o).podInfoOnMount ?? false, { type: 'boolean', description: 'podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true. If set to false, pod information will not be passed on mount. Default is false.' }),
    column('StorageCapacity', (o) => d(o).storageCapacity ?? false, { type: 'boolean', description: 'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true.' }),
    column('TokenRequests', (o) => (d(o).tokenRequests?.length ? d(o).tokenRequests!.map((t) => t?.audience ?? '').join(',') : '<unset>'), { description: 'tokenRequests indicates the CSI driver needs pods\' service account tokens it is mounting volume for to do necessary authentication.' }),
    column('RequiresRepublish', (o) => d(o).requiresRepublish ?? false, { type: 'boolean', description: 'requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume.' }),
    column('Modes', (o) => (d(o).volumeLifecycleModes ?? []).join(',') || '<none>', { description: 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.' }),
    ageColumn,
  ],
  strategy: csiDriverStrategy as ResourceStrategy,
};

/** The `csinodes` resource (one per node, named after it). */
export const csinodes: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSINode',
  plural: 'csinodes',
  singular: 'csinode',
  namespaced: false,
  printerColumns: [column('Drivers', (o) => (o as CSINode).spec?.drivers?.length ?? 0, { type: 'integer', description: 'Drivers indicates the number of CSI drivers registered on the node' }), ageColumn],
  strategy: csiNodeStrategy as ResourceStrategy,
};
