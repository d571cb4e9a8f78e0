/**
 * Ec2Api (../contracts.ts) over the same state the handlers use, for EKS, Auto Scaling and the data
 * plane in-process. Beyond the contract it offers what Auto Scaling needs and the contract does
 * not have yet (see {@link Ec2ApiExtras}); `runInstances` also honours a `clientToken`.
 */
import type { Ec2Api, InstanceInfo, RunInstancesInput, SubnetInfo } from '../contracts.js';
import { Ec2Errors } from './errors.js';
import { currentState, expired } from './instance-state.js';
import { terminateInstances } from './instances.js';
import { launch } from './launch.js';
import { resolveLaunchTemplate, type LaunchTemplateSpec } from './launch-templates.js';
import type { InstanceDoc, SubnetDoc } from './model.js';
import { createSecurityGroup, deleteSecurityGroup } from './handlers/security-groups.js';
import type { Ec2Region } from './state.js';
import { tagList, tagMap } from './tags.js';
import { defaultNodeImageId } from './images.js';

/** A launch template as resolved for a caller. */
export interface ResolvedLaunchTemplate {
  id: string;
  name: string;
  /** The version number `version` resolved to. */
  version: number;
  instanceType?: string;
  imageId?: string;
}

/** What the Ec2Api implementation offers beyond the contract (proposed additions to contracts.ts). */
export interface Ec2ApiExtras {
  /** Resolves `{id | name, version}`; throws EC2's NotFound errors. */
  describeLaunchTemplate(account: string, region: string, spec: LaunchTemplateSpec): Promise<ResolvedLaunchTemplate>;
  /** The default subnets of the default VPC (those of `zones` when given). */
  defaultSubnets(account: string, region: string, zones?: string[]): Promise<SubnetInfo[]>;
}

/** RunInstancesInput with the idempotency token EC2's RunInstances has. */
export type RunInstancesInputWithToken = RunInstancesInput & { clientToken?: string };

async function subnetInfo(r: Ec2Region, s: SubnetDoc): Promise<SubnetInfo> {
  return { subnetId: s.SubnetId, vpcId: s.VpcId, availabilityZone: s.AvailabilityZone, availabilityZoneId: s.AvailabilityZoneId, cidrBlock: s.CidrBlock, availableIpAddressCount: await r.ipam.available(s) };
}

function instanceInfo(r: Ec2Region, i: InstanceDoc): InstanceInfo {
  return {
    instanceId: i.InstanceId,
    instanceType: i.InstanceType,
    subnetId: i.SubnetId,
    vpcId: i.VpcId,
    availabilityZone: i.AvailabilityZone,
    privateIpAddress: i.PrivateIpAddress,
    privateDnsName: i.PrivateDnsName,
    state: currentState(i, r.now(), r.env.timing).name,
    launchTime: i.LaunchTime,
    tags: tagMap(i.Tags),
  };
}

