/**
 * Cluster configuration rules shared by CreateCluster and UpdateClusterConfig
 * (shared/research/eks-semantics.md §2 and §4): control plane log types and how EKS folds
 * logging requests into one enabled and one disabled group, CIDR checks, the default service
 * CIDR, and the cluster security group's name.
 */
import type { LogSetup } from './state.js';

/** The five control plane log types, in EKS's order. */
export const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

/** The log types a logging configuration enables. */
export function enabledLogTypes(setups: readonly LogSetup[]): Set<string> {
  const on = new Set<string>();
  for (const s of setups) for (const t of s.types) if (s.enabled) on.add(t);
  return on;
}

/**
 * Applies requested log setups (in order) to the current ones and returns EKS's normal form:
 * one group of enabled types and one of disabled types, types in {@link LOG_TYPES} order.
 */
export function applyLogging(current: readonly LogSetup[], requested: readonly { types?: string[]; enabled?: boolean }[]): LogSetup[] {
  const on = enabledLogTypes(current);
  for (const r of requested) {
    if (r.enabled === undefined) continue;
    for (const t of r.types ?? []) (r.enabled ? on.add(t) : on.delete(t));
  }
  return loggingGroups(on);
}

/** The normal form for a set of enabled types. */
export function loggingGroups(on: ReadonlySet<string>): LogSetup[] {
  const enabled = LOG_TYPES.filter((t) => on.has(t));
  const disabled = LOG_TYPES.filter((t) => !on.has(t));
  const out: LogSetup[] = [];
  if (enabled.length) out.push({ types: [...enabled], enabled: true });
  if (disabled.length) out.push({ types: [...disabled], enabled: false });
  return out;
}

/** An IPv4 CIDR as a 32-bit network number and prefix length; undefined when malformed. */
export function parseIpv4Cidr(text: string): { base: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const addr = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (addr & mask) >>> 0, prefix };
}

/** Whether text is an IPv6 CIDR (loosely: hex groups with `::`, prefix 0–128). */
export function isIpv6Cidr(text: string): boolean {
  const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  return !!m && m[1]!.includes(':') && Number(m[2]) <= 128 && (m[1]!.match(/::/g)?.length ?? 0) <= 1;
}

/** The CIDRs of `cidrs` that publicAccessCidrs cannot hold (IPv6 ones only on IPv6 clusters). */
export function invalidPublicCidrs(cidrs: readonly string[], ipv6Cluster: boolean): string[] {
  return cidrs.filter((c) => !parseIpv4Cidr(c) && !(ipv6Cluster && isIpv6Cidr(c)));
}

function overlaps(a: { base: number; prefix: number }, b: { base: number; prefix: number }): boolean {
  const p = Math.min(a.prefix, b.prefix);
  const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return ((a.base & mask) >>> 0) === ((b.base & mask) >>> 0);
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseIpv4Cidr(c)!);

/**
 * Whether a custom `serviceIpv4Cidr` is acceptable: a /12–/24 inside a private range, not
 * overlapping the cluster's subnets (semantics doc §4).
 */
export function validServiceCidr(cidr: string, subnetCidrs: readonly string[]): boolean {
  const c = parseIpv4Cidr(cidr);
  if (!c || c.prefix < 12 || c.prefix > 24) return false;
  if (!PRIVATE_RANGES.some((r) => r.prefix <= c.prefix && overlaps(r, c))) return false;
  return !subnetCidrs.some((s) => {
    const p = parseIpv4Cidr(s);
    return p !== undefined && overlaps(p, c);
  });
}

/** The default service CIDR: 10.100.0.0/16, or 172.20.0.0/16 when the VPC is in 10.0.0.0/8. */
export function defaultServiceCidr(subnetCidrs: readonly string[]): string {
  return subnetCidrs.some((c) => c.startsWith('10.')) ? '172.20.0.0/16' : '10.100.0.0/16';
}

/** A /108 from fd00::/8 for an IPv6 cluster, derived from the cluster id. */
export function serviceIpv6Cidr(clusterId: string): string {
  const h = clusterId.replace(/-/g, '');
  return `fd${h.slice(0, 2)}:${h.slice(2, 6)}:${h.slice(6, 10)}::/108`;
}

/** `eks-cluster-sg-<name>-<10 digits>` (the number is derived from the cluster id). */
export function clusterSecurityGroupName(name: string, clusterId: string): string {
  const n = parseInt(clusterId.replace(/-/g, '').slice(0, 8), 16) % 10_000_000_000;
  return `eks-cluster-sg-${name}-${String(n).padStart(10, '0')}`;
}

/** The real description of the cluster security group EKS creates. */
export const CLUSTER_SG_DESCRIPTION = 'EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.';

/** Same members, order ignored. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}
