/**
 * The rest of core/v1 a user or controller touches: persistentvolumes, persistentvolumeclaims,
 * resourcequotas, limitranges, podtemplates and replicationcontrollers, with 1.32's defaults
 * (SetDefaults_PersistentVolume, _PersistentVolumeClaimSpec, _LimitRangeItem,
 * _ReplicationController, canonical ResourceLists), the common-mistake rules of
 * pkg/apis/core/validation, the PV/PVC update rules, and printers.go's columns. Storage and
 * quantity rules shared with storage.k8s.io live in ../storage/.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { validateLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { compareQuantities, parseQuantity } from '../../../apimachinery/quantity.js';
import { rfc3339 } from '../../../lib/clock.js';
import { createdAtColumn } from '../rbac/rules.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { validateLimitRange, validateQuotaSpec } from '../storage/quota-rules.js';
import { nonNegativeQuantity, positiveQuantity, quantityText, tryQuantity } from '../storage/quantities.js';
import { accessModesString, PV_RECLAIM_POLICIES, PV_SOURCES, storageClassOf, validateAccessModes, validateVolumeSource, VOLUME_MODES } from '../storage/volume-rules.js';
import { dns1123Subdomain, forbidden, GoLiteral, goStringMap, immutable, invalid, nonNegative, notSupported, required } from './field-errors.js';
import { canonicalResources } from './pod-defaults.js';
import type { PodTemplateSpec, ResourceList } from './pod-types.js';
import { validatePodTemplateSpec } from './pod-validation.js';
import { ageColumn, column, containerCells, containerColumns, formatLabels } from './printing.js';
import { defaultTemplate } from './workload.js';

type Spec = Record<string, unknown>;

interface PersistentVolume extends KObject {
  spec?: Spec & { capacity?: ResourceList; accessModes?: string[]; persistentVolumeReclaimPolicy?: string; storageClassName?: string; volumeMode?: string; claimRef?: { namespace?: string; name?: string }; nodeAffinity?: unknown; volumeAttributesClassName?: string; hostPath?: { path?: string } };
  status?: { phase?: string; reason?: string; lastPhaseTransitionTime?: string };
}

interface PersistentVolumeClaim extends KObject {
  spec?: { accessModes?: string[]; selector?: MetaLabelSelector; resources?: { requests?: ResourceList; limits?: ResourceList }; volumeName?: string; storageClassName?: string; volumeMode?: string; volumeAttributesClassName?: string };
  status?: { phase?: string; accessModes?: string[]; capacity?: ResourceList };
}

interface ResourceQuota extends KObject {
  spec?: { hard?: ResourceList; scopes?: string[]; scopeSelector?: unknown };
  status?: { hard?: ResourceList; used?: ResourceList };
}

interface LimitRangeItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

interface LimitRange extends KObject {
  spec?: { limits?: LimitRangeItem[] };
}

interface PodTemplate extends KObject {
  template?: PodTemplateSpec;
}

interface ReplicationController extends KObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: Record<string, string>; template?: PodTemplateSpec };
  status?: { replicas?: number; readyReplicas?: number };
}

/** Canonicalizes the ResourceList at `holder[key]` in place when there is one (SetDefaults_ResourceList). */
function canonical<K extends string>(holder: Partial<Record<K, ResourceList>> | undefined, key: K, kind: string): void {
  const list = holder?.[key];
  if (holder && list) holder[key] = canonicalResources(list, { kind, version: 'v1' });
}

