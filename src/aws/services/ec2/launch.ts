/**
 * RunInstances in two steps. `planLaunch` resolves and checks everything (launch template and
 * version, image, type, key, subnet — or the default subnet —, groups, free addresses) and picks
 * every id; `executePlan` writes: per instance, its primary interface (an address from the subnet,
 * a public address when the subnet maps one) and the instance, `pending` from now. Executing a plan
 * is idempotent (existing interfaces and instances are kept, an address already taken for an
 * interface is found again), so a ClientToken — stored with its plan before anything is written —
 * makes retries and launches interrupted by a restart finish the same instances.
 */
import { publicDnsName } from './cidr.js';
import { createEni } from './enis.js';
import { Ec2Errors } from './errors.js';
import type { TagSpec } from './handler.js';
import { groupsFor } from './handlers/network-interfaces.js';
import { keyPairByName } from './handlers/key-pairs.js';
import { newId, newPublicIp } from './ids.js';
import { instanceType } from './instance-types.js';
import { resolveLaunchTemplate, type LaunchTemplateSpec } from './launch-templates.js';
import type { InstanceDoc, LaunchPlan, SecurityGroupDoc, SubnetDoc, Tag } from './model.js';
import type { Ec2Region } from './state.js';
import { mergeTags, tagsFromSpecs } from './tags.js';

/** What a caller asks RunInstances for, from the wire or from Ec2Api. */
export interface LaunchRequest {
  minCount: number;
  maxCount: number;
  subnetId?: string;
  availabilityZone?: string;
  imageId?: string;
  instanceType?: string;
  keyName?: string;
  securityGroupIds?: string[];
  securityGroupNames?: string[];
  iamInstanceProfile?: { Arn?: string; Name?: string };
  userData?: string;
  privateIpAddress?: string;
  launchTemplate?: LaunchTemplateSpec;
  tagSpecs?: TagSpec[];
  /** Tags set by AWS itself (`aws:autoscaling:groupName`), exempt from the reserved-prefix check. */
  systemTags?: Tag[];
  metadataOptions?: { HttpTokens?: string; HttpPutResponseHopLimit?: number; HttpEndpoint?: string };
  ebsOptimized?: boolean;
  clientToken?: string;
  requesterId?: string;
}

const RUN_TAG_TYPES = ['instance', 'volume', 'network-interface', 'spot-instances-request', 'elastic-gpu'];

/** Launch template data members RunInstances reads. */
interface TemplateData {
  ImageId?: string;
  InstanceType?: string;
  KeyName?: string;
  SecurityGroupIds?: string[];
  SecurityGroups?: string[];
  UserData?: string;
  IamInstanceProfile?: { Arn?: string; Name?: string };
  Placement?: { AvailabilityZone?: string };
  NetworkInterfaces?: { DeviceIndex?: number; SubnetId?: string; Groups?: string[]; PrivateIpAddress?: string }[];
  TagSpecifications?: TagSpec[];
  MetadataOptions?: { HttpTokens?: string; HttpPutResponseHopLimit?: number; HttpEndpoint?: string };
  EbsOptimized?: boolean;
}

/** The subnet to launch into: the asked one, else the default subnet of the zone (or of the first zone). */
async function pickSubnet(r: Ec2Region, subnetId: string | undefined, zone: string | undefined): Promise<SubnetDoc> {
  if (subnetId) return r.subnet(subnetId);
  const vpc = await r.defaultVpc();
  if (!vpc) throw Ec2Errors.noDefaultVpc();
  const defaults = (await r.all(r.subnets)).filter((s) => s.VpcId === vpc.VpcId && s.DefaultForAz).sort((a, b) => a.AvailabilityZone.localeCompare(b.AvailabilityZone));
  const s = zone ? defaults.find((x) => x.AvailabilityZone === zone) : defaults[0];
  if (!s) throw zone ? Ec2Errors.invalidZone(zone) : Ec2Errors.noDefaultVpc();
  return s;
}

async function groupsByName(r: Ec2Region, names: string[], subnet: SubnetDoc): Promise<SecurityGroupDoc[]> {
  const all = (await r.all(r.groups)).filter((g) => g.VpcId === subnet.VpcId);
  return names.map((n) => {
    const g = all.find((x) => x.GroupName === n);
    if (!g) throw Ec2Errors.groupNotFound(n);
    return g;
  });
}

