/**
 * core/v1 pods, as pkg/registry/core/pod: defaults of the whole spec, creation status
 * (`Pending` plus the computed QoS class), the priority the Priority admission plugin would set,
 * pod-spec validation and the narrow set of fields an update may change, graceful deletion as
 * CheckGracefulDelete, the pods/binding write, the pods/eviction action, and upstream's printer columns.
 */
import { conflict, type FieldError } from '../../../apimachinery/errors.js';
import { at, field } from '../define.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { forbidden } from './field-errors.js';
import { EVICTION_KIND, evictPod } from './pod-eviction.js';
import { defaultPodOnly, defaultPodSpec } from './pod-defaults.js';
import { podColumns } from './pod-printer.js';
import { podQOSClass } from './pod-qos.js';
import type { Pod, PodCondition, PodSpec } from './pod-types.js';
import { validatePodSpecUpdate } from './pod-update.js';
import { validatePodSpec } from './pod-validation.js';

/** The built-in PriorityClasses and their values (scheduling/v1 SystemPriorityClasses). */
const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

/** Pods whose pending write came through pods/binding, which may set spec.nodeName. */
const boundThisWrite = new WeakSet<object>();

function defaults(pod: Pod): void {
  pod.spec = defaultPodSpec(pod.spec ?? {});
  defaultPodOnly(pod.spec);
  syncPodIPs(pod);
}

/** v1 conversion keeps status.podIP and status.podIPs[0] in step (podIPs wins when both are set). */
function syncPodIPs(pod: Pod): void {
  const s = pod.status;
  if (!s) return;
  if (s.podIPs?.length) s.podIP = s.podIPs[0]!.ip;
  else if (s.podIP) s.podIPs = [{ ip: s.podIP }];
}

/** What the Priority admission plugin fills in on create (only the built-in classes are known). */
function admitPriority(spec: PodSpec): void {
  if (spec.priority === undefined) {
    const name = spec.priorityClassName;
    if (!name) spec.priority = 0;
    else if (name in SYSTEM_PRIORITIES) spec.priority = SYSTEM_PRIORITIES[name];
  }
  spec.preemptionPolicy ||= 'PreemptLowerPriority';
}

const schedulingGated: PodCondition = { type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: null };

/** The pod strategy; exported for tests and for the workload strategies that reuse its parts. */
export const podStrategy = {
  prepareForCreate(pod) {
    defaults(pod);
    admitPriority(pod.spec!);
    pod.status = { phase: 'Pending', qosClass: podQOSClass(pod.spec!) };
    if ((pod.spec!.schedulingGates ?? []).length > 0) pod.status.conditions = [{ ...schedulingGated }];
  },
  defaults,
  validate(pod) {
    const errs: FieldError[] = validatePodSpec(pod.spec ?? {}, 'spec');
    if (pod.spec?.nodeName && (pod.spec.schedulingGates ?? []).length > 0)
      errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
    return errs;
  },
  validateUpdate(pod, old) {
    return validatePodSpecUpdate(pod.spec ?? {}, old.spec ?? {}, boundThisWrite.has(pod));
  },
  prepareForStatusUpdate(pod, old) {
    // The QoS class is set once at creation; old kubelets dropped it, so it is carried over.
    if (pod.status && !pod.status.qosClass && old.status?.qosClass) pod.status.qosClass = old.status.qosClass;
    syncPodIPs(pod);
  },
  gracePeriod(pod, requested) {
    let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
    if (!pod.spec?.nodeName) period = 0;
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') period = 0;
    return period < 0 ? 1 : period;
  },
  /** pods/eviction (EvictionREST): see pod-eviction.ts. */
  subresourceActions: { eviction: evictPod },
  subresourceUpdates: {
    /**
     * pods/binding (BindingREST.setPodNodeAndMetadata): `sent` is the Binding; the pod gets its
     * node, the binding's annotations, and a true PodScheduled condition.
     */
    binding(target: Pod, sent: KObject) {
      const name = target.metadata?.name ?? '';
      const node = String(at(sent, 'target.name') ?? '');
      const fail = (why: string) => conflict({ group: '', resource: 'pods/binding' }, name, why);
      if (target.metadata?.deletionTimestamp) throw fail(`pod ${name} is being deleted, cannot be assigned to a host`);
      if (target.spec?.nodeName) throw fail(`pod ${name} is already assigned to node ${JSON.stringify(target.spec.nodeName)}`);
      if ((target.spec?.schedulingGates ?? []).length) throw fail(`pod ${name} has non-empty .spec.schedulingGates`);
      (target.spec ??= {}).nodeName = node;
      const annotations = sent.metadata?.annotations;
      if (annotations) target.metadata!.annotations = { ...(target.metadata!.annotations ?? {}), ...annotations };
      const status = (target.status ??= {});
      const conditions = (status.conditions ??= []);
      const scheduled = conditions.find((c) => c.type === 'PodScheduled');
      if (scheduled) Object.assign(scheduled, { status: 'True', reason: undefined, message: undefined });
      else conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: null });
      boundThisWrite.add(target);
    },
  },
} satisfies ResourceStrategy<Pod>;

/** The `pods` resource: table data plus its strategy. */
export const pods: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  subresources: { status: true },
  subresourceKinds: { eviction: { ...EVICTION_KIND } },
  selectableFields: {
    'spec.nodeName': field('spec.nodeName'),
    'spec.restartPolicy': field('spec.restartPolicy'),
    'spec.schedulerName': field('spec.schedulerName'),
    'spec.serviceAccountName': field('spec.serviceAccountName'),
    'spec.hostNetwork': (o) => String(at(o, 'spec.hostNetwork') ?? false),
    'status.phase': field('status.phase'),
    'status.podIP': (o) => String(at(o, 'status.podIPs.0.ip') ?? at(o, 'status.podIP') ?? ''),
    'status.nominatedNodeName': field('status.nominatedNodeName'),
  },
  printerColumns: podColumns,
  strategy: podStrategy as ResourceStrategy,
};
