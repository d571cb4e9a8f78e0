/**
 * Instance operations: RunInstances (./launch.ts), DescribeInstances (reservations, EC2's
 * filters, MaxResults 5–1000 without InstanceIds), Terminate/Stop/StartInstances
 * (./instances.ts) and DescribeInstanceStatus (running instances unless IncludeAllInstances).
 */
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { currentState, stateWire, STATE_CODES } from '../instance-state.js';
import { instancesByIds, instanceWire, loadJoin, startInstances, stopInstances, terminateInstances, visibleInstances } from '../instances.js';
import { launch } from '../launch.js';
import type { InstanceDoc, InstanceStateName } from '../model.js';
import { paginate } from '../paginate.js';
import type { Ec2Region } from '../state.js';

interface Row {
  i: InstanceDoc;
  state: InstanceStateName;
}

const FIELDS = {
  'instance-id': (x: Row) => x.i.InstanceId,
  'instance-state-name': (x: Row) => x.state,
  'instance-state-code': (x: Row) => STATE_CODES[x.state],
  'instance-type': (x: Row) => x.i.InstanceType,
  'subnet-id': (x: Row) => x.i.SubnetId,
  'vpc-id': (x: Row) => x.i.VpcId,
  'availability-zone': (x: Row) => x.i.AvailabilityZone,
  'private-ip-address': (x: Row) => (x.state === 'terminated' ? undefined : x.i.PrivateIpAddress),
  'private-dns-name': (x: Row) => (x.state === 'terminated' ? undefined : x.i.PrivateDnsName),
  'ip-address': (x: Row) => x.i.PublicIpAddress,
  'image-id': (x: Row) => x.i.ImageId,
  'key-name': (x: Row) => x.i.KeyName,
  'reservation-id': (x: Row) => x.i.ReservationId,
  'launch-time': (x: Row) => new Date(x.i.LaunchTime).toISOString(),
  architecture: (x: Row) => x.i.Architecture,
  'instance.group-id': (x: Row) => x.i.SecurityGroups.map((g) => g.GroupId),
  'instance.group-name': (x: Row) => x.i.SecurityGroups.map((g) => g.GroupName),
  'group-id': (x: Row) => x.i.SecurityGroups.map((g) => g.GroupId),
  'group-name': (x: Row) => x.i.SecurityGroups.map((g) => g.GroupName),
  'iam-instance-profile.arn': (x: Row) => x.i.IamInstanceProfile?.Arn,
  'network-interface.network-interface-id': (x: Row) => x.i.primaryEniId,
  'requester-id': (x: Row) => x.i.RequesterId,
  'client-token': (x: Row) => x.i.ClientToken,
  'root-device-type': () => 'ebs',
  'tenancy': () => 'default',
};

function checkMaxResults(n: number | undefined): void {
  if (n === undefined) return;
  if (n < 5) throw Ec2Errors.maxResultsTooSmall(n, 5);
  if (n > 1000) throw Ec2Errors.maxResultsTooLarge(n, 1000);
}

async function rows(r: Ec2Region, ids: string[] | undefined): Promise<Row[]> {
  const docs = ids?.length ? await instancesByIds(r, ids) : await visibleInstances(r);
  return docs.map((i) => ({ i, state: currentState(i, r.now(), r.env.timing).name }));
}

interface RunInput {
  MinCount: number;
  MaxCount: number;
  ImageId?: string;
  InstanceType?: string;
  KeyName?: string;
  SecurityGroupIds?: string[];
  SecurityGroups?: string[];
  SubnetId?: string;
  Placement?: { AvailabilityZone?: string };
  IamInstanceProfile?: { Arn?: string; Name?: string };
  UserData?: string;
  PrivateIpAddress?: string;
  LaunchTemplate?: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };
  TagSpecifications?: TagSpec[];
  MetadataOptions?: { HttpTokens?: string; HttpPutResponseHopLimit?: number; HttpEndpoint?: string };
  NetworkInterfaces?: { DeviceIndex?: number; SubnetId?: string; Groups?: string[]; PrivateIpAddress?: string }[];
  ClientToken?: string;
  EbsOptimized?: boolean;
}

