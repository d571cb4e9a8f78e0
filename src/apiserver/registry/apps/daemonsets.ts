/**
 * apps/v1 daemonsets, as SetDefaults_DaemonSet (RollingUpdate with maxUnavailable 1 and maxSurge
 * 0, 10 revisions, pod-spec defaults in the template), ValidateDaemonSetSpec and
 * ValidateDaemonSetUpdateStrategy, an immutable selector in apps/v1, the status subresource (no
 * scale), and printDaemonSet's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { matches, validateLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { goLabelSelector, GoLiteral, immutable, invalid, nonNegative, notSupported, required } from '../core/field-errors.js';
import type { IntOrString, PodTemplateSpec } from '../core/pod-types.js';
import { validatePodTemplateSpec } from '../core/pod-validation.js';
import { ageColumn, column, containerColumns, formatLabels, formatSelector } from '../core/printing.js';
import { alwaysRestart, defaultTemplate, goIntOrString, intOrPercentValue, notMoreThan100Percent, positiveIntOrPercent, selectorMismatch, toSelector } from '../core/workload.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface DaemonSet extends KObject {
  spec?: {
    selector?: MetaLabelSelector;
    template?: PodTemplateSpec;
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    [k: string]: unknown;
  };
  status?: { desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number; numberAvailable?: number; [k: string]: unknown };
}

function validateUpdateStrategy(ds: DaemonSet): FieldError[] {
  const us = ds.spec?.updateStrategy ?? {};
  const path = 'spec.updateStrategy';
  if (us.type === 'OnDelete') return [];
  if (us.type !== 'RollingUpdate') return [notSupported(path, new GoLiteral(`apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(us.type ?? '')}, RollingUpdate:<nil>}`), ['RollingUpdate', 'OnDelete'])];
  const ru = us.rollingUpdate;
  if (!ru) return [required(`${path}.rollingUpdate`)];
  const p = `${path}.rollingUpdate`;
  const errs = [...positiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...positiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`)];
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`), ...notMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`));
  const unavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const surge = intOrPercentValue(ru.maxSurge) !== 0;
  if (unavailable && surge) errs.push(invalid(`${p}.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
  if (!unavailable && !surge) errs.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

/** The daemonSet strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const daemonSetStrategy = {
  defaults(ds) {
    const spec = (ds.spec ??= {});
    const us = (spec.updateStrategy ??= {});
    us.type ||= 'RollingUpdate';
    if (us.type === 'RollingUpdate') {
      const ru = (us.rollingUpdate ??= {});
      ru.maxUnavailable ??= 1;
      ru.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    spec.template = defaultTemplate(spec.template, { kind: 'DaemonSet', version: 'v1' });
  },
  validate(ds) {
    const spec = ds.spec ?? {};
    const errs: FieldError[] = [...validateLabelSelector(spec.selector, 'spec.selector')];
    const sel = toSelector(spec.selector);
    if (sel && !matches(sel, spec.template?.metadata?.labels ?? {})) errs.push(selectorMismatch('spec.template', spec.template?.metadata?.labels));
    if (spec.selector && Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length === 0)
      errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
    errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
    errs.push(...alwaysRestart(spec.template, 'spec.template', 'DaemonSet'));
    errs.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
    errs.push(...validateUpdateStrategy(ds));
    errs.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
    return errs;
  },
  validateUpdate(ds, old) {
    return immutable('spec.selector', ds.spec?.selector, old.spec?.selector, goLabelSelector(ds.spec?.selector));
  },
} satisfies ResourceStrategy<DaemonSet>;

const d = (o: KObject) => o as DaemonSet;
const count = (name: string, get: (o: DaemonSet) => number | undefined, description: string) => column(name, (o) => get(d(o)) ?? 0, { type: 'integer', description });

/** The `daemonsets` resource: table data plus its strategy. */
export const daemonsets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  subresources: { status: true },
  generation: true,
  printerColumns: [
    count('Desired', (o) => o.status?.desiredNumberScheduled, 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
    count('Current', (o) => o.status?.currentNumberScheduled, 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    count('Ready', (o) => o.status?.numberReady, 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    count('Up-to-date', (o) => o.status?.updatedNumberScheduled, 'The total number of nodes that are running updated daemon pod'),
    count('Available', (o) => o.status?.numberAvailable, 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    column('Node Selector', (o) => formatLabels(d(o).spec?.template?.spec?.nodeSelector), { description: 'NodeSelector is a selector which must be true for the pod to fit on a node.' }),
    ageColumn,
    ...containerColumns((o) => d(o).spec?.template?.spec?.containers),
    column('Selector', (o) => formatSelector(d(o).spec?.selector), { priority: 1, description: 'A label query over pods that are managed by the daemon set.' }),
  ],
  strategy: daemonSetStrategy as ResourceStrategy,
};