/** The PersistentVolume strategy. */
export const persistentVolumeStrategy = {
  prepareForCreate(pv, ctx) {
    pv.status = { lastPhaseTransitionTime: rfc3339(ctx.now) };
  },
  defaults(pv) {
    const spec = (pv.spec ??= {});
    spec.persistentVolumeReclaimPolicy ||= 'Retain';
    spec.volumeMode ??= 'Filesystem';
    canonical(spec, 'capacity', 'PersistentVolume');
    if (pv.status) pv.status.phase ||= 'Pending';
  },
  validate(pv) {
    const spec = pv.spec ?? {};
    const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
    const cap = spec.capacity ?? {};
    if (!Object.keys(cap).length) errs.push(required('spec.capacity'));
    if (!('storage' in cap) || Object.keys(cap).length > 1) errs.push(notSupported('spec.capacity', new GoLiteral(`core.ResourceList{${Object.keys(cap).map((k) => JSON.stringify(k)).join(', ')}}`), ['storage']));
    for (const [k, q] of Object.entries(cap)) errs.push(...positiveQuantity(q, `spec.capacity[${k}]`));
    if (spec.storageClassName) errs.push(...dns1123Subdomain(spec.storageClassName, 'spec.storageClassName'));
    if (spec.volumeMode != null && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
    const policy = spec.persistentVolumeReclaimPolicy ?? '';
    if (!PV_RECLAIM_POLICIES.includes(policy)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, PV_RECLAIM_POLICIES));
    errs.push(...validateVolumeSource(spec, 'spec'));
    if (policy === 'Recycle' && spec.hostPath?.path?.replace(/\/+$/, '') === '') errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
    return errs;
  },
  validateUpdate(pv, old) {
    const errs: FieldError[] = [];
    const sources = (s: Spec | undefined) => PV_SOURCES.map((k) => s?.[k] ?? null);
    if (!deepEqual(sources(pv.spec), sources(old.spec))) errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
    errs.push(...immutable('volumeMode', pv.spec?.volumeMode, old.spec?.volumeMode));
    if (old.spec?.nodeAffinity != null && !deepEqual(pv.spec?.nodeAffinity ?? null, old.spec.nodeAffinity)) errs.push(invalid('nodeAffinity', pv.spec?.nodeAffinity ?? null, 'field is immutable'));
    return errs;
  },
} satisfies ResourceStrategy<PersistentVolume>;

/** The PersistentVolumeClaim strategy. */
export const persistentVolumeClaimStrategy = {
  defaults(pvc) {
    const spec = (pvc.spec ??= {});
    spec.volumeMode ??= 'Filesystem';
    canonical(spec.resources, 'requests', 'PersistentVolumeClaim');
    canonical(spec.resources, 'limits', 'PersistentVolumeClaim');
    (pvc.status ??= {}).phase ||= 'Pending';
    canonical(pvc.status, 'capacity', 'PersistentVolumeClaim');
  },
  validate(pvc) {
    const spec = pvc.spec ?? {};
    const errs = validateAccessModes(spec.accessModes, 'spec.accessModes', 'at least 1 access mode is required');
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    const storage = spec.resources?.requests?.storage;
    if (storage == null) errs.push(required('spec.resources[storage]'));
    else errs.push(...positiveQuantity(storage, 'spec.resources[storage]'));
    if (spec.storageClassName) errs.push(...dns1123Subdomain(spec.storageClassName, 'spec.storageClassName'));
    if (spec.volumeMode != null && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
    return errs;
  },
  validateUpdate(pvc, old) {
    const errs: FieldError[] = [];
    const comparable = (s: PersistentVolumeClaim['spec'], volumeName: string | undefined) => {
      const c = structuredClone(s ?? {});
      if (!old.spec?.volumeName) c.volumeName = volumeName;
      if (pvc.status?.phase === 'Bound' && c.resources?.requests) c.resources.requests.storage = old.spec?.resources?.requests?.storage ?? '';
      delete c.volumeAttributesClassName;
      return c;
    };
    const cur = comparable(pvc.spec, pvc.spec?.volumeName);
    if (!deepEqual(cur, comparable(old.spec, pvc.spec?.volumeName)))
      errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
    const [n, o] = [pvc.spec?.resources?.requests?.storage, old.spec?.resources?.requests?.storage].map(tryQuantity);
    const st = tryQuantity(old.status?.capacity?.storage) ?? parseQuantity(0);
    // RecoverVolumeExpansionFailure (beta in 1.32): shrinking is allowed down to, not below, status.capacity.
    if (n && o && compareQuantities(n, o) < 0 && compareQuantities(n, st) <= 0) errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    errs.push(...immutable('volumeMode', pvc.spec?.volumeMode, old.spec?.volumeMode));
    return errs;
  },
} satisfies ResourceStrategy<PersistentVolumeClaim>;

/** The ResourceQuota strategy. */
export const resourceQuotaStrategy = {
  defaults(rq) {
    canonical(rq.spec, 'hard', 'ResourceQuota');
    canonical(rq.status, 'hard', 'ResourceQuota');
    canonical(rq.status, 'used', 'ResourceQuota');
  },
  validate(rq) {
    const errs = validateQuotaSpec(rq.spec ?? {});
    for (const f of ['hard', 'used'] as const) for (const [k, q] of Object.entries(rq.status?.[f] ?? {})) errs.push(...nonNegativeQuantity(q, `status.${f}[${k}]`));
    return errs;
  },
} satisfies ResourceStrategy<ResourceQuota>;

/** The LimitRange strategy (SetDefaults_LimitRangeItem fills container defaults from max, default and min). */
export const limitRangeStrategy = {
  defaults(lr) {
    for (const item of lr.spec?.limits ?? []) {
      if (!item) continue;
      for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const) canonical(item, f, 'LimitRange');
      if (item.type !== 'Container') continue;
      const def = { ...item.max, ...item.default };
      const req = { ...item.min, ...def, ...item.defaultRequest };
      if (Object.keys(def).length) item.default = def;
      if (Object.keys(req).length) item.defaultRequest = req;
    }
  },
  validate: (lr) => validateLimitRange(lr.spec?.limits ?? []),
} satisfies ResourceStrategy<LimitRange>;

