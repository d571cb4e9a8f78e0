/**
 * What AWS services ask of each other, as interfaces: EKS checks subnets and roles and owns Auto
 * Scaling groups for node groups; Auto Scaling launches EC2 instances. Each service implements
 * its side over its own stored state; `server/` wires the implementations together, so no
 * service imports another's internals.
 */

export interface SubnetInfo {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  availabilityZoneId: string;
  cidrBlock: string;
  availableIpAddressCount: number;
}

/** EC2 as other services see it. All calls are scoped by account and region. */
export interface Ec2Api {
  /** The subnets that exist among `ids` (missing ones are simply absent). */
  describeSubnets(account: string, region: string, ids: string[]): Promise<SubnetInfo[]>;
  /** Security groups that exist among `ids`, with their VPC. */
  describeSecurityGroups(account: string, region: string, ids: string[]): Promise<{ groupId: string; vpcId: string }[]>;
  /** Creates a security group (EKS makes the cluster security group); returns its id. */
  createSecurityGroup(account: string, region: string, input: { vpcId: string; name: string; description: string; tags?: Record<string, string> }): Promise<string>;
  deleteSecurityGroup(account: string, region: string, groupId: string): Promise<void>;
  /** Launches instances from a launch template or an explicit spec into one subnet. */
  runInstances(account: string, region: string, input: RunInstancesInput): Promise<InstanceInfo[]>;
  terminateInstances(account: string, region: string, instanceIds: string[]): Promise<void>;
  describeInstances(account: string, region: string, instanceIds: string[]): Promise<InstanceInfo[]>;
  /** Takes one private address from a subnet (EKS control plane ENIs, pod IPs later); undefined when full. */
  allocatePrivateIp(account: string, region: string, subnetId: string): Promise<string | undefined>;
  releasePrivateIp(account: string, region: string, subnetId: string, ip: string): Promise<void>;
  /**
   * Takes up to `count` addresses for `owner` — an instance id: the VPC CNI's secondary addresses,
   * freed with the instance — fewer, possibly none, when the subnet runs short.
   */
  allocatePrivateIps(account: string, region: string, subnetId: string, count: number, owner: string): Promise<string[]>;
  /** Takes a free, aligned /28 for prefix delegation: its 16 addresses, or undefined when none is left. */
  allocatePrefix(account: string, region: string, subnetId: string, owner: string): Promise<string[] | undefined>;
  /** Every address in use in the subnet, grouped by who holds it (one read of the subnet's address book). */
  privateIpsByOwner(account: string, region: string, subnetId: string): Promise<Map<string, string[]>>;
  /** The instances (not yet expired from view) with a tag whose key starts with `keyPrefix` (e.g. `kubernetes.io/cluster/`). */
  instancesTagged(account: string, region: string, keyPrefix: string): Promise<InstanceInfo[]>;
}

export interface RunInstancesInput {
  subnetId: string;
  count: number;
  instanceType?: string;
  imageId?: string;
  launchTemplate?: { id?: string; name?: string; version?: string };
  securityGroupIds?: string[];
  iamInstanceProfileArn?: string;
  tags?: Record<string, string>;
  userData?: string;
}

export interface InstanceInfo {
  instanceId: string;
  instanceType: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  privateIpAddress: string;
  privateDnsName: string;
  state: 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';
  launchTime: number;
  tags: Record<string, string>;
}

/** IAM as other services see it. */
export interface IamApi {
  /** The role, or undefined when it does not exist. */
  getRole(account: string, roleArn: string): Promise<{ arn: string; name: string } | undefined>;
  /** Whether the role's trust policy lets `servicePrincipal` (e.g. eks.amazonaws.com) assume it. */
  roleTrusts(account: string, roleArn: string, servicePrincipal: string): Promise<boolean>;
}

/** Auto Scaling as EKS sees it: managed node groups own one group each. */
export interface AutoScalingApi {
  createGroup(account: string, region: string, input: {
    name: string;
    minSize: number;
    maxSize: number;
    desiredCapacity: number;
    subnetIds: string[];
    launchTemplate?: { id?: string; name?: string; version?: string };
    instanceType?: string;
    tags?: Record<string, string>;
    /** Lifecycle hooks in place before the first launch (CreateAutoScalingGroup's LifecycleHookSpecificationList). */
    lifecycleHooks?: { name: string; transition: 'autoscaling:EC2_INSTANCE_LAUNCHING' | 'autoscaling:EC2_INSTANCE_TERMINATING'; heartbeatTimeout?: number; defaultResult?: 'CONTINUE' | 'ABANDON' }[];
  }): Promise<void>;
  updateGroup(account: string, region: string, name: string, input: { minSize?: number; maxSize?: number; desiredCapacity?: number }): Promise<void>;
  deleteGroup(account: string, region: string, name: string, opts: { forceDelete: boolean }): Promise<void>;
  /** The group, its members, and EC2's error for its last launch when that launch failed. */
  describeGroup(account: string, region: string, name: string): Promise<{ name: string; desiredCapacity: number; instances: { instanceId: string; lifecycleState: string; availabilityZone: string }[]; launchError?: { code: string; message: string } } | undefined>;
  /** CompleteLifecycleAction by instance id (a ValidationError when the instance waits on no such hook). */
  completeLifecycleAction(account: string, region: string, input: { groupName: string; hookName: string; instanceId: string; result: 'CONTINUE' | 'ABANDON' }): Promise<void>;
}
