/**
 * What an object counts against a ResourceQuota, as pkg/quota/v1/evaluator/core and the generic
 * object-count evaluator: pods (pods, count/pods, cpu/memory/ephemeral-storage requests and
 * limits, hugepages, extended `requests.*`; terminal pods and pods past their deletion grace count
 * nothing), services (services, services.loadbalancers, services.nodeports), persistent volume
 * claims (requests.storage, per-class `<class>.storageclass.storage.k8s.io/…`), the legacy counts
 * (configmaps, secrets, replicationcontrollers, resourcequotas) and `count/<resource>.<group>`
 * for every resource. Also the quota scopes (Terminating, NotTerminating, BestEffort,
 * NotBestEffort, PriorityClass, CrossNamespacePodAffinity) that decide which pods a quota sees.
 */
import { compareQuantities, newQuantity, type Quantity } from '../../../apimachinery/quantity.js';
import { podQOSClass } from '../../registry/core/pod-qos.js';
import type { PodSpec } from '../../registry/core/pod-types.js';
import type { KObject } from '../../registry/resource.js';
import { parseResourceList, podLimits, podRequests, type PodResourcesSpec, type QuantityMap } from '../pod-resources.js';

const one = (): Quantity => newQuantity(1);
const LEGACY_COUNTS: Record<string, string> = { configmaps: 'configmaps', secrets: 'secrets', replicationcontrollers: 'replicationcontrollers', resourcequotas: 'resourcequotas', services: 'services', persistentvolumeclaims: 'persistentvolumeclaims', pods: 'pods' };
const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';
/** Quota names pod containers must state explicitly when a quota limits them (the validation set). */
export const POD_VALIDATION_SET: readonly string[] = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

/** `count/pods`, `count/deployments.apps`. */
export function countName(group: string, plural: string): string {
  return group ? `count/${plural}.${group}` : `count/${plural}`;
}

/** The resource a quota name charges: pods for compute names, PVCs for storage, else what the name says. */
export function resourceForQuotaName(name: string): { group: string; plural: string } | undefined {
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    return dot < 0 ? { group: '', plural: rest } : { group: rest.slice(dot + 1), plural: rest.slice(0, dot) };
  }
  if (name in LEGACY_COUNTS) return { group: '', plural: LEGACY_COUNTS[name]! };
  if (name === 'services.loadbalancers' || name === 'services.nodeports') return { group: '', plural: 'services' };
  if (name === 'requests.storage' || name.includes(STORAGE_CLASS_SUFFIX)) return { group: '', plural: 'persistentvolumeclaims' };
  if (['cpu', 'memory', 'ephemeral-storage'].includes(name) || name.startsWith('requests.') || name.startsWith('limits.') || name.startsWith('hugepages-'))
    return { group: '', plural: 'pods' };
  return undefined;
}

const isExtended = (name: string) => name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');

/** podComputeUsageHelper: the usage of given requests and limits (the pod count included). */
export function computeUsage(requests: QuantityMap, limits: QuantityMap): QuantityMap {
  const out: QuantityMap = new Map([['pods', one()], ['count/pods', one()]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [r, req] of requests) {
    if (r.startsWith('hugepages-')) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    if (isExtended(r)) out.set(`requests.${r}`, req);
  }
  return out;
}

/** QuotaV1Pod: terminal pods, and pods past their deletion grace period, are not charged. */
export function podCounts(pod: KObject, now: number): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  const m = pod.metadata ?? {};
  if (m.deletionTimestamp && m.deletionGracePeriodSeconds !== undefined) {
    if (now > Date.parse(m.deletionTimestamp) + m.deletionGracePeriodSeconds * 1000) return false;
  }
  return true;
}

interface Service {
  spec?: { type?: string; ports?: { nodePort?: number }[]; allocateLoadBalancerNodePorts?: boolean };
}
interface Pvc {
  metadata?: { annotations?: Record<string, string> };
  spec?: { storageClassName?: string; resources?: { requests?: Record<string, string> } };
  status?: { allocatedResources?: Record<string, string> };
}

