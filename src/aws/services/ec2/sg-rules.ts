/**
 * Security group rules: IpPermissions (and the legacy flat CidrIp/IpProtocol/FromPort/ToPort
 * members) expanded into one rule per peer, protocol names normalized as EC2 stores them (`-1` for
 * all, `tcp`, `udp`, `icmp`, `icmpv6`, else the number), duplicates refused with EC2's wording, and
 * the two wire views: IpPermissions grouped by protocol and ports (DescribeSecurityGroups) and one
 * SecurityGroupRule per rule (DescribeSecurityGroupRules, Authorize* answers).
 */
import { Ec2Errors } from './errors.js';
import { newId } from './ids.js';
import type { RuleDoc, SecurityGroupDoc } from './model.js';

/** `IpPermission` as parsed. */
export interface IpPermissionIn {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6?: string; Description?: string }[];
  PrefixListIds?: { PrefixListId?: string; Description?: string }[];
  UserIdGroupPairs?: { GroupId?: string; GroupName?: string; UserId?: string; Description?: string }[];
}

/** The flat legacy members of Authorize/Revoke inputs. */
export interface LegacyRuleIn {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  SourceSecurityGroupName?: string;
}

const NUMBERED: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

function normalizeProtocol(p: string | undefined): string {
  const lower = (p ?? '').toLowerCase();
  const name = NUMBERED[lower] ?? lower;
  if (['-1', 'tcp', 'udp', 'icmp', 'icmpv6'].includes(name)) return name;
  if (/^\d+$/.test(name) && Number(name) <= 255) return name;
  throw Ec2Errors.unknownProtocol(p ?? 'null');
}

/** A rule without its id: what authorize adds and revoke matches. */
export type RuleSpec = Omit<RuleDoc, 'id'>;

/**
 * The rules `perms` (plus the legacy members) describe. `resolveGroup` turns a pair's GroupId or
 * GroupName into a group id (throwing InvalidGroup.NotFound).
 */
export async function expandPermissions(egress: boolean, perms: IpPermissionIn[] | undefined, legacy: LegacyRuleIn, resolveGroup: (pair: { GroupId?: string; GroupName?: string }) => Promise<string>): Promise<RuleSpec[]> {
  const all: IpPermissionIn[] = [...(perms ?? [])];
  if (legacy.CidrIp !== undefined || legacy.SourceSecurityGroupName !== undefined) {
    all.push({
      IpProtocol: legacy.IpProtocol ?? '-1',
      FromPort: legacy.FromPort,
      ToPort: legacy.ToPort,
      IpRanges: legacy.CidrIp !== undefined ? [{ CidrIp: legacy.CidrIp }] : undefined,
      UserIdGroupPairs: legacy.SourceSecurityGroupName !== undefined ? [{ GroupName: legacy.SourceSecurityGroupName }] : undefined,
    });
  }
  const out: RuleSpec[] = [];
  for (const p of all) {
    const protocol = normalizeProtocol(p.IpProtocol);
    let from = p.FromPort ?? -1;
    let to = p.ToPort ?? -1;
    if (protocol === '-1') from = to = -1;
    else if ((protocol === 'tcp' || protocol === 'udp') && (p.FromPort === undefined || p.ToPort === undefined)) throw Ec2Errors.portRange();
    const base = { egress, protocol, from, to };
    const before = out.length;
    for (const x of p.IpRanges ?? []) out.push({ ...base, cidrIpv4: x.CidrIp, description: x.Description });
    for (const x of p.Ipv6Ranges ?? []) out.push({ ...base, cidrIpv6: x.CidrIpv6, description: x.Description });
    for (const x of p.PrefixListIds ?? []) out.push({ ...base, prefixListId: x.PrefixListId, description: x.Description });
    for (const x of p.UserIdGroupPairs ?? []) out.push({ ...base, groupId: await resolveGroup(x), description: x.Description });
    if (out.length === before) throw Ec2Errors.permissionNoPeer();
  }
  return out;
}

/** Whether two rules are the same rule (descriptions aside). */
export function sameRule(a: RuleSpec, b: RuleSpec): boolean {
  return a.egress === b.egress && a.protocol === b.protocol && a.from === b.from && a.to === b.to &&
    a.cidrIpv4 === b.cidrIpv4 && a.cidrIpv6 === b.cidrIpv6 && a.groupId === b.groupId && a.prefixListId === b.prefixListId;
}

/** Adds `specs` to the group's rules; a rule already there is InvalidPermission.Duplicate. */
export function addRules(g: SecurityGroupDoc, specs: RuleSpec[]): { group: SecurityGroupDoc; added: RuleDoc[] } {
  const added: RuleDoc[] = [];
  for (const s of specs) {
    if ([...g.rules, ...added].some((x) => sameRule(x, s))) {
      const peer = s.cidrIpv4 ?? s.cidrIpv6 ?? s.prefixListId ?? s.groupId ?? '';
      throw Ec2Errors.permissionDuplicate(peer, s.protocol === '-1' ? 'ALL' : s.protocol.toUpperCase(), s.from, s.to);
    }
    added.push({ id: newId('sgr'), ...s });
  }
  return { group: { ...g, rules: [...g.rules, ...added] }, added };
}

/** IpPermissions of one direction, grouped by protocol and ports as EC2 shows them. */
export function ipPermissions(g: SecurityGroupDoc, egress: boolean): Record<string, unknown>[] {
  const groups = new Map<string, { perm: Record<string, unknown>; rules: RuleDoc[] }>();
  for (const r of g.rules.filter((x) => x.egress === egress)) {
    const k = `${r.protocol}/${r.from}/${r.to}`;
    if (!groups.has(k)) {
      const ports = r.protocol === '-1' ? {} : { FromPort: r.from, ToPort: r.to };
      groups.set(k, { perm: { IpProtocol: r.protocol, ...ports }, rules: [] });
    }
    groups.get(k)!.rules.push(r);
  }
  return [...groups.values()].map(({ perm, rules }) => ({
    ...perm,
    IpRanges: rules.filter((r) => r.cidrIpv4).map((r) => ({ CidrIp: r.cidrIpv4, Description: r.description })),
    Ipv6Ranges: rules.filter((r) => r.cidrIpv6).map((r) => ({ CidrIpv6: r.cidrIpv6, Description: r.description })),
    PrefixListIds: rules.filter((r) => r.prefixListId).map((r) => ({ PrefixListId: r.prefixListId, Description: r.description })),
    UserIdGroupPairs: rules.filter((r) => r.groupId).map((r) => ({ GroupId: r.groupId, UserId: g.OwnerId, Description: r.description })),
  }));
}

/** One rule as a SecurityGroupRule. */
export function ruleWire(g: SecurityGroupDoc, r: RuleDoc, region: string): Record<string, unknown> {
  return {
    SecurityGroupRuleId: r.id,
    GroupId: g.GroupId,
    GroupOwnerId: g.OwnerId,
    IsEgress: r.egress,
    IpProtocol: r.protocol,
    FromPort: r.from,
    ToPort: r.to,
    CidrIpv4: r.cidrIpv4,
    CidrIpv6: r.cidrIpv6,
    PrefixListId: r.prefixListId,
    ReferencedGroupInfo: r.groupId ? { GroupId: r.groupId, UserId: g.OwnerId } : undefined,
    Description: r.description,
    Tags: [],
    SecurityGroupRuleArn: `arn:aws:ec2:${region}:${g.OwnerId}:security-group-rule/${r.id}`,
  };
}
