/**
 * The EndpointSlice reconciler's plan for one Service, as upstream's Reconciler
 * (staging/src/k8s.io/endpointslice/reconciler.go), computed without I/O so it is testable alone:
 * desired endpoints are grouped by their resolved port list; per group, existing slices keep the
 * endpoints still wanted (updated in place when a condition, node or zone changed), emptied slices
 * are deleted, remaining endpoints first fill the slices already being updated (fullest first),
 * then the fullest unchanged slice that can take them all, then new slices of at most
 * `maxEndpointsPerSlice`. A service with nothing to publish keeps one empty placeholder slice.
 * Creates that coincide with deletes become updates of the doomed slices (minimal churn).
 */
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import { isPodReady } from '../pods.js';
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_HEADLESS, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, LABEL_TOPOLOGY_ZONE, type EndpointSliceObject, type NodeObject, type PodObject, type ServiceObject } from './objects.js';
import { findPort, isIPv6, isServiceIPSet, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.js';

/** Upstream's default --max-endpoints-per-slice. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export type AddressType = 'IPv4' | 'IPv6';

/** What a sync writes: new slices (generateName), whole-slice updates and deletions. */
export interface SlicePlan {
  create: EndpointSliceObject[];
  update: EndpointSliceObject[];
  delete: EndpointSliceObject[];
  /** Pods skipped because their node is not (yet) known: the service is retried. */
  missingNodes: string[];
}

/** getAddressTypesForService: the service's IP families, else its cluster IP's, else (headless) both. */
export function serviceAddressTypes(svc: ServiceObject): AddressType[] {
  const fams = svc.spec?.ipFamilies ?? [];
  if (fams.length) return fams.map((f) => (f === 'IPv6' ? 'IPv6' : 'IPv4'));
  if (isServiceIPSet(svc)) return [isIPv6(svc.spec!.clusterIP!) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** getEndpointPorts: each service port resolved against the pod; ports the pod lacks are left out. */
export function endpointPorts(svc: ServiceObject, pod: PodObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** podToEndpoint: addresses of the family, ready/serving/terminating, node, zone, hostname, targetRef. */
export function podToEndpoint(pod: PodObject, node: NodeObject | undefined, svc: ServiceObject, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = !!svc.spec?.publishNotReadyAddresses || (serving && !terminating);
  const ep: Endpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[LABEL_TOPOLOGY_ZONE];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
  return ep;
}

/** The controller reference a slice carries to its Service. */
export function ownedBy(slice: EndpointSliceObject, svc: ServiceObject): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((r) => r.kind === 'Service' && r.apiVersion === 'v1' && r.uid === svc.metadata?.uid);
}

/** NewPortMapKey: slices and endpoints are grouped by their (order-independent) port list. */
export function portMapKey(ports: readonly EndpointPort[] | undefined | null): string {
  return (ports ?? []).map((p) => `${p.name ?? ''}/${p.protocol ?? ''}/${p.port ?? ''}/${p.appProtocol ?? ''}`).sort().join(',');
}

/** The endpoint's identity within a slice (upstream hashes addresses, hostname and targetRef). */
function endpointKey(ep: Endpoint): string {
  return `${ep.targetRef?.uid ?? ''}|${[...ep.addresses].sort().join(',')}|${ep.hostname ?? ''}`;
}

/** EndpointsEqualBeyondHash: conditions, zone, node and hints. */
function sameBeyondKey(a: Endpoint, b: Endpoint): boolean {
  const c = (e: Endpoint) => [e.conditions?.ready, e.conditions?.serving, e.conditions?.terminating, e.zone, e.nodeName, JSON.stringify(e.hints ?? null)];
  const x = c(a);
  const y = c(b);
  return x.every((v, i) => v === y[i]);
}

/** setEndpointSliceLabels: the service's labels minus reserved keys, plus service-name, managed-by and headless. */
export function sliceLabels(svc: ServiceObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY && k !== LABEL_HEADLESS) out[k] = v;
  if (!isServiceIPSet(svc)) out[LABEL_HEADLESS] = '';
  out[LABEL_SERVICE_NAME] = svc.metadata!.name!;
  out[LABEL_MANAGED_BY] = ENDPOINTSLICE_CONTROLLER_NAME;
  return out;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a![k] === b[k]);
}

/** newEndpointSlice: generateName `<svc>-`, owned by the service, the service's labels. */
export function newSlice(svc: ServiceObject, addressType: AddressType, ports: EndpointPort[]): EndpointSliceObject {
  const name = svc.metadata!.name!;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: name.length <= 62 ? `${name}-` : name,
      namespace: svc.metadata!.namespace,
      labels: sliceLabels(svc),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

/**
 * The plan for `svc` given the pods its selector matches, its existing slices (managed by this
 * controller) and a node lookup.
 */
export function planSlices(svc: ServiceObject, pods: readonly PodObject[], existing: readonly EndpointSliceObject[], nodeOf: (name: string) => NodeObject | undefined, maxPerSlice = MAX_ENDPOINTS_PER_SLICE): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], missingNodes: [] };
  const types = serviceAddressTypes(svc);
  const byType = new Map<string, EndpointSliceObject[]>();
  for (const s of existing) {
    if (!types.includes(s.addressType as AddressType)) plan.delete.push(s);
    else byType.set(s.addressType, [...(byType.get(s.addressType) ?? []), s]);
  }
  for (const t of types) planAddressType(svc, pods, byType.get(t) ?? [], nodeOf, t, maxPerSlice, plan);
  finalize(svc, plan);
  return plan;
}

