/**
 * Security groups: Create (in the given or the default VPC, with the allow-all egress rule),
 * Describe (by id, by name in the default VPC, filters), Delete (not the default group, not while
 * an interface or another group's rule uses it), Authorize/Revoke ingress and egress, and
 * DescribeSecurityGroupRules.
 */
import { egressAllRule } from '../builders.js';
import { Ec2Errors } from '../errors.js';
import { createNamedGroup, deleteNamedGroup, groupByVpcAndName } from '../group-names.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId } from '../ids.js';
import type { RuleDoc, SecurityGroupDoc, Tag } from '../model.js';
import { paginate } from '../paginate.js';
import { addRules, expandPermissions, ipPermissions, ruleWire, sameRule, type IpPermissionIn, type LegacyRuleIn } from '../sg-rules.js';
import type { Ec2Region } from '../state.js';
import { tagsFromSpecs } from '../tags.js';

/** The wire form of a group. */
export function groupWire(g: SecurityGroupDoc): Record<string, unknown> {
  return { ...g, IpPermissions: ipPermissions(g, false), IpPermissionsEgress: ipPermissions(g, true) };
}

/** CreateSecurityGroup's checks and write (also Ec2Api.createSecurityGroup). */
export async function createSecurityGroup(r: Ec2Region, i: { GroupName: string; Description: string; VpcId?: string; tags?: Tag[] }): Promise<SecurityGroupDoc> {
  const vpc = i.VpcId ? await r.vpc(i.VpcId) : await r.defaultVpc();
  if (!vpc) throw Ec2Errors.noDefaultVpc();
  if (i.GroupName.toLowerCase().startsWith('sg-')) throw Ec2Errors.groupNameSgPrefix();
  const groupId = newId('sg');
  const doc: SecurityGroupDoc = {
    GroupId: groupId,
    GroupName: i.GroupName,
    Description: i.Description,
    VpcId: vpc.VpcId,
    OwnerId: r.account,
    SecurityGroupArn: r.arn(`security-group/${groupId}`),
    Tags: i.tags ?? [],
    rules: [egressAllRule(newId('sgr'))],
  };
  if (!(await createNamedGroup(r, doc))) throw Ec2Errors.groupDuplicate(i.GroupName, vpc.VpcId);
  return doc;
}

/** DeleteSecurityGroup's checks and delete (also Ec2Api.deleteSecurityGroup). */
export async function deleteSecurityGroup(r: Ec2Region, groupId: string): Promise<void> {
  const g = await r.group(groupId);
  if (g.GroupName === 'default') throw Ec2Errors.groupCannotDelete(g.GroupId);
  // Only documents whose JSON names the group can use it: the scans decode those alone.
  const usedByEni = (await r.enis.listContaining(g.GroupId)).some(({ value: e }) => e.Groups.some((x) => x.GroupId === g.GroupId));
  const usedByRule = (await r.groups.listContaining(g.GroupId)).some(({ value: o }) => o.GroupId !== g.GroupId && o.rules.some((x) => x.groupId === g.GroupId));
  if (usedByEni || usedByRule) throw Ec2Errors.groupInUse(g.GroupId);
  await deleteNamedGroup(r, g);
}

/** A group by name in the default VPC (how EC2 resolves names without a VPC). */
async function groupByName(r: Ec2Region, name: string): Promise<SecurityGroupDoc> {
  const vpc = await r.defaultVpc();
  if (!vpc) throw Ec2Errors.noDefaultVpc();
  const g = await groupByVpcAndName(r, vpc.VpcId, name);
  if (!g) throw Ec2Errors.groupNotFoundInDefaultVpc(name, vpc.VpcId);
  return g;
}

/** The group an Authorize/Revoke call names (GroupId, else GroupName in the default VPC). */
async function targetGroup(r: Ec2Region, i: { GroupId?: string; GroupName?: string }): Promise<SecurityGroupDoc> {
  if (i.GroupId) return r.group(i.GroupId);
  if (i.GroupName) return groupByName(r, i.GroupName);
  throw Ec2Errors.missingParameter('GroupId');
}

const resolver = (r: Ec2Region) => async (pair: { GroupId?: string; GroupName?: string }) =>
  pair.GroupId ? (await r.group(pair.GroupId)).GroupId : (await groupByName(r, pair.GroupName ?? '')).GroupId;

type RuleInput = LegacyRuleIn & { GroupId?: string; GroupName?: string; IpPermissions?: IpPermissionIn[]; SecurityGroupRuleIds?: string[]; TagSpecifications?: TagSpec[] };

function authorize(egress: boolean): Ec2Handler {
  return op<RuleInput>(async (i, r) => {
    const g = await targetGroup(r, i);
    const specs = await expandPermissions(egress, i.IpPermissions, i, resolver(r));
    let added: RuleDoc[] = [];
    await r.groups.modify(g.GroupId, (cur) => {
      const res = addRules(cur, specs);
      added = res.added;
      return res.group;
    });
    return { Return: true, SecurityGroupRules: added.map((x) => ruleWire(g, x, r.region)) };
  });
}

