/**
 * The decisions of the reconciler, as pure functions of a group document:
 *
 * - where to launch: each new instance goes to the zone with the fewest instances (AZ balance, the
 *   order of VPCZoneIdentifier breaking ties), then to that zone's subnet with the fewest;
 * - what to terminate, a simplification of the Default termination policy: instances outside the
 *   group's current zones first, then the zone with the most instances, then instances launched
 *   from an older launch template version than the group's, then the oldest instance (AWS next
 *   prefers the one closest to the next billing hour and then picks at random; with per-second
 *   billing we take the oldest, which is deterministic). Instances protected from scale-in are
 *   never chosen;
 * - whether zones are out of balance (AZRebalance): the largest and smallest zone differ by more
 *   than one.
 */
import type { GroupDoc, MemberDoc } from './model.js';

/** The processes Suspend/ResumeProcesses know. */
export const PROCESSES = ['Launch', 'Terminate', 'AddToLoadBalancer', 'AlarmNotification', 'AZRebalance', 'HealthCheck', 'InstanceRefresh', 'ReplaceUnhealthy', 'ScheduledActions'] as const;

/** Whether `process` is suspended on the group. */
export function suspended(g: GroupDoc, process: (typeof PROCESSES)[number]): boolean {
  return g.suspended.some((p) => p.ProcessName === process);
}

/** Members that count toward capacity (not on their way out). */
export function activeMembers(g: GroupDoc): MemberDoc[] {
  return g.members.filter((m) => !m.lifecycleState.startsWith('Terminating'));
}

/** Capacity now: active members plus launches in flight. */
export function capacity(g: GroupDoc): number {
  return activeMembers(g).length + g.launching.reduce((n, l) => n + l.count, 0);
}

function zoneOrder(g: GroupDoc): string[] {
  return [...new Set(g.subnets.map((s) => s.az))];
}

/** Instances per zone of the group (active members and launches in flight). */
export function zoneCounts(g: GroupDoc): Map<string, number> {
  const counts = new Map(zoneOrder(g).map((z) => [z, 0]));
  for (const m of activeMembers(g)) if (counts.has(m.az)) counts.set(m.az, counts.get(m.az)! + 1);
  for (const l of g.launching) if (counts.has(l.az)) counts.set(l.az, counts.get(l.az)! + l.count);
  return counts;
}

/** Where `n` new instances go, grouped by subnet. */
export function chooseLaunchSubnets(g: GroupDoc, n: number): { subnetId: string; az: string; count: number }[] {
  const zones = zoneCounts(g);
  const perSubnet = new Map(g.subnets.map((s) => [s.subnetId, 0]));
  for (const m of activeMembers(g)) if (perSubnet.has(m.subnetId)) perSubnet.set(m.subnetId, perSubnet.get(m.subnetId)! + 1);
  for (const l of g.launching) if (perSubnet.has(l.subnetId)) perSubnet.set(l.subnetId, perSubnet.get(l.subnetId)! + l.count);
  const out = new Map<string, { subnetId: string; az: string; count: number }>();
  for (let k = 0; k < n; k++) {
    let zone: string | undefined;
    for (const [z, c] of zones) if (zone === undefined || c < zones.get(zone)!) zone = z;
    if (zone === undefined) break;
    const subnet = g.subnets.filter((s) => s.az === zone).reduce((a, b) => (perSubnet.get(b.subnetId)! < perSubnet.get(a.subnetId)! ? b : a));
    zones.set(zone, zones.get(zone)! + 1);
    perSubnet.set(subnet.subnetId, perSubnet.get(subnet.subnetId)! + 1);
    const entry = out.get(subnet.subnetId) ?? { subnetId: subnet.subnetId, az: zone, count: 0 };
    entry.count++;
    out.set(subnet.subnetId, entry);
  }
  return [...out.values()];
}

/** The `n` members to terminate on scale-in; `currentVersion` is the number the group's template version means now. */
export function chooseVictims(g: GroupDoc, n: number, currentVersion?: string): MemberDoc[] {
  const inGroup = new Set(g.subnets.map((s) => s.subnetId));
  let pool = activeMembers(g).filter((m) => !m.protectedFromScaleIn);
  const out: MemberDoc[] = [];
  const older = (m: MemberDoc) => currentVersion !== undefined && m.templateVersion !== undefined && Number(m.templateVersion) < Number(currentVersion);
  const rank = (a: MemberDoc, b: MemberDoc) => Number(older(b)) - Number(older(a)) || a.launchedAt - b.launchedAt || a.instanceId.localeCompare(b.instanceId);
  while (out.length < n && pool.length) {
    const strays = pool.filter((m) => !inGroup.has(m.subnetId));
    let candidates = strays;
    if (!candidates.length) {
      const counts = new Map<string, number>();
      for (const m of pool) counts.set(m.az, (counts.get(m.az) ?? 0) + 1);
      const most = Math.max(...counts.values());
      const zone = [...counts].filter(([, c]) => c === most).map(([z]) => z).sort().pop()!;
      candidates = pool.filter((m) => m.az === zone);
    }
    const victim = [...candidates].sort(rank)[0]!;
    out.push(victim);
    pool = pool.filter((m) => m !== victim);
  }
  return out;
}

/** The zone to add an instance to and the one to take one from, when zones differ by more than one. */
export function imbalance(g: GroupDoc): { to: string; from: string } | undefined {
  const counts = [...zoneCounts(g)];
  if (counts.length < 2) return undefined;
  const min = counts.reduce((a, b) => (b[1] < a[1] ? b : a));
  const max = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return max[1] - min[1] > 1 ? { to: min[0], from: max[0] } : undefined;
}
