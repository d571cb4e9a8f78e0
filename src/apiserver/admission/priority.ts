/**
 * Priority (plugin/pkg/admission/priority): a pod created without priorityClassName gets the
 * global default class (the lowest-valued one if several) or priority 0; a named class must exist
 * (403 `no PriorityClass with name x was found`); the pod takes the class's value and
 * preemptionPolicy, and may not state different ones. Updates keep the stored priority. A
 * PriorityClass may not become a second global default. 1.32 has no namespace restriction on the
 * system-* classes (that moved to ResourceQuota's limitedResources in 1.17).
 *
 * The pods strategy pre-fills priority 0 and PreemptLowerPriority before admission runs (for
 * writes that skip admission), so those two values are read as "not given" here.
 */
import type { AdmissionAttributes } from '../auth/types.js';
import { BOOTSTRAP_PRIORITY_CLASSES } from '../registry/scheduling/priorityclasses.js';
import type { KObject } from '../registry/resource.js';
import { admissionForbidden, cachedObject, cachedObjects, isResource, type AdmissionPlugin, type ApiAccess, type PluginFactory } from './types.js';

interface PriorityClass extends KObject {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}
interface PodSpecLike {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}

const DEFAULT_POLICY = 'PreemptLowerPriority';

/** getDefaultPriorityClass: among global defaults, the one with the lowest value. */
export function defaultPriorityClass(classes: PriorityClass[]): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const c of classes) if (c.globalDefault && (!best || (best.value ?? 0) > (c.value ?? 0))) best = c;
  return best;
}

function findClass(api: ApiAccess, name: string): PriorityClass | undefined {
  return (cachedObject(api, 'scheduling.k8s.io', 'priorityclasses', undefined, name) as PriorityClass | undefined) ??
    (BOOTSTRAP_PRIORITY_CLASSES.find((c) => c.metadata?.name === name) as PriorityClass | undefined);
}

function admitPodCreate(a: AdmissionAttributes, api: ApiAccess): void {
  const spec = (a.object!.spec ??= {}) as PodSpecLike;
  let priority: number;
  let policy: string | undefined;
  if (!spec.priorityClassName) {
    const dpc = defaultPriorityClass(cachedObjects(api, 'scheduling.k8s.io', 'priorityclasses') as PriorityClass[]);
    if (dpc) {
      spec.priorityClassName = dpc.metadata?.name;
      priority = dpc.value ?? 0;
      policy = dpc.preemptionPolicy;
      // The strategy's pre-filled 0 is not the user's value.
      if (spec.priority === 0) delete spec.priority;
    } else {
      priority = 0;
      policy = DEFAULT_POLICY;
    }
  } else {
    const pc = findClass(api, spec.priorityClassName);
    if (!pc) throw admissionForbidden(a, `no PriorityClass with name ${spec.priorityClassName} was found`);
    priority = pc.value ?? 0;
    policy = pc.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== priority)
    throw admissionForbidden(a, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  spec.priority = priority;
  if (policy) {
    // The strategy's pre-filled PreemptLowerPriority is not the user's value either.
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy && spec.preemptionPolicy !== DEFAULT_POLICY)
      throw admissionForbidden(a, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    spec.preemptionPolicy = policy;
  }
}

/** The plugin. */
export const priorityPlugin: PluginFactory = (ctx): AdmissionPlugin => ({
  name: 'Priority',
  mutate(a) {
    if (a.subresource || !a.object || !isResource(a, '', 'pods')) return;
    if (a.operation === 'CREATE') return admitPodCreate(a, ctx.api());
    if (a.operation === 'UPDATE' && a.oldObject) {
      const spec = (a.object.spec ??= {}) as PodSpecLike;
      const old = (a.oldObject.spec ?? {}) as PodSpecLike;
      if (spec.priority === undefined && old.priority !== undefined) spec.priority = old.priority;
      if (spec.preemptionPolicy === undefined && old.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
    }
  },
  validate(a) {
    if (a.subresource || !a.object || !isResource(a, 'scheduling.k8s.io', 'priorityclasses')) return;
    if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
    const pc = a.object as PriorityClass;
    if (!pc.globalDefault) return;
    const dpc = defaultPriorityClass(cachedObjects(ctx.api(), 'scheduling.k8s.io', 'priorityclasses') as PriorityClass[]);
    if (dpc && (a.operation === 'CREATE' || dpc.metadata?.name !== pc.metadata?.name))
      throw admissionForbidden(a, `PriorityClass ${dpc.metadata?.name ?? ''} is already marked as default. Only one default can exist`);
  },
});