function revoke(egress: boolean): Ec2Handler {
  return op<RuleInput>(async (i, r) => {
    const g = await targetGroup(r, i);
    const specs = i.IpPermissions?.length || i.CidrIp !== undefined || i.SourceSecurityGroupName !== undefined
      ? await expandPermissions(egress, i.IpPermissions, i, resolver(r))
      : [];
    for (const id of i.SecurityGroupRuleIds ?? []) if (!g.rules.some((x) => x.id === id && x.egress === egress)) throw Ec2Errors.ruleNotFound(id);
    const victims = g.rules.filter((x) => (i.SecurityGroupRuleIds ?? []).includes(x.id) || specs.some((s) => sameRule(x, s)));
    const unknown = specs.filter((s) => !g.rules.some((x) => sameRule(x, s)));
    if (!victims.length) throw Ec2Errors.permissionNotFound();
    await r.groups.modify(g.GroupId, (cur) => ({ ...cur, rules: cur.rules.filter((x) => !victims.some((v) => v.id === x.id)) }));
    return {
      Return: true,
      UnknownIpPermissions: unknown.length ? ipPermissions({ ...g, rules: unknown.map((s) => ({ id: '', ...s })) }, egress) : undefined,
      RevokedSecurityGroupRules: victims.map((x) => ({ ...ruleWire(g, x, r.region), ReferencedGroupId: x.groupId })),
    };
  });
}

const GROUP_FIELDS = {
  'group-id': (g: SecurityGroupDoc) => g.GroupId,
  'group-name': (g: SecurityGroupDoc) => g.GroupName,
  'vpc-id': (g: SecurityGroupDoc) => g.VpcId,
  description: (g: SecurityGroupDoc) => g.Description,
  'owner-id': (g: SecurityGroupDoc) => g.OwnerId,
  'ip-permission.cidr': (g: SecurityGroupDoc) => g.rules.filter((x) => !x.egress).map((x) => x.cidrIpv4),
  'ip-permission.from-port': (g: SecurityGroupDoc) => g.rules.filter((x) => !x.egress).map((x) => x.from),
  'ip-permission.to-port': (g: SecurityGroupDoc) => g.rules.filter((x) => !x.egress).map((x) => x.to),
  'ip-permission.protocol': (g: SecurityGroupDoc) => g.rules.filter((x) => !x.egress).map((x) => x.protocol),
  'ip-permission.group-id': (g: SecurityGroupDoc) => g.rules.filter((x) => !x.egress).map((x) => x.groupId),
  'egress.ip-permission.cidr': (g: SecurityGroupDoc) => g.rules.filter((x) => x.egress).map((x) => x.cidrIpv4),
  'egress.ip-permission.protocol': (g: SecurityGroupDoc) => g.rules.filter((x) => x.egress).map((x) => x.protocol),
};

/** The security group operations. */
export const securityGroupHandlers: Record<string, Ec2Handler> = {
  CreateSecurityGroup: op<{ GroupName: string; Description: string; VpcId?: string; TagSpecifications?: TagSpec[] }>(async (i, r) => {
    const g = await createSecurityGroup(r, { ...i, tags: tagsFromSpecs(i.TagSpecifications, 'security-group') });
    return { GroupId: g.GroupId, Tags: g.Tags, SecurityGroupArn: g.SecurityGroupArn };
  }),

  DescribeSecurityGroups: op<DescribeInput & { GroupIds?: string[]; GroupNames?: string[] }>(async (i, r) => {
    let groups = await r.byIds(r.groups, i.GroupIds, Ec2Errors.groupNotFound);
    if (i.GroupNames?.length) {
      const named = await Promise.all(i.GroupNames.map((n) => groupByName(r, n)));
      groups = groups.filter((g) => named.some((n) => n.GroupId === g.GroupId));
    }
    const hits = applyFilters(groups, i.Filters, GROUP_FIELDS, (g) => g.Tags);
    const { page, nextToken } = paginate(hits, (g) => g.GroupId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { SecurityGroups: page.map(groupWire), NextToken: nextToken };
  }),

  DeleteSecurityGroup: op<{ GroupId?: string; GroupName?: string }>(async (i, r) => {
    const g = await targetGroup(r, i);
    await deleteSecurityGroup(r, g.GroupId);
    return { Return: true, GroupId: g.GroupId };
  }),

  AuthorizeSecurityGroupIngress: authorize(false),
  AuthorizeSecurityGroupEgress: authorize(true),
  RevokeSecurityGroupIngress: revoke(false),
  RevokeSecurityGroupEgress: revoke(true),

  DescribeSecurityGroupRules: op<DescribeInput & { SecurityGroupRuleIds?: string[] }>(async (i, r) => {
    let rules = (await r.all(r.groups)).flatMap((g) => g.rules.map((x) => ({ g, x })));
    if (i.SecurityGroupRuleIds?.length) {
      for (const id of i.SecurityGroupRuleIds) if (!rules.some((y) => y.x.id === id)) throw Ec2Errors.ruleNotFound(id);
      rules = rules.filter((y) => i.SecurityGroupRuleIds!.includes(y.x.id));
    }
    const hits = applyFilters(rules, i.Filters, {
      'group-id': (y) => y.g.GroupId,
      'security-group-rule-id': (y) => y.x.id,
    }, () => []);
    const { page, nextToken } = paginate(hits, (y) => y.x.id, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { SecurityGroupRules: page.map((y) => ruleWire(y.g, y.x, r.region)), NextToken: nextToken };
  }),
};