function planAddressType(svc: ServiceObject, pods: readonly PodObject[], existing: EndpointSliceObject[], nodeOf: (name: string) => NodeObject | undefined, addressType: AddressType, max: number, plan: SlicePlan): void {
  const toDelete: EndpointSliceObject[] = [];
  const toCreate: EndpointSliceObject[] = [];
  const existingByPorts = new Map<string, EndpointSliceObject[]>();
  for (const s of existing) {
    if (!ownedBy(s, svc)) {
      toDelete.push(s);
      continue;
    }
    const k = portMapKey(s.ports);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }
  const desired = new Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const k = portMapKey(ports);
    let group = desired.get(k);
    if (!group) desired.set(k, (group = { ports, endpoints: new Map() }));
    const node = nodeOf(pod.spec?.nodeName ?? '');
    if (!node) {
      plan.missingNodes.push(`${pod.metadata!.name} (node ${JSON.stringify(pod.spec?.nodeName ?? '')})`);
      continue;
    }
    const ep = podToEndpoint(pod, node, svc, addressType);
    if (ep.addresses.length > 0) group.endpoints.set(endpointKey(ep), ep);
  }
  for (const [k, group] of desired) {
    const r = planPortMapping(svc, existingByPorts.get(k) ?? [], group.endpoints, addressType, group.ports, max);
    toCreate.push(...r.create);
    plan.update.push(...r.update);
    toDelete.push(...r.delete);
  }
  for (const [k, slices] of existingByPorts) if (!desired.has(k)) toDelete.push(...slices);
  if (existing.length === toDelete.length && toCreate.length === 0) {
    const placeholder = newSlice(svc, addressType, []);
    if (toDelete.length === 1 && isPlaceholderOf(toDelete[0]!, placeholder)) toDelete.length = 0;
    else toCreate.push(placeholder);
  }
  plan.create.push(...toCreate);
  plan.delete.push(...toDelete);
}

/** placeholderSliceCompare: an empty slice with the placeholder's labels, owners and type. */
function isPlaceholderOf(s: EndpointSliceObject, placeholder: EndpointSliceObject): boolean {
  return (
    (s.endpoints ?? []).length === 0 &&
    (s.ports ?? []).length === 0 &&
    s.addressType === placeholder.addressType &&
    sameLabels(s.metadata?.labels, placeholder.metadata!.labels!) &&
    JSON.stringify(s.metadata?.ownerReferences ?? []) === JSON.stringify(placeholder.metadata!.ownerReferences)
  );
}

function planPortMapping(svc: ServiceObject, existing: EndpointSliceObject[], desired: Map<string, Endpoint>, addressType: AddressType, ports: EndpointPort[], max: number) {
  const byName = new Map<string, EndpointSliceObject>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete: EndpointSliceObject[] = [];
  const labels = sliceLabels(svc);
  // 1. Keep wanted endpoints in place, replace changed ones, drop unwanted ones.
  for (const s of existing) {
    const name = s.metadata!.name!;
    byName.set(name, s);
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of s.endpoints ?? []) {
      const k = endpointKey(ep);
      const want = desired.get(k);
      if (!want) continue;
      kept.push(want);
      if (!sameBeyondKey(want, ep)) changed = true;
      desired.delete(k);
    }
    const labelsChanged = !sameLabels(s.metadata?.labels, labels);
    if (changed || kept.length !== (s.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.push(s);
      else {
        byName.set(name, { ...s, metadata: { ...s.metadata, labels }, endpoints: kept });
        toUpdate.add(name);
      }
    } else if (labelsChanged) {
      byName.set(name, { ...s, metadata: { ...s.metadata, labels }, endpoints: [...(s.endpoints ?? [])] });
      toUpdate.add(name);
    } else unchanged.add(name);
  }
  const remaining = [...desired.values()];
  // 2. Fill the slices being updated anyway, fullest first.
  if (remaining.length && toUpdate.size) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => (b.endpoints ?? []).length - (a.endpoints ?? []).length);
    for (const s of slices) while (remaining.length && s.endpoints!.length < max) s.endpoints!.push(remaining.shift()!);
  }
  // 3. Then the fullest unchanged slice that takes all the rest, then new slices.
  const create: EndpointSliceObject[] = [];
  while (remaining.length) {
    let fill: EndpointSliceObject | undefined;
    if (remaining.length < max && unchanged.size) {
      for (const n of unchanged) {
        const s = byName.get(n)!;
        const size = (s.endpoints ?? []).length;
        if (size + remaining.length <= max && (!fill || size > (fill.endpoints ?? []).length)) fill = s;
      }
    }
    if (fill) {
      fill = { ...fill, endpoints: [...(fill.endpoints ?? [])] };
      byName.set(fill.metadata!.name!, fill);
    } else fill = newSlice(svc, addressType, ports);
    while (remaining.length && fill.endpoints!.length < max) fill.endpoints!.push(remaining.shift()!);
    if (fill.metadata?.name) {
      toUpdate.add(fill.metadata.name);
      unchanged.delete(fill.metadata.name);
    } else create.push(fill);
  }
  return { create, update: [...toUpdate].map((n) => byName.get(n)!), delete: toDelete };
}

/** finalize's first step: a create paired with a delete of the same type becomes an update of that slice. */
function finalize(svc: ServiceObject, plan: SlicePlan): void {
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const doomed = plan.delete[i]!;
    const fresh = plan.create[plan.create.length - 1]!;
    if (doomed.addressType === fresh.addressType && ownedBy(doomed, svc)) {
      plan.create.pop();
      plan.update.push({ ...fresh, metadata: { ...fresh.metadata, name: doomed.metadata!.name, generateName: doomed.metadata!.generateName, resourceVersion: undefined } });
      plan.delete.splice(i, 1);
    } else i++;
  }
}