/** The PodTemplate strategy. */
export const podTemplateStrategy = {
  defaults(pt) {
    pt.template = defaultTemplate(pt.template, { kind: 'PodTemplate', version: 'v1' });
  },
  validate: (pt) => validatePodTemplateSpec(pt.template, 'template'),
} satisfies ResourceStrategy<PodTemplate>;

/** The ReplicationController strategy (ValidateReplicationControllerSpec, ValidatePodTemplateSpecForRC). */
export const replicationControllerStrategy = {
  defaults(rc) {
    const spec = (rc.spec ??= {});
    const labels = spec.template?.metadata?.labels;
    if (labels) {
      if (!Object.keys(spec.selector ?? {}).length) spec.selector = { ...labels };
      const meta = (rc.metadata ??= {});
      if (!Object.keys(meta.labels ?? {}).length) meta.labels = { ...labels };
    }
    spec.replicas ??= 1;
    if (spec.template) spec.template = defaultTemplate(spec.template, { kind: 'ReplicationController', version: 'v1' });
  },
  validate(rc) {
    const spec = rc.spec ?? {};
    const errs = [...nonNegative('spec.minReadySeconds', spec.minReadySeconds)];
    const sel = spec.selector ?? {};
    if (!Object.keys(sel).length) errs.push(required('spec.selector'));
    errs.push(...nonNegative('spec.replicas', spec.replicas));
    const tpl = spec.template;
    if (!tpl) return [...errs, required('spec.template')];
    const labels = tpl.metadata?.labels ?? {};
    if (Object.keys(sel).length && Object.entries(sel).some(([k, v]) => labels[k] !== v))
      errs.push(invalid('spec.template.metadata.labels', new GoLiteral(goStringMap(tpl.metadata?.labels)), '`selector` does not match template `labels`'));
    errs.push(...validatePodTemplateSpec(tpl, 'spec.template'));
    const policy = tpl.spec?.restartPolicy ?? '';
    if (policy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', policy, ['Always']));
    if (tpl.spec?.activeDeadlineSeconds != null) errs.push(invalid('spec.template.spec.activeDeadlineSeconds', tpl.spec.activeDeadlineSeconds, 'activeDeadlineSeconds in ReplicationController is not Supported'));
    return errs;
  },
} satisfies ResourceStrategy<ReplicationController>;

const pv = (o: KObject) => o as PersistentVolume;
const pvc = (o: KObject) => o as PersistentVolumeClaim;
const rq = (o: KObject) => o as ResourceQuota;
const rc = (o: KObject) => o as ReplicationController;
const phase = (o: KObject, p: string | undefined) => (o.metadata?.deletionTimestamp ? 'Terminating' : (p ?? ''));

/** printResourceQuota's Request and Limit cells: `name: used/hard` sorted by name, limits.* in Limit. */
function quotaCells(o: ResourceQuota): [request: string, limit: string] {
  const hard = o.status?.hard ?? {};
  const req: string[] = [];
  const lim: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${quantityText(o.status?.used?.[name])}/${quantityText(hard[name])}`;
    (name.split('.')[0] === 'limits' && name.includes('.') ? lim : req).push(text);
  }
  return [req.join(', '), lim.join(', ')];
}

const core = { group: '', version: 'v1' };

/** The `persistentvolumes` resource. */
export const persistentvolumes: ResourceDef = {
  ...core,
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  subresources: { status: true },
  printerColumns: [
    column('Capacity', (o) => quantityText(pv(o).spec?.capacity?.storage), { description: 'capacity is the description of the persistent volume\'s resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity' }),
    column('Access Modes', (o) => accessModesString(pv(o).spec?.accessModes), { description: 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes' }),
    column('Reclaim Policy', (o) => pv(o).spec?.persistentVolumeReclaimPolicy ?? '', { description: 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming' }),
    column('Status', (o) => phase(o, pv(o).status?.phase), { description: 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase' }),
    column('Claim', (o) => (pv(o).spec?.claimRef ? `${pv(o).spec!.claimRef!.namespace ?? ''}/${pv(o).spec!.claimRef!.name ?? ''}` : ''), { description: 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding' }),
    column('StorageClass', (o) => storageClassOf(o, pv(o).spec?.storageClassName), { description: 'StorageClass of the pv' }),
    column('VolumeAttributesClass', (o) => pv(o).spec?.volumeAttributesClassName ?? '<unset>', { description: 'VolumeAttributesClass of the pv' }),
    column('Reason', (o) => pv(o).status?.reason ?? '', { description: 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.' }),
    ageColumn,
    column('VolumeMode', (o) => pv(o).spec?.volumeMode ?? '<unset>', { priority: 1, description: 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.' }),
  ],
  strategy: persistentVolumeStrategy as ResourceStrategy,
};

/** The `persistentvolumeclaims` resource. */
export const persistentvolumeclaims: ResourceDef = {
  ...core,
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  subresources: { status: true },
  printerColumns: [
    column('Status', (o) => phase(o, pvc(o).status?.phase), { description: 'phase represents the current phase of PersistentVolumeClaim.' }),
    column('Volume', (o) => pvc(o).spec?.volumeName ?? '', { description: 'volumeName is the binding reference to the PersistentVolume backing this claim.' }),
    column('Capacity', (o) => (pvc(o).spec?.volumeName ? quantityText(pvc(o).status?.capacity?.storage) : ''), { description: 'capacity represents the actual resources of the underlying volume.' }),
    column('Access Modes', (o) => (pvc(o).spec?.volumeName ? accessModesString(pvc(o).status?.accessModes) : ''), { description: 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1' }),
    column('StorageClass', (o) => storageClassOf(o, pvc(o).spec?.storageClassName), { description: 'StorageClass of the pvc' }),
    column('VolumeAttributesClass', (o) => pvc(o).spec?.volumeAttributesClassName ?? '<unset>', { description: 'VolumeAttributesClass of the pvc' }),
    ageColumn,
    column('VolumeMode', (o) => pvc(o).spec?.volumeMode ?? '<unset>', { priority: 1, description: 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.' }),
  ],
  strategy: persistentVolumeClaimStrategy as ResourceStrategy,
};

/** The `resourcequotas` resource. */
export const resourcequotas: ResourceDef = {
  ...core,
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  subresources: { status: true },
  printerColumns: [
    ageColumn,
    column('Request', (o) => quotaCells(rq(o))[0], { description: 'Request represents a minimum amount of cpu/memory that a container may consume.' }),
    column('Limit', (o) => quotaCells(rq(o))[1], { description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.' }),
  ],
  strategy: resourceQuotaStrategy as ResourceStrategy,
};

/** The `limitranges` resource. */
export const limitranges: ResourceDef = {
  ...core,
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  printerColumns: [createdAtColumn],
  strategy: limitRangeStrategy as ResourceStrategy,
};

/** The `podtemplates` resource. */
export const podtemplates: ResourceDef = {
  ...core,
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  printerColumns: [
    column('Containers', (o) => containerCells((o as PodTemplate).template?.spec?.containers)[0], { description: 'Names of each container in the template.' }),
    column('Images', (o) => containerCells((o as PodTemplate).template?.spec?.containers)[1], { description: 'Images referenced by each container in the template.' }),
    column('Pod Labels', (o) => formatLabels((o as PodTemplate).template?.metadata?.labels), { description: 'The labels for the pod template.' }),
  ],
  noAgeColumn: true,
  strategy: podTemplateStrategy as ResourceStrategy,
};

/** The `replicationcontrollers` resource (its Scale has no selector: the selector is a plain map). */
export const replicationcontrollers: ResourceDef = {
  ...core,
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  subresources: { status: true, scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'] } },
  generation: true,
  selectableFields: { 'status.replicas': (o) => String(rc(o).status?.replicas ?? 0) },
  printerColumns: [
    column('Desired', (o) => rc(o).spec?.replicas ?? 0, { type: 'integer', description: 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller' }),
    column('Current', (o) => rc(o).status?.replicas ?? 0, { type: 'integer', description: 'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller' }),
    column('Ready', (o) => rc(o).status?.readyReplicas ?? 0, { type: 'integer', description: 'The number of ready replicas for this replication controller.' }),
    ageColumn,
    ...containerColumns((o) => rc(o).spec?.template?.spec?.containers),
    column('Selector', (o) => formatLabels(rc(o).spec?.selector), { priority: 1, description: 'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors' }),
  ],
  strategy: replicationControllerStrategy as ResourceStrategy,
};

/** The core/v1 resources of this file, for the resource table. */
export const moreCoreResources: ResourceDef[] = [limitranges, persistentvolumeclaims, persistentvolumes, podtemplates, replicationcontrollers, resourcequotas];
