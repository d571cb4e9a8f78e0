/**
 * What EC2 tells about itself: DescribeRegions, DescribeAvailabilityZones (the region of the
 * request), DescribeInstanceTypes (./instance-types.ts), DescribeImages (./images.ts) and
 * DescribeAccountAttributes (a fresh account's limits and its default VPC).
 */
import { AwsError } from '../../../types.js';
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler } from '../handler.js';
import { imagesOf } from '../images.js';
import { INSTANCE_TYPES, instanceTypeWire, type InstanceTypeInfo } from '../instance-types.js';
import { paginate } from '../paginate.js';
import { REGIONS, zonesOf, type RegionInfo, type Zone } from '../regions.js';

const REGION_FIELDS = {
  'region-name': (x: RegionInfo) => x.name,
  endpoint: (x: RegionInfo) => `ec2.${x.name}.amazonaws.com`,
  'opt-in-status': (x: RegionInfo) => (x.optIn ? 'not-opted-in' : 'opt-in-not-required'),
};

const ZONE_FIELDS = {
  'zone-name': (z: Zone) => z.name,
  'zone-id': (z: Zone) => z.id,
  'region-name': (z: Zone) => z.region,
  state: () => 'available',
  'zone-type': () => 'availability-zone',
  'group-name': (z: Zone) => `${z.region}-zg-1`,
  'opt-in-status': () => 'opt-in-not-required',
  'network-border-group': (z: Zone) => z.region,
  message: () => undefined,
};

const TYPE_FIELDS = {
  'instance-type': (t: InstanceTypeInfo) => t.name,
  'vcpu-info.default-vcpus': (t: InstanceTypeInfo) => t.vcpus,
  'vcpu-info.default-cores': (t: InstanceTypeInfo) => t.cores,
  'memory-info.size-in-mib': (t: InstanceTypeInfo) => t.memoryMiB,
  'processor-info.supported-architecture': (t: InstanceTypeInfo) => t.architecture,
  'processor-info.manufacturer': (t: InstanceTypeInfo) => t.manufacturer,
  'current-generation': (t: InstanceTypeInfo) => t.currentGeneration,
  'burstable-performance-supported': (t: InstanceTypeInfo) => t.burstable,
  'bare-metal': (t: InstanceTypeInfo) => t.bareMetal,
  hypervisor: (t: InstanceTypeInfo) => t.hypervisor,
  'network-info.maximum-network-interfaces': (t: InstanceTypeInfo) => t.enis,
  'network-info.ipv4-addresses-per-interface': (t: InstanceTypeInfo) => t.ipv4PerEni,
  'network-info.ipv6-supported': (t: InstanceTypeInfo) => t.ipv6PerEni > 0,
  'network-info.network-performance': (t: InstanceTypeInfo) => t.networkPerformance,
  'supported-usage-class': () => ['on-demand', 'spot'],
  'supported-root-device-type': () => 'ebs',
  'supported-virtualization-type': () => 'hvm',
};

type Image = Record<string, unknown>;
const IMAGE_FIELDS = {
  name: (x: Image) => x.Name,
  'image-id': (x: Image) => x.ImageId,
  'owner-id': (x: Image) => x.OwnerId,
  'owner-alias': (x: Image) => x.ImageOwnerAlias,
  architecture: (x: Image) => x.Architecture,
  state: (x: Image) => x.State,
  'is-public': (x: Image) => x.Public,
  'image-type': (x: Image) => x.ImageType,
  'platform-details': (x: Image) => x.PlatformDetails,
  'root-device-type': (x: Image) => x.RootDeviceType,
  'root-device-name': (x: Image) => x.RootDeviceName,
  'virtualization-type': (x: Image) => x.VirtualizationType,
  description: (x: Image) => x.Description,
  hypervisor: (x: Image) => x.Hypervisor,
};

