/**
 * scheduling.k8s.io/v1 priorityclasses, as pkg/registry/scheduling/priorityclass and
 * pkg/apis/scheduling/validation: preemptionPolicy defaults to PreemptLowerPriority, the
 * `system-` prefix is reserved for the two built-in classes, user classes stay at or below one
 * billion, value and preemptionPolicy are immutable, and at most one class is the global default
 * (upstream's Priority admission plugin; here checked against the stored classes on create).
 * The two system classes are exported as bootstrap objects for the server to create at startup.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { forbidden, immutable, invalid, notSupported } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface PriorityClass extends KObject {
  value?: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: string;
}

/** scheduling.HighestUserDefinablePriority. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** scheduling.SystemCriticalPriority. */
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
const SYSTEM_PREFIX = 'system-';
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

/**
 * The built-in classes kube-apiserver creates at startup (system-cluster-critical 2000000000,
 * system-node-critical 2000001000), as stored objects without server-set metadata; create them
 * with the scheduling.k8s.io/v1 priorityclasses store, ignoring AlreadyExists.
 */
export const BOOTSTRAP_PRIORITY_CLASSES: KObject[] = [
  { name: 'system-cluster-critical', value: SYSTEM_CRITICAL_PRIORITY, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
  { name: 'system-node-critical', value: SYSTEM_CRITICAL_PRIORITY + 1000, description: 'Used for system critical pods that must not be moved from their current node.' },
].map(({ name, value, description }) => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name },
  value,
  globalDefault: false,
  description,
  preemptionPolicy: 'PreemptLowerPriority',
}));

/** IsKnownSystemPriorityClass: undefined when the name, value and globalDefault match a built-in class. */
function systemClassError(pc: PriorityClass): string | undefined {
  const known = BOOTSTRAP_PRIORITY_CLASSES.find((c) => c.metadata?.name === pc.metadata?.name) as PriorityClass | undefined;
  if (!known) return `${pc.metadata?.name} is not a known system priority class`;
  if (known.value !== (pc.value ?? 0)) return `value of ${pc.metadata?.name} PriorityClass must be ${known.value}`;
  if (known.globalDefault !== (pc.globalDefault ?? false)) return `globalDefault of ${pc.metadata?.name} PriorityClass must be ${known.globalDefault}`;
  return undefined;
}

/** The PriorityClass strategy. */
export const priorityClassStrategy = {
  defaults(pc) {
    pc.value ??= 0;
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate(pc) {
    const errs: FieldError[] = [];
    if ((pc.metadata?.name ?? '').startsWith(SYSTEM_PREFIX)) {
      const why = systemClassError(pc);
      if (why) errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${why}`));
    } else if ((pc.value ?? 0) > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
    }
    if (pc.preemptionPolicy != null && !PREEMPTION_POLICIES.includes(pc.preemptionPolicy)) errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, PREEMPTION_POLICIES));
    return errs;
  },
  validateUpdate(pc, old) {
    const errs: FieldError[] = [];
    if ((pc.value ?? 0) !== (old.value ?? 0)) errs.push(forbidden('value', 'may not be changed in an update.'));
    errs.push(...immutable('preemptionPolicy', pc.preemptionPolicy, old.preemptionPolicy));
    return errs;
  },
  allocate(pc, peers) {
    if (!pc.globalDefault) return [];
    for (const other of peers) {
      if (other.globalDefault && other.metadata?.name !== pc.metadata?.name)
        return [invalid('globalDefault', true, `PriorityClass ${other.metadata?.name} is already marked as default. Only one default can exist`)];
    }
    return [];
  },
} satisfies ResourceStrategy<PriorityClass>;

const pc = (o: KObject) => o as PriorityClass;

/** The `priorityclasses` resource. */
export const priorityclasses: ResourceDef = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  printerColumns: [
    column('Value', (o) => pc(o).value ?? 0, { type: 'integer', description: 'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.' }),
    column('Global-Default', (o) => pc(o).globalDefault ?? false, { type: 'boolean', description: 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.' }),
    ageColumn,
    column('PreemptionPolicy', (o) => pc(o).preemptionPolicy ?? '', { description: 'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.' }),
  ],
  strategy: priorityClassStrategy as ResourceStrategy,
};