/** Resolves and checks a launch; nothing is written. */
export async function planLaunch(r: Ec2Region, q: LaunchRequest): Promise<LaunchPlan> {
  let data: TemplateData = {};
  let launchTemplate: LaunchPlan['launchTemplate'];
  if (q.launchTemplate) {
    const { lt, version } = await resolveLaunchTemplate(r, q.launchTemplate);
    data = version.LaunchTemplateData as TemplateData;
    launchTemplate = { LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateName: lt.LaunchTemplateName, Version: String(version.VersionNumber) };
  }
  if (q.minCount < 1) throw Ec2Errors.countBelowOne('MinCount', q.minCount);
  if (q.maxCount < 1) throw Ec2Errors.countBelowOne('MaxCount', q.maxCount);
  if (q.minCount > q.maxCount) throw Ec2Errors.minCountAboveMax(q.minCount, q.maxCount);
  const imageId = q.imageId ?? data.ImageId;
  if (!imageId) throw Ec2Errors.missingParameter('ImageId');
  if (!/^ami-[0-9a-f]{8,17}$/.test(imageId)) throw Ec2Errors.amiMalformed(imageId);
  const type = q.instanceType ?? data.InstanceType ?? 'm1.small';
  const typeInfo = instanceType(type);
  if (!typeInfo) throw Ec2Errors.unsupportedType();
  const keyName = q.keyName ?? data.KeyName;
  if (keyName !== undefined && !(await keyPairByName(r, keyName))) throw Ec2Errors.keyPairNotFound(keyName);
  const primaryNic = data.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
  const subnet = await pickSubnet(r, q.subnetId ?? primaryNic?.SubnetId, q.availabilityZone ?? data.Placement?.AvailabilityZone);
  const groupNames = q.securityGroupNames ?? (q.securityGroupIds ? undefined : data.SecurityGroups);
  const groups = groupNames?.length && !q.securityGroupIds?.length
    ? await groupsByName(r, groupNames, subnet)
    : await groupsFor(r, q.securityGroupIds ?? data.SecurityGroupIds ?? primaryNic?.Groups, subnet);
  const privateIp = q.privateIpAddress ?? primaryNic?.PrivateIpAddress;
  const free = await r.ipam.available(subnet);
  const count = Math.min(q.maxCount, free, privateIp ? 1 : Infinity);
  if (count < q.minCount) throw Ec2Errors.insufficientAddresses(subnet.SubnetId);
  const profile = q.iamInstanceProfile ?? data.IamInstanceProfile;
  let tags = mergeTags(tagsFromSpecs(data.TagSpecifications, 'instance', RUN_TAG_TYPES), tagsFromSpecs(q.tagSpecs, 'instance', RUN_TAG_TYPES));
  const eniTags = mergeTags(tagsFromSpecs(data.TagSpecifications, 'network-interface', RUN_TAG_TYPES), tagsFromSpecs(q.tagSpecs, 'network-interface', RUN_TAG_TYPES));
  const system = [...(q.systemTags ?? [])];
  if (launchTemplate) system.push({ Key: 'aws:ec2launchtemplate:id', Value: launchTemplate.LaunchTemplateId }, { Key: 'aws:ec2launchtemplate:version', Value: launchTemplate.Version });
  tags = [...tags.filter((t) => !system.some((s) => s.Key === t.Key)), ...system];
  const meta = { ...data.MetadataOptions, ...q.metadataOptions };
  return {
    reservationId: newId('r'),
    requesterId: q.requesterId,
    instanceIds: Array.from({ length: count }, () => newId('i')),
    eniIds: Array.from({ length: count }, () => newId('eni')),
    subnetId: subnet.SubnetId,
    imageId,
    instanceType: type,
    keyName,
    groupIds: groups.map((g) => g.GroupId),
    privateIp,
    iamInstanceProfile: profile ? { Arn: profile.Arn ?? `arn:aws:iam::${r.account}:instance-profile/${profile.Name ?? ''}`, Id: newId('AIPA').replace('AIPA-', 'AIPA').toUpperCase() } : undefined,
    userData: q.userData ?? data.UserData,
    tags,
    eniTags,
    metadataOptions: { HttpTokens: meta.HttpTokens ?? 'optional', HttpPutResponseHopLimit: meta.HttpPutResponseHopLimit ?? 1, HttpEndpoint: meta.HttpEndpoint ?? 'enabled' },
    launchTemplate,
    clientToken: q.clientToken,
    ebsOptimized: q.ebsOptimized ?? data.EbsOptimized ?? false,
  };
}

