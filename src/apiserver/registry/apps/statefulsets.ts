/**
 * apps/v1 statefulsets, as SetDefaults_StatefulSet (OrderedReady, RollingUpdate with partition 0,
 * PVC retention Retain/Retain, 1 replica, 10 revisions, pod-spec defaults in the template and PVC
 * defaults in volumeClaimTemplates), ValidateStatefulSetSpec (which, like upstream, checks only
 * the template's labels and annotations, not its pod spec) and ValidateStatefulSetUpdate (only
 * replicas, ordinals, template, updateStrategy, revisionHistoryLimit, PVC retention and
 * minReadySeconds may change), scale and status subresources, printStatefulSet's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import type { MetaLabelSelector } from '../../../apimachinery/labels.js';
import { validateAnnotations, validateLabels } from '../../../apimachinery/validation.js';
import { forbidden, goLabelSelector, GoLiteral, invalid, nonNegative, notSupported, required } from '../core/field-errors.js';
import type { PodTemplateSpec } from '../core/pod-types.js';
import { ageColumn, column, containerColumns } from '../core/printing.js';
import { alwaysRestart, defaultTemplate, selectorMismatch, templateMismatch, validateRequiredSelector } from '../core/workload.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { replicasScale } from './deployments.js';

interface StatefulSetSpec {
  replicas?: number;
  selector?: MetaLabelSelector;
  template?: PodTemplateSpec;
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: unknown } };
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  volumeClaimTemplates?: { spec?: { volumeMode?: string; [k: string]: unknown }; status?: { phase?: string; [k: string]: unknown }; [k: string]: unknown }[];
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  ordinals?: { start?: number };
  [k: string]: unknown;
}

interface StatefulSet extends KObject {
  spec?: StatefulSetSpec;
  status?: { replicas?: number; readyReplicas?: number; [k: string]: unknown };
}

const RETENTION = ['Delete', 'Retain'];
/** What an update may change; everything else in the spec is fixed at creation. */
const MUTABLE: (keyof StatefulSetSpec)[] = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy'];
/** ValidateStatefulSetUpdate's Forbidden detail. */
export const STATEFULSET_UPDATE_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function validateUpdateStrategy(spec: StatefulSetSpec): FieldError[] {
  const us = spec.updateStrategy ?? {};
  const path = 'spec.updateStrategy';
  switch (us.type ?? '') {
    case '':
      return [required(path)];
    case 'OnDelete':
      return us.rollingUpdate ? [invalid(`${path}.rollingUpdate`, new GoLiteral(`&apps.RollingUpdateStatefulSetStrategy{Partition:${us.rollingUpdate.partition ?? 0}, MaxUnavailable:<nil>}`), "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate':
      return nonNegative(`${path}.rollingUpdate.partition`, us.rollingUpdate?.partition);
    default:
      return [invalid(path, new GoLiteral(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(us.type)}, RollingUpdate:<nil>}`), "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

/** The statefulSet strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const statefulSetStrategy = {
  defaults(sts) {
    const spec = (sts.spec ??= {});
    spec.podManagementPolicy ||= 'OrderedReady';
    const us = (spec.updateStrategy ??= {});
    if (!us.type) {
      us.type = 'RollingUpdate';
      us.rollingUpdate ??= {};
    }
    if (us.type === 'RollingUpdate' && us.rollingUpdate) us.rollingUpdate.partition ??= 0;
    const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
    retention.whenDeleted ||= 'Retain';
    retention.whenScaled ||= 'Retain';
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.template = defaultTemplate(spec.template, { kind: 'StatefulSet', version: 'v1' });
    for (const pvc of spec.volumeClaimTemplates ?? []) {
      (pvc.spec ??= {}).volumeMode ??= 'Filesystem';
      (pvc.status ??= {}).phase ||= 'Pending';
    }
  },
  validate(sts) {
    const spec = sts.spec ?? {};
    const errs: FieldError[] = [];
    const pmp = spec.podManagementPolicy ?? '';
    if (!pmp) errs.push(required('spec.podManagementPolicy'));
    else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
    errs.push(...validateUpdateStrategy(spec));
    const retention = spec.persistentVolumeClaimRetentionPolicy;
    for (const k of ['whenDeleted', 'whenScaled'] as const) {
      const v = retention?.[k];
      if (retention && !RETENTION.includes(v ?? '')) errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v ?? '', RETENTION));
    }
    errs.push(...nonNegative('spec.replicas', spec.replicas), ...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
    if (spec.ordinals) errs.push(...nonNegative('spec.ordinals.start', spec.ordinals.start));
    const sel = validateRequiredSelector(spec.selector, 'spec.selector', 'statefulset', errs);
    if (!sel) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), ''));
    else {
      if (templateMismatch(sel, spec.template)) errs.push(selectorMismatch('spec.template', spec.template?.metadata?.labels));
      errs.push(...validateLabels(spec.template?.metadata?.labels, 'spec.template.labels'));
      errs.push(...validateAnnotations(spec.template?.metadata?.annotations, 'spec.template.annotations'));
    }
    errs.push(...alwaysRestart(spec.template, 'spec.template', 'StatefulSet'));
    return errs;
  },
  validateUpdate(sts, old) {
    const next = { ...(sts.spec ?? {}) };
    const prev = old.spec ?? {};
    for (const k of MUTABLE) next[k] = prev[k];
    return deepEqual(next, prev) ? [] : [forbidden('spec', STATEFULSET_UPDATE_FORBIDDEN)];
  },
} satisfies ResourceStrategy<StatefulSet>;

const s = (o: KObject) => o as StatefulSet;

/** The `statefulsets` resource: table data plus its strategy. */
export const statefulsets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  subresources: { status: true, scale: replicasScale },
  generation: true,
  printerColumns: [
    column('Ready', (o) => `${s(o).status?.readyReplicas ?? 0}/${s(o).spec?.replicas ?? 0}`, { description: 'Number of the pod with ready state' }),
    ageColumn,
    ...containerColumns((o) => s(o).spec?.template?.spec?.containers),
  ],
  strategy: statefulSetStrategy as ResourceStrategy,
};
