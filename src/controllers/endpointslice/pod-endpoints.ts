/**
 * What both endpoint controllers ask of pods and services (upstream's
 * staging/src/k8s.io/endpointslice/util and pkg/api/v1/pod): which pods belong in endpoints, how a
 * service port resolves against a pod's container ports, which services select a pod, and which
 * pod changes matter to them.
 */
import type { ServicePort } from 'kubernetes-types/core/v1.js';
import { isPodReady } from '../pods.js';
import type { PodObject, ServiceObject } from './objects.js';

/** True for an IPv6 literal (utilnet.IsIPv6String): the only family test the controllers need. */
export function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/**
 * ShouldPodBeInEndpoints: the pod has an IP; a terminating pod only when `includeTerminating`;
 * restartPolicy Never excludes Failed and Succeeded pods, OnFailure excludes Succeeded ones.
 */
export function shouldPodBeInEndpoints(pod: PodObject, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  switch (pod.spec?.restartPolicy) {
    case 'Never':
      return phase !== 'Failed' && phase !== 'Succeeded';
    case 'OnFailure':
      return phase !== 'Succeeded';
    default:
      return true;
  }
}

/** The pod's IPs (status.podIPs, or podIP when only that is set). */
export function podIPs(pod: PodObject): string[] {
  const ips = pod.status?.podIPs?.map((p) => p.ip).filter((ip): ip is string => !!ip) ?? [];
  if (!ips.length && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips;
}

/**
 * podutil.FindPort: a numeric targetPort is taken as is; a named one is looked up among the
 * containers' ports (then restartable init containers', i.e. sidecars) with the same protocol.
 * Undefined when the pod has no such port.
 */
export function findPort(pod: PodObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  const match = (ports: { name?: string; protocol?: string; containerPort: number }[] | undefined) =>
    ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === protocol)?.containerPort;
  for (const c of pod.spec?.containers ?? []) {
    const found = match(c.ports);
    if (found !== undefined) return found;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    const found = match(c.ports);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** endpointutil.ShouldSetHostname: the pod names this service as its subdomain. */
export function shouldSetHostname(pod: PodObject, svc: ServiceObject): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && svc.metadata?.namespace === pod.metadata?.namespace;
}

/** helper.IsServiceIPSet: a cluster IP that is not None. */
export function isServiceIPSet(svc: ServiceObject): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/**
 * The selector the controllers act on: undefined for services they leave alone (no selector, which
 * an empty map also is once serialised, as upstream's omitempty makes it).
 */
export function serviceSelector(svc: ServiceObject): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

/** A set-based selector (labels.SelectorFromSet) matched against labels. */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

/** GetPodServiceMemberships: keys of the services in the pod's namespace whose selector matches it. */
export function podServiceMemberships(services: readonly ServiceObject[], pod: PodObject): Set<string> {
  const out = new Set<string>();
  for (const svc of services) {
    const sel = serviceSelector(svc);
    if (sel && selectorMatches(sel, pod.metadata?.labels)) out.add(`${svc.metadata!.namespace}/${svc.metadata!.name}`);
  }
  return out;
}

/**
 * podEndpointsChanged: [podChanged, labelsChanged]. A pod changes for endpoints when its deletion
 * timestamp, readiness, phase or IPs change; labels, hostname and subdomain change memberships.
 */
export function podEndpointsChanged(oldPod: PodObject, pod: PodObject): [boolean, boolean] {
  const labelsChanged =
    JSON.stringify(sortedEntries(oldPod.metadata?.labels)) !== JSON.stringify(sortedEntries(pod.metadata?.labels)) ||
    oldPod.spec?.hostname !== pod.spec?.hostname ||
    oldPod.spec?.subdomain !== pod.spec?.subdomain;
  const changed =
    oldPod.metadata?.deletionTimestamp !== pod.metadata?.deletionTimestamp ||
    isPodReady(oldPod) !== isPodReady(pod) ||
    oldPod.status?.phase !== pod.status?.phase ||
    podIPs(oldPod).join(',') !== podIPs(pod).join(',');
  return [changed, labelsChanged];
}

/**
 * GetServicesToUpdateOnPodChange: the services to resync after a pod update — none when nothing
 * relevant changed; with new labels, the union of old and new memberships when the pod itself
 * changed, else only the services it joined or left.
 */
export function servicesToUpdateOnPodChange(services: readonly ServiceObject[], oldPod: PodObject, pod: PodObject): Set<string> {
  if (oldPod.metadata?.resourceVersion === pod.metadata?.resourceVersion) return new Set();
  const [changed, labelsChanged] = podEndpointsChanged(oldPod, pod);
  if (!changed && !labelsChanged) return new Set();
  const now = podServiceMemberships(services, pod);
  if (!labelsChanged) return now;
  const before = podServiceMemberships(services, oldPod);
  const out = new Set<string>();
  for (const k of now) if (changed || !before.has(k)) out.add(k);
  for (const k of before) if (changed || !now.has(k)) out.add(k);
  return out;
}

function sortedEntries(m: Record<string, string> | undefined): [string, string][] {
  return Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