/** The usage of one object of `group/plural` (empty when it counts nothing). */
export function usageOf(group: string, plural: string, obj: KObject, now: number): QuantityMap {
  if (group === '' && plural === 'pods') {
    if (!podCounts(obj, now)) return new Map();
    const spec = (obj.spec ?? {}) as PodResourcesSpec;
    return computeUsage(podRequests(spec), podLimits(spec));
  }
  const out: QuantityMap = new Map([[countName(group, plural), one()]]);
  if (group !== '') return out;
  if (plural in LEGACY_COUNTS) out.set(LEGACY_COUNTS[plural]!, one());
  if (plural === 'services') {
    const spec = (obj as Service).spec ?? {};
    const ports = spec.ports ?? [];
    out.set('services.loadbalancers', newQuantity(spec.type === 'LoadBalancer' ? 1 : 0));
    let nodePorts = 0;
    if (spec.type === 'NodePort') nodePorts = ports.length;
    if (spec.type === 'LoadBalancer') nodePorts = spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
    out.set('services.nodeports', newQuantity(nodePorts));
  }
  if (plural === 'persistentvolumeclaims') {
    const pvc = obj as Pvc;
    const cls = pvc.spec?.storageClassName ?? pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
    const requested = parseResourceList(pvc.spec?.resources?.requests).get('storage');
    const allocated = parseResourceList(pvc.status?.allocatedResources).get('storage');
    const storage = requested && allocated ? (compareQuantities(requested, allocated) >= 0 ? requested : allocated) : (requested ?? allocated);
    if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, one());
    if (storage) {
      out.set('requests.storage', storage);
      if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
    }
  }
  return out;
}

interface ScopeRequirement {
  scopeName?: string;
  operator?: string;
  values?: string[];
}

/** A quota's scopes and scope selector as one list of requirements. */
export function quotaScopes(quota: KObject): ScopeRequirement[] {
  const spec = (quota.spec ?? {}) as { scopes?: string[]; scopeSelector?: { matchExpressions?: ScopeRequirement[] } };
  return [...(spec.scopes ?? []).map((s) => ({ scopeName: s, operator: 'Exists' })), ...(spec.scopeSelector?.matchExpressions ?? [])];
}

function crossNamespaceAffinity(spec: Record<string, unknown>): boolean {
  const aff = spec.affinity as Record<string, { requiredDuringSchedulingIgnoredDuringExecution?: unknown[]; preferredDuringSchedulingIgnoredDuringExecution?: { podAffinityTerm?: unknown }[] }> | undefined;
  const terms = ['podAffinity', 'podAntiAffinity'].flatMap((k) => [
    ...(aff?.[k]?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(aff?.[k]?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p) => p.podAffinityTerm),
  ]) as ({ namespaces?: string[]; namespaceSelector?: unknown } | undefined)[];
  return terms.some((t) => (t?.namespaces?.length ?? 0) > 0 || t?.namespaceSelector != null);
}

/** Whether a pod is in every scope of a quota (podMatchesScopeFunc). */
function podInScope(pod: KObject, r: ScopeRequirement): boolean {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  switch (r.scopeName) {
    case 'Terminating':
      return typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds >= 0;
    case 'NotTerminating':
      return !(typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds >= 0);
    case 'BestEffort':
      return podQOSClass(spec as PodSpec) === 'BestEffort';
    case 'NotBestEffort':
      return podQOSClass(spec as PodSpec) !== 'BestEffort';
    case 'CrossNamespacePodAffinity':
      return crossNamespaceAffinity(spec);
    case 'PriorityClass': {
      const pc = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
      switch (r.operator) {
        case 'In':
          return (r.values ?? []).includes(pc);
        case 'NotIn':
          return !(r.values ?? []).includes(pc);
        case 'Exists':
          return pc !== '';
        case 'DoesNotExist':
          return pc === '';
      }
      return false;
    }
  }
  return false;
}

/** Whether a quota sees this object: scoped quotas see only pods in every scope. */
export function quotaMatches(quota: KObject, group: string, plural: string, obj: KObject): boolean {
  const scopes = quotaScopes(quota);
  if (!scopes.length) return true;
  if (group !== '' || plural !== 'pods') return false;
  return scopes.every((s) => {
    const inScope = podInScope(obj, { ...s, operator: s.scopeName === 'PriorityClass' ? s.operator : 'Exists' });
    return s.operator === 'DoesNotExist' && s.scopeName !== 'PriorityClass' ? !inScope : inScope;
  });
}
