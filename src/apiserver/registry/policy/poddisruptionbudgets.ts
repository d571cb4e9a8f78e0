/**
 * policy/v1 poddisruptionbudgets, as pkg/registry/policy/poddisruptionbudget: status starts empty
 * and is written only through /status, generation follows the spec, ValidatePodDisruptionBudgetSpec
 * (minAvailable and maxUnavailable exclusive, int-or-percent, selector, unhealthyPodEvictionPolicy)
 * and printPodDisruptionBudget's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { validateLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { GoLiteral, invalid, nonNegative, notSupported } from '../core/field-errors.js';
import type { IntOrString } from '../core/pod-types.js';
import { ageColumn, column } from '../core/printing.js';
import { notMoreThan100Percent, positiveIntOrPercent } from '../core/workload.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface PodDisruptionBudget extends KObject {
  spec?: { minAvailable?: IntOrString; maxUnavailable?: IntOrString; selector?: MetaLabelSelector; unhealthyPodEvictionPolicy?: string };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number; [k: string]: unknown };
}

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** The PodDisruptionBudget strategy. */
export const pdbStrategy = {
  validate(pdb) {
    const spec = pdb.spec ?? {};
    const errs: FieldError[] = [];
    if (spec.minAvailable != null && spec.maxUnavailable != null)
      errs.push(invalid('spec', new GoLiteral('policy.PodDisruptionBudgetSpec{...}'), 'minAvailable and maxUnavailable cannot be both set'));
    for (const f of ['minAvailable', 'maxUnavailable'] as const) {
      const v = spec[f];
      if (v != null) errs.push(...positiveIntOrPercent(v, `spec.${f}`), ...notMoreThan100Percent(v, `spec.${f}`));
    }
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    const policy = spec.unhealthyPodEvictionPolicy;
    if (policy != null && !EVICTION_POLICIES.includes(policy)) errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, EVICTION_POLICIES));
    const st = pdb.status ?? {};
    for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) errs.push(...nonNegative(`status.${f}`, st[f]));
    return errs;
  },
} satisfies ResourceStrategy<PodDisruptionBudget>;

const p = (o: KObject) => o as PodDisruptionBudget;
const intOrString = (v: IntOrString | undefined) => (v == null ? 'N/A' : String(v));

/** The `poddisruptionbudgets` resource. */
export const poddisruptionbudgets: ResourceDef = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  subresources: { status: true },
  generation: true,
  printerColumns: [
    column('Min Available', (o) => intOrString(p(o).spec?.minAvailable), { description: 'The minimum number of pods that must be available.' }),
    column('Max Unavailable', (o) => intOrString(p(o).spec?.maxUnavailable), { description: 'The maximum number of pods that may be unavailable.' }),
    column('Allowed Disruptions', (o) => p(o).status?.disruptionsAllowed ?? 0, { type: 'integer', description: 'Calculated number of pods that may be disrupted at this time.' }),
    ageColumn,
  ],
  strategy: pdbStrategy as ResourceStrategy,
};