/** Instance operations. */
export const instanceHandlers: Record<string, Ec2Handler> = {
  RunInstances: op<RunInput>(async (i, r, ctx) => {
    const nic = i.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
    const lt = i.LaunchTemplate;
    const { plan, instances } = await launch(r, {
      minCount: i.MinCount,
      maxCount: i.MaxCount,
      subnetId: i.SubnetId ?? nic?.SubnetId,
      availabilityZone: i.Placement?.AvailabilityZone,
      imageId: i.ImageId,
      instanceType: i.InstanceType,
      keyName: i.KeyName,
      securityGroupIds: i.SecurityGroupIds ?? nic?.Groups,
      securityGroupNames: i.SecurityGroups,
      iamInstanceProfile: i.IamInstanceProfile,
      userData: i.UserData,
      privateIpAddress: i.PrivateIpAddress ?? nic?.PrivateIpAddress,
      launchTemplate: lt && { id: lt.LaunchTemplateId, name: lt.LaunchTemplateName, version: lt.Version },
      tagSpecs: i.TagSpecifications,
      metadataOptions: i.MetadataOptions,
      clientToken: i.ClientToken,
      ebsOptimized: i.EbsOptimized,
    });
    const join = await loadJoin(r);
    return { ReservationId: plan.reservationId, OwnerId: ctx.account, Groups: [], Instances: instances.map((x) => instanceWire(r, x, join)) };
  }),

  DescribeInstances: op<DescribeInput & { InstanceIds?: string[] }>(async (i, r) => {
    if (i.InstanceIds?.length && i.MaxResults !== undefined) throw Ec2Errors.instanceIdsWithMaxResults();
    checkMaxResults(i.MaxResults);
    const hits = applyFilters(await rows(r, i.InstanceIds), i.Filters, FIELDS, (x) => x.i.Tags);
    const { page, nextToken } = paginate(hits, (x) => x.i.InstanceId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    const join = await loadJoin(r);
    const reservations = new Map<string, Record<string, unknown>[]>();
    for (const x of page) {
      const list = reservations.get(x.i.ReservationId) ?? [];
      list.push(instanceWire(r, x.i, join));
      reservations.set(x.i.ReservationId, list);
    }
    return {
      Reservations: [...reservations].map(([id, instances]) => ({ ReservationId: id, OwnerId: r.account, Groups: [], Instances: instances })),
      NextToken: nextToken,
    };
  }),

  TerminateInstances: op<{ InstanceIds: string[] }>(async (i, r) => ({ TerminatingInstances: await terminateInstances(r, i.InstanceIds) })),
  StopInstances: op<{ InstanceIds: string[] }>(async (i, r) => ({ StoppingInstances: await stopInstances(r, i.InstanceIds) })),
  StartInstances: op<{ InstanceIds: string[] }>(async (i, r) => ({ StartingInstances: await startInstances(r, i.InstanceIds) })),

  DescribeInstanceStatus: op<DescribeInput & { InstanceIds?: string[]; IncludeAllInstances?: boolean }>(async (i, r) => {
    checkMaxResults(i.MaxResults);
    let all = await rows(r, i.InstanceIds);
    if (!i.IncludeAllInstances) all = all.filter((x) => x.state === 'running');
    const status = (x: Row) => (x.state === 'running' ? 'ok' : 'not-applicable');
    const hits = applyFilters(all, i.Filters, {
      'availability-zone': (x) => x.i.AvailabilityZone,
      'instance-state-name': (x) => x.state,
      'instance-state-code': (x) => STATE_CODES[x.state],
      'instance-status.status': status,
      'system-status.status': status,
      'instance-status.reachability': (x) => (x.state === 'running' ? 'passed' : undefined),
      'system-status.reachability': (x) => (x.state === 'running' ? 'passed' : undefined),
    });
    const { page, nextToken } = paginate(hits, (x) => x.i.InstanceId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    const summary = (x: Row) => ({ Status: status(x), Details: x.state === 'running' ? [{ Name: 'reachability', Status: 'passed' }] : undefined });
    return {
      InstanceStatuses: page.map((x) => ({
        AvailabilityZone: x.i.AvailabilityZone,
        AvailabilityZoneId: x.i.AvailabilityZoneId,
        InstanceId: x.i.InstanceId,
        InstanceState: stateWire(x.state),
        InstanceStatus: summary(x),
        SystemStatus: summary(x),
        AttachedEbsStatus: summary(x),
        Events: [],
      })),
      NextToken: nextToken,
    };
  }),
};