/** The catalog operations. */
export const catalogHandlers: Record<string, Ec2Handler> = {
  DescribeRegions: op<DescribeInput & { RegionNames?: string[]; AllRegions?: boolean }>(async (i) => {
    for (const n of i.RegionNames ?? []) if (!REGIONS.some((x) => x.name === n)) throw Ec2Errors.invalidRegion(n);
    let regions = REGIONS.filter((x) => i.AllRegions || !x.optIn || i.RegionNames?.includes(x.name));
    if (i.RegionNames?.length) regions = regions.filter((x) => i.RegionNames!.includes(x.name));
    return {
      Regions: applyFilters(regions, i.Filters, REGION_FIELDS).map((x) => ({ RegionName: x.name, Endpoint: REGION_FIELDS.endpoint(x), OptInStatus: REGION_FIELDS['opt-in-status'](x) })),
    };
  }),

  DescribeAvailabilityZones: op<DescribeInput & { ZoneNames?: string[]; ZoneIds?: string[] }>(async (i, r) => {
    let zones = zonesOf(r.region);
    for (const n of i.ZoneNames ?? []) if (!zones.some((z) => z.name === n)) throw Ec2Errors.invalidZone(n);
    for (const n of i.ZoneIds ?? []) if (!zones.some((z) => z.id === n)) throw Ec2Errors.invalidZone(n);
    if (i.ZoneNames?.length || i.ZoneIds?.length) zones = zones.filter((z) => i.ZoneNames?.includes(z.name) || i.ZoneIds?.includes(z.id));
    return {
      AvailabilityZones: applyFilters(zones, i.Filters, ZONE_FIELDS).map((z) => ({
        ZoneName: z.name, ZoneId: z.id, RegionName: z.region, State: 'available', OptInStatus: 'opt-in-not-required', Messages: [],
        GroupName: ZONE_FIELDS['group-name'](z), NetworkBorderGroup: z.region, ZoneType: 'availability-zone',
      })),
    };
  }),

  DescribeInstanceTypes: op<DescribeInput & { InstanceTypes?: string[] }>(async (i) => {
    const unknown = (i.InstanceTypes ?? []).filter((n) => !INSTANCE_TYPES.some((t) => t.name === n));
    if (unknown.length) throw new AwsError('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
    const asked = i.InstanceTypes?.length ? INSTANCE_TYPES.filter((t) => i.InstanceTypes!.includes(t.name)) : [...INSTANCE_TYPES];
    if (i.MaxResults !== undefined && (i.MaxResults < 5 || i.MaxResults > 100)) throw Ec2Errors.maxResultsTooSmall(i.MaxResults, 5);
    const hits = applyFilters(asked, i.Filters, TYPE_FIELDS);
    const { page, nextToken } = paginate(hits, (t) => t.name, { maxResults: i.MaxResults ?? 100, nextToken: i.NextToken });
    return { InstanceTypes: page.map(instanceTypeWire), NextToken: nextToken };
  }),

  DescribeImages: op<DescribeInput & { ImageIds?: string[]; Owners?: string[] }>(async (i, r) => {
    let images = imagesOf(r.region);
    for (const id of i.ImageIds ?? []) if (!images.some((x) => x.ImageId === id)) throw Ec2Errors.amiNotFound(id);
    if (i.ImageIds?.length) images = images.filter((x) => i.ImageIds!.includes(x.ImageId as string));
    if (i.Owners?.length) images = images.filter((x) => i.Owners!.some((o) => o === x.OwnerId || o === x.ImageOwnerAlias || (o === 'self' && x.OwnerId === r.account)));
    const hits = applyFilters(images, i.Filters, IMAGE_FIELDS, (x) => x.Tags as { Key: string; Value: string }[]);
    const { page, nextToken } = paginate(hits, (x) => String(x.ImageId), { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { Images: page, NextToken: nextToken };
  }),

  DescribeAccountAttributes: op<{ AttributeNames?: string[] }>(async (i, r) => {
    const vpc = await r.defaultVpc();
    const attrs: Record<string, string[]> = {
      'supported-platforms': ['VPC'],
      'default-vpc': [vpc?.VpcId ?? 'none'],
      'max-instances': ['20'],
      'max-elastic-ips': ['5'],
      'vpc-max-elastic-ips': ['5'],
      'vpc-max-security-groups-per-interface': ['5'],
    };
    const names = i.AttributeNames?.length ? i.AttributeNames : Object.keys(attrs);
    return { AccountAttributes: names.filter((n) => attrs[n]).map((n) => ({ AttributeName: n, AttributeValues: attrs[n]!.map((v) => ({ AttributeValue: v })) })) };
  }),
};
