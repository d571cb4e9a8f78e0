/**
 * apps/v1 deployments, as pkg/apis/apps/v1 SetDefaults_Deployment (1 replica, RollingUpdate
 * 25%/25%, 10 revisions kept, 600 s progress deadline, pod-spec defaults in the template),
 * ValidateDeploymentSpec / ValidateDeploymentStrategy, an immutable selector in apps/v1, the scale
 * and status subresources, and printDeployment's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import type { MetaLabelSelector } from '../../../apimachinery/labels.js';
import { labelSelectorToString } from '../../../apimachinery/labels.js';
import { forbidden, goLabelSelector, GoLiteral, immutable, invalid, nonNegative, notSupported, required } from '../core/field-errors.js';
import type { IntOrString, PodTemplateSpec } from '../core/pod-types.js';
import { ageColumn, column, containerColumns } from '../core/printing.js';
import { defaultTemplate, goIntOrString, intOrPercentValue, notMoreThan100Percent, positiveIntOrPercent, toSelector, validateReplicaTemplate, validateRequiredSelector } from '../core/workload.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

/** apps/v1 Deployment as the strategy and printer read it. */
export interface Deployment extends KObject {
  spec?: {
    replicas?: number;
    selector?: MetaLabelSelector;
    template?: PodTemplateSpec;
    strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
    paused?: boolean;
    [k: string]: unknown;
  };
  status?: { replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; [k: string]: unknown };
}

/** The scale subresource of deployments, replicasets and statefulsets. */
export const replicasScale = { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] };

function validateStrategy(d: Deployment): FieldError[] {
  const s = d.spec?.strategy ?? {};
  const path = 'spec.strategy';
  if (s.type === 'Recreate') return s.rollingUpdate ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
  if (s.type !== 'RollingUpdate') {
    const go = `apps.DeploymentStrategy{Type:${JSON.stringify(s.type ?? '')}, RollingUpdate:${s.rollingUpdate ? '(*apps.RollingUpdateDeployment)(...)' : '(*apps.RollingUpdateDeployment)(nil)'}}`;
    return [notSupported(path, new GoLiteral(go), ['Recreate', 'RollingUpdate'])];
  }
  const ru = s.rollingUpdate;
  if (!ru) return [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
  const errs = [...positiveIntOrPercent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`), ...positiveIntOrPercent(ru.maxSurge, `${path}.rollingUpdate.maxSurge`)];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`));
  return errs;
}

/** The deployment strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const deploymentStrategy = {
  defaults(d) {
    const spec = (d.spec ??= {});
    spec.replicas ??= 1;
    const strategy = (spec.strategy ??= {});
    strategy.type ||= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const ru = (strategy.rollingUpdate ??= {});
      ru.maxUnavailable ??= '25%';
      ru.maxSurge ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.template = defaultTemplate(spec.template, { kind: 'Deployment', version: 'v1' });
  },
  /** Upstream's deploymentStatusStrategy resets only spec and labels: a status write may change annotations (the controller's revision). */
  prepareForStatusUpdate(d, _old, sent) {
    const annotations = sent.metadata?.annotations;
    if (annotations === undefined) delete d.metadata!.annotations;
    else d.metadata!.annotations = annotations;
  },
  validate(d) {
    const spec = d.spec ?? {};
    const errs: FieldError[] = [...nonNegative('spec.replicas', spec.replicas)];
    const sel = validateRequiredSelector(spec.selector, 'spec.selector', 'deployment', errs);
    if (!sel) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'invalid label selector'));
    else errs.push(...validateReplicaTemplate(spec.template, sel, 'spec.template'));
    errs.push(...validateStrategy(d));
    errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
    errs.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
    const pds = spec.progressDeadlineSeconds;
    if (pds != null) {
      errs.push(...nonNegative('spec.progressDeadlineSeconds', pds));
      if (pds <= (spec.minReadySeconds ?? 0)) errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
    }
    return errs;
  },
  validateUpdate(d, old) {
    return immutable('spec.selector', d.spec?.selector, old.spec?.selector, goLabelSelector(d.spec?.selector));
  },
} satisfies ResourceStrategy<Deployment>;

const dep = (o: KObject) => o as Deployment;

/** printDeployment's selector: the selector string, `<invalid>` when it does not convert. */
function selectorText(sel: MetaLabelSelector | undefined): string {
  const s = toSelector(sel);
  return s ? labelSelectorToString(s) : '<invalid>';
}

/** The `deployments` resource: table data plus its strategy. */
export const deployments: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: { status: true, scale: replicasScale },
  generation: true,
  printerColumns: [
    column('Ready', (o) => `${dep(o).status?.readyReplicas ?? 0}/${dep(o).spec?.replicas ?? 0}`, { description: 'Number of the pod with ready state' }),
    column('Up-to-date', (o) => dep(o).status?.updatedReplicas ?? 0, { description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.' }),
    column('Available', (o) => dep(o).status?.availableReplicas ?? 0, { description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.' }),
    ageColumn,
    ...containerColumns((o) => dep(o).spec?.template?.spec?.containers),
    column('Selector', (o) => selectorText(dep(o).spec?.selector), { priority: 1, description: 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.' }),
  ],
  strategy: deploymentStrategy as ResourceStrategy,
};
