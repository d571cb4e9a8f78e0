/**
 * Endpoints subsets as upstream builds them (pkg/api/v1/endpoints RepackSubsets and SortSubsets,
 * pkg/controller/endpoint truncateEndpoints): one subset per distinct set of (address, ready) pairs
 * with the ports they share, an address ready anywhere is ready; addresses sorted by IP then pod UID;
 * at most 1000 addresses, truncated proportionally per subset, not-ready ones first.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset } from 'kubernetes-types/core/v1.js';

/** maxCapacity: addresses an Endpoints object holds before truncation. */
export const MAX_ENDPOINTS_CAPACITY = 1000;
/** v1.EndpointsOverCapacity and its value. */
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
export const TRUNCATED = 'truncated';

const addrKey = (a: EndpointAddress) => `${a.ip}|${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort | undefined) => (p ? `${p.name ?? ''}|${p.port}|${p.protocol ?? ''}|${p.appProtocol ?? ''}` : 'none');

/** LessEndpointAddress: by IP, then by target UID (no target first). */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid;
  const ub = b.targetRef?.uid;
  if (ua === ub) return 0;
  if (ua === undefined) return -1;
  if (ub === undefined) return 1;
  return ua < ub ? -1 : 1;
}

/** RepackSubsets followed by SortSubsets (subsets ordered by content, as a stand-in for upstream's hash order). */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  const record = (port: EndpointPort | undefined, a: EndpointAddress, ready: boolean) => {
    const k = addrKey(a);
    if (!addrs.has(k)) addrs.set(k, a);
    const pk = portKey(port);
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, ready: new Map() }));
    if (!entry.ready.get(k)) entry.ready.set(k, ready);
  };
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const p of ports) {
      for (const a of s.addresses ?? []) record(p, a, true);
      for (const a of s.notReadyAddresses ?? []) record(p, a, false);
    }
  }
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const key = [...ready].map(([k, r]) => `${k}=${r}`).sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ready, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.ready) (r ? ready : notReady).push(addrs.get(k)!);
    const s: EndpointSubset = {};
    if (ready.length) s.addresses = ready.sort(compareAddresses);
    if (notReady.length) s.notReadyAddresses = notReady.sort(compareAddresses);
    if (g.ports.length) s.ports = g.ports.sort((a, b) => (portKey(a) < portKey(b) ? -1 : portKey(a) > portKey(b) ? 1 : 0));
    out.push(s);
  }
  const order = (s: EndpointSubset) => JSON.stringify(s);
  return out.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** Ready plus not-ready addresses over all subsets. */
export function addressCount(subsets: readonly EndpointSubset[] | undefined): number {
  let n = 0;
  for (const s of subsets ?? []) n += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  return n;
}

/**
 * truncateEndpoints: above capacity, not-ready addresses are cut first; when ready ones alone are
 * over, all not-ready ones go and each subset keeps its (rounded-up) share of ready ones. Returns
 * whether anything was cut.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let ready = 0;
  let notReady = 0;
  for (const s of subsets) {
    ready += s.addresses?.length ?? 0;
    notReady += s.notReadyAddresses?.length ?? 0;
  }
  if (ready + notReady <= MAX_ENDPOINTS_CAPACITY) return false;
  const truncateReady = ready > MAX_ENDPOINTS_CAPACITY;
  const max = truncateReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - ready;
  const total = truncateReady ? ready : notReady;
  let room = max;
  for (const s of subsets) {
    const inSubset = (truncateReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    const take = Math.min(Math.ceil((inSubset / total) * max), room);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, take);
      s.notReadyAddresses = [];
      room -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, take);
      room -= s.notReadyAddresses.length;
    }
  }
  return true;
}

/** capacityAnnotationSetCorrectly: over capacity is never "correct"; otherwise the annotation must be absent. */
export function capacityAnnotationCorrect(annotations: Record<string, string> | undefined, subsets: readonly EndpointSubset[] | undefined): boolean {
  if (addressCount(subsets) > MAX_ENDPOINTS_CAPACITY) return false;
  return !(annotations && OVER_CAPACITY in annotations);
}

/** endpointSubsetsEqualIgnoreResourceVersion: equal once target resourceVersions are dropped. */
export function sameSubsets(a: readonly EndpointSubset[] | undefined, b: readonly EndpointSubset[]): boolean {
  const strip = (subs: readonly EndpointSubset[]) =>
    JSON.stringify(
      subs.map((s) => ({
        a: (s.addresses ?? []).map(dropRv),
        n: (s.notReadyAddresses ?? []).map(dropRv),
        p: (s.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']),
      })),
    );
  return strip(a ?? []) === strip(b);
}

function dropRv(a: EndpointAddress): unknown {
  const t = a.targetRef ? { kind: a.targetRef.kind, namespace: a.targetRef.namespace, name: a.targetRef.name, uid: a.targetRef.uid } : undefined;
  return [a.ip, a.hostname ?? '', a.nodeName ?? '', t];
}