/** The Ec2Api of a region-state factory. */
export function createEc2Api(regionOf: (account: string, region: string) => Promise<Ec2Region>): Ec2Api & Ec2ApiExtras {
  return {
    async describeSubnets(account, region, ids) {
      const r = await regionOf(account, region);
      const out: SubnetInfo[] = [];
      for (const id of ids) {
        const s = await r.subnets.get(id);
        if (s) out.push(await subnetInfo(r, s.value));
      }
      return out;
    },

    async describeSecurityGroups(account, region, ids) {
      const r = await regionOf(account, region);
      const out: { groupId: string; vpcId: string }[] = [];
      for (const id of ids) {
        const g = await r.groups.get(id);
        if (g) out.push({ groupId: g.value.GroupId, vpcId: g.value.VpcId });
      }
      return out;
    },

    async createSecurityGroup(account, region, input) {
      const r = await regionOf(account, region);
      return (await createSecurityGroup(r, { GroupName: input.name, Description: input.description, VpcId: input.vpcId, tags: tagList(input.tags) })).GroupId;
    },

    async deleteSecurityGroup(account, region, groupId) {
      const r = await regionOf(account, region);
      if (await r.groups.get(groupId)) await deleteSecurityGroup(r, groupId);
    },

    async runInstances(account, region, input: RunInstancesInputWithToken) {
      const r = await regionOf(account, region);
      const tags = Object.entries(input.tags ?? {});
      const { instances } = await launch(r, {
        minCount: 1,
        maxCount: input.count,
        subnetId: input.subnetId,
        instanceType: input.instanceType,
        // Other services (Auto Scaling groups of node groups) may launch without an image; they get EKS's node AMI.
        imageId: input.imageId ?? (input.launchTemplate ? undefined : defaultNodeImageId(region)),
        launchTemplate: input.launchTemplate,
        securityGroupIds: input.securityGroupIds,
        iamInstanceProfile: input.iamInstanceProfileArn ? { Arn: input.iamInstanceProfileArn } : undefined,
        userData: input.userData,
        tagSpecs: [{ ResourceType: 'instance', Tags: tags.filter(([k]) => !k.startsWith('aws:')).map(([Key, Value]) => ({ Key, Value })) }],
        systemTags: tags.filter(([k]) => k.startsWith('aws:')).map(([Key, Value]) => ({ Key, Value })),
        clientToken: input.clientToken,
      });
      return instances.map((i) => instanceInfo(r, i));
    },

    async terminateInstances(account, region, instanceIds) {
      const r = await regionOf(account, region);
      const known: string[] = [];
      for (const id of instanceIds) if (await r.instances.get(id)) known.push(id);
      if (known.length) await terminateInstances(r, known);
    },

    async describeInstances(account, region, instanceIds) {
      const r = await regionOf(account, region);
      const found = await Promise.all([...new Set(instanceIds)].map(async (id) => (await r.instances.get(id))?.value));
      return found.filter((i): i is InstanceDoc => i !== undefined && !expired(i, r.now(), r.env.timing)).map((i) => instanceInfo(r, i));
    },

    async allocatePrivateIp(account, region, subnetId) {
      const r = await regionOf(account, region);
      return r.ipam.allocate(await r.subnet(subnetId), 'ec2-api', r.now());
    },

    async releasePrivateIp(account, region, subnetId, ip) {
      const r = await regionOf(account, region);
      const s = await r.subnets.get(subnetId);
      if (s) await r.ipam.release(s.value, ip);
    },

    async allocatePrivateIps(account, region, subnetId, count, owner) {
      const r = await regionOf(account, region);
      const subnet = await r.subnet(subnetId);
      const out: string[] = [];
      while (out.length < count) {
        const ip = await r.ipam.allocate(subnet, owner, r.now());
        if (!ip) break;
        out.push(ip);
      }
      return out;
    },

    async allocatePrefix(account, region, subnetId, owner) {
      const r = await regionOf(account, region);
      return r.ipam.allocatePrefix(await r.subnet(subnetId), owner, r.now());
    },

    async privateIpsByOwner(account, region, subnetId) {
      const r = await regionOf(account, region);
      const s = await r.subnets.get(subnetId);
      return s ? r.ipam.addressesByOwner(s.value) : new Map();
    },

    async instancesTagged(account, region, keyPrefix) {
      const r = await regionOf(account, region);
      const now = r.now();
      return (await r.instances.list())
        .map((x) => x.value)
        .filter((i) => !expired(i, now, r.env.timing) && i.Tags?.some((t) => t.Key.startsWith(keyPrefix)))
        .map((i) => instanceInfo(r, i));
    },

    async describeLaunchTemplate(account, region, spec) {
      const r = await regionOf(account, region);
      const { lt, version } = await resolveLaunchTemplate(r, spec);
      const data = version.LaunchTemplateData as { InstanceType?: string; ImageId?: string };
      return { id: lt.LaunchTemplateId, name: lt.LaunchTemplateName, version: version.VersionNumber, instanceType: data.InstanceType, imageId: data.ImageId };
    },

    async defaultSubnets(account, region, zones) {
      const r = await regionOf(account, region);
      const vpc = await r.defaultVpc();
      if (!vpc) throw Ec2Errors.noDefaultVpc();
      const subnets = (await r.all(r.subnets)).filter((s) => s.VpcId === vpc.VpcId && s.DefaultForAz && (!zones || zones.includes(s.AvailabilityZone)));
      return Promise.all(subnets.map((s) => subnetInfo(r, s)));
    },
  };
}