/**
 * Creates the plan's instances that do not exist yet and returns all of them. When the subnet
 * runs out of addresses midway, the instances made so far stay if there are at least `minCount`
 * of them; otherwise the error is thrown.
 */
export async function executePlan(r: Ec2Region, plan: LaunchPlan, minCount = 1, resuming = false): Promise<InstanceDoc[]> {
  const subnet = await r.subnet(plan.subnetId);
  const groups = await Promise.all(plan.groupIds.map((id) => r.group(id)));
  const typeInfo = instanceType(plan.instanceType)!;
  const out: InstanceDoc[] = [];
  for (const [k, instanceId] of plan.instanceIds.entries()) {
    const existing = await r.instances.get(instanceId);
    if (existing) {
      out.push(existing.value);
      continue;
    }
    const eniId = plan.eniIds[k]!;
    let eni = (await r.enis.get(eniId))?.value;
    if (!eni) {
      try {
        const allocatedIp = resuming ? await r.ipam.addressOf(subnet, eniId) : undefined;
        eni = await createEni(r, { subnet, groups, eniId, privateIp: plan.privateIp, allocatedIp, tags: plan.eniTags, requesterId: plan.requesterId });
      } catch (err) {
        if (out.length >= minCount) break;
        throw err;
      }
    }
    const now = r.now();
    const publicIp = subnet.MapPublicIpOnLaunch ? newPublicIp() : undefined;
    await r.enis.modify(eniId, (e) => ({
      ...e,
      Status: 'in-use',
      Attachment: { AttachmentId: newId('eni-attach'), InstanceId: instanceId, InstanceOwnerId: r.account, DeviceIndex: 0, NetworkCardIndex: 0, Status: 'attached', AttachTime: now, DeleteOnTermination: true },
      Association: publicIp ? { PublicIp: publicIp, PublicDnsName: publicDnsName(publicIp, r.region), IpOwnerId: 'amazon' } : undefined,
    }));
    const doc: InstanceDoc = {
      InstanceId: instanceId,
      ReservationId: plan.reservationId,
      RequesterId: plan.requesterId,
      ImageId: plan.imageId,
      InstanceType: plan.instanceType,
      KeyName: plan.keyName,
      LaunchTime: now,
      AmiLaunchIndex: k,
      SubnetId: subnet.SubnetId,
      VpcId: subnet.VpcId,
      AvailabilityZone: subnet.AvailabilityZone,
      AvailabilityZoneId: subnet.AvailabilityZoneId,
      PrivateIpAddress: eni.PrivateIpAddress,
      PrivateDnsName: eni.PrivateDnsName,
      PublicIpAddress: publicIp,
      SecurityGroups: groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
      IamInstanceProfile: plan.iamInstanceProfile,
      Tags: plan.tags,
      ClientToken: plan.clientToken,
      Architecture: typeInfo.architecture,
      CpuOptions: { CoreCount: typeInfo.cores, ThreadsPerCore: typeInfo.threadsPerCore },
      EbsOptimized: plan.ebsOptimized,
      MetadataOptions: plan.metadataOptions,
      launchTemplate: plan.launchTemplate,
      userData: plan.userData,
      primaryEniId: eniId,
      state: 'pending',
      since: now,
      transitionReason: '',
    };
    await r.instances.create(instanceId, doc);
    out.push((await r.instances.get(instanceId))!.value);
  }
  return out;
}

/** RunInstances: plans, records the ClientToken's plan, executes; a known token replays its plan. */
export async function launch(r: Ec2Region, q: LaunchRequest): Promise<{ plan: LaunchPlan; instances: InstanceDoc[] }> {
  if (q.clientToken) {
    const known = await r.clientTokens.get(q.clientToken);
    if (known) return { plan: known.value.plan, instances: await executePlan(r, known.value.plan, 1, true) };
  }
  const plan = await planLaunch(r, q);
  if (q.clientToken && !(await r.clientTokens.create(q.clientToken, { plan, at: r.now() }))) return launch(r, q);
  return { plan, instances: await executePlan(r, plan, q.minCount) };
}
