/**
 * The stored documents of EC2 resources. Each is kept close to its wire shape (member names as in
 * botocore's model, so a Describe answer is mostly the document itself — the serializer drops what
 * the shape does not declare); members in lowerCamelCase are eksplane's own bookkeeping.
 */

/** An EC2 tag. */
export interface Tag {
  Key: string;
  Value: string;
}

/** A Describe filter as the model parses it. */
export interface Filter {
  Name?: string;
  Values?: string[];
}

/** A VPC (wire shape Vpc) with its DNS attributes, main route table and default group. */
export interface VpcDoc {
  VpcId: string;
  CidrBlock: string;
  State: 'pending' | 'available';
  IsDefault: boolean;
  InstanceTenancy: string;
  DhcpOptionsId: string;
  OwnerId: string;
  Tags: Tag[];
  CidrBlockAssociationSet: { AssociationId: string; CidrBlock: string; CidrBlockState: { State: string } }[];
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  enableNetworkAddressUsageMetrics: boolean;
  /** The VPC's main route table and default security group. */
  mainRouteTableId: string;
  defaultGroupId: string;
}

/** A subnet (wire shape Subnet); AvailableIpAddressCount is computed from ./ipam.ts. */
export interface SubnetDoc {
  SubnetId: string;
  VpcId: string;
  CidrBlock: string;
  AvailabilityZone: string;
  AvailabilityZoneId: string;
  DefaultForAz: boolean;
  MapPublicIpOnLaunch: boolean;
  AssignIpv6AddressOnCreation: boolean;
  EnableDns64: boolean;
  Ipv6Native: boolean;
  MapCustomerOwnedIpOnLaunch: boolean;
  State: 'available';
  OwnerId: string;
  SubnetArn: string;
  PrivateDnsNameOptionsOnLaunch: { HostnameType: string; EnableResourceNameDnsARecord: boolean; EnableResourceNameDnsAAAARecord: boolean };
  Tags: Tag[];
}

/** One security group rule (what DescribeSecurityGroupRules lists). */
export interface RuleDoc {
  id: string;
  egress: boolean;
  /** `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number. */
  protocol: string;
  from: number;
  to: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  groupId?: string;
  prefixListId?: string;
  description?: string;
}

/** A security group; its rules are kept flat and grouped into IpPermissions on the wire. */
export interface SecurityGroupDoc {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  SecurityGroupArn: string;
  Tags: Tag[];
  rules: RuleDoc[];
}

/** An internet gateway and its (at most one) VPC attachment. */
export interface InternetGatewayDoc {
  InternetGatewayId: string;
  OwnerId: string;
  Tags: Tag[];
  Attachments: { VpcId: string; State: string }[];
}

/** One route of a route table. */
export interface RouteDoc {
  DestinationCidrBlock: string;
  GatewayId?: string;
  NatGatewayId?: string;
  NetworkInterfaceId?: string;
  InstanceId?: string;
  VpcPeeringConnectionId?: string;
  TransitGatewayId?: string;
  Origin: 'CreateRouteTable' | 'CreateRoute';
  State: 'active' | 'blackhole';
}

/** A route table association (main, subnet or gateway). */
export interface RouteTableAssociationDoc {
  RouteTableAssociationId: string;
  RouteTableId: string;
  Main: boolean;
  SubnetId?: string;
  GatewayId?: string;
  AssociationState: { State: string };
}

/** A route table with its routes and associations. */
export interface RouteTableDoc {
  RouteTableId: string;
  VpcId: string;
  OwnerId: string;
  Tags: Tag[];
  Routes: RouteDoc[];
  Associations: RouteTableAssociationDoc[];
  PropagatingVgws: never[];
}

/** The attachment of a network interface to an instance. */
export interface EniAttachmentDoc {
  AttachmentId: string;
  InstanceId: string;
  InstanceOwnerId: string;
  DeviceIndex: number;
  NetworkCardIndex: number;
  Status: 'attached' | 'attaching' | 'detaching' | 'detached';
  AttachTime: number;
  DeleteOnTermination: boolean;
}

/** A network interface (wire shape NetworkInterface, tags in TagSet). */
export interface NetworkInterfaceDoc {
  NetworkInterfaceId: string;
  SubnetId: string;
  VpcId: string;
  AvailabilityZone: string;
  AvailabilityZoneId: string;
  Description: string;
  Groups: { GroupId: string; GroupName: string }[];
  InterfaceType: string;
  MacAddress: string;
  OwnerId: string;
  PrivateIpAddress: string;
  PrivateDnsName: string;
  PrivateIpAddresses: { Primary: boolean; PrivateIpAddress: string; PrivateDnsName: string }[];
  RequesterManaged: boolean;
  RequesterId?: string;
  SourceDestCheck: boolean;
  Status: 'available' | 'in-use';
  TagSet: Tag[];
  Attachment?: EniAttachmentDoc;
  Association?: { PublicIp: string; PublicDnsName: string; IpOwnerId: string; AllocationId?: string; AssociationId?: string };
  Ipv6Addresses: never[];
}

/** The states an instance moves through; `since` is when the stored state was entered. */
export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

/** An instance; `state`/`since` are the stored state, read lazily by ./instance-state.ts. */
export interface InstanceDoc {
  InstanceId: string;
  ReservationId: string;
  RequesterId?: string;
  ImageId: string;
  InstanceType: string;
  KeyName?: string;
  LaunchTime: number;
  AmiLaunchIndex: number;
  SubnetId: string;
  VpcId: string;
  AvailabilityZone: string;
  AvailabilityZoneId: string;
  PrivateIpAddress: string;
  PrivateDnsName: string;
  PublicIpAddress?: string;
  SecurityGroups: { GroupId: string; GroupName: string }[];
  IamInstanceProfile?: { Arn: string; Id: string };
  Tags: Tag[];
  ClientToken?: string;
  Architecture: string;
  CpuOptions: { CoreCount: number; ThreadsPerCore: number };
  EbsOptimized: boolean;
  MetadataOptions: { HttpTokens: string; HttpPutResponseHopLimit: number; HttpEndpoint: string };
  launchTemplate?: { LaunchTemplateId: string; LaunchTemplateName: string; Version: string };
  userData?: string;
  primaryEniId: string;
  state: InstanceStateName;
  since: number;
  transitionReason: string;
  stateReason?: { Code: string; Message: string };
}

/** A key pair (the private key is never stored). */
export interface KeyPairDoc {
  KeyPairId: string;
  KeyName: string;
  KeyType: 'rsa' | 'ed25519';
  KeyFingerprint: string;
  PublicKey: string;
  CreateTime: number;
  Tags: Tag[];
}

/** An EBS volume and its attachments. */
export interface VolumeDoc {
  VolumeId: string;
  Size: number;
  SnapshotId: string;
  AvailabilityZone: string;
  AvailabilityZoneId: string;
  VolumeType: string;
  Iops?: number;
  Throughput?: number;
  Encrypted: boolean;
  KmsKeyId?: string;
  MultiAttachEnabled: boolean;
  CreateTime: number;
  Tags: Tag[];
  Attachments: { VolumeId: string; InstanceId: string; Device: string; State: string; AttachTime: number; DeleteOnTermination: boolean }[];
  /** `creating` until the clock passes `since` + the create delay. */
  state: 'creating' | 'available' | 'in-use';
  since: number;
}

/** A launch template (its versions are separate documents). */
export interface LaunchTemplateDoc {
  LaunchTemplateId: string;
  LaunchTemplateName: string;
  CreateTime: number;
  CreatedBy: string;
  DefaultVersionNumber: number;
  LatestVersionNumber: number;
  Tags: Tag[];
}

/** One version of a launch template. */
export interface LaunchTemplateVersionDoc {
  LaunchTemplateId: string;
  LaunchTemplateName: string;
  VersionNumber: number;
  VersionDescription?: string;
  CreateTime: number;
  CreatedBy: string;
  LaunchTemplateData: Record<string, unknown>;
}

/** An Elastic IP address. */
export interface AddressDoc {
  AllocationId: string;
  PublicIp: string;
  Domain: 'vpc';
  PublicIpv4Pool: string;
  NetworkBorderGroup: string;
  Tags: Tag[];
  AssociationId?: string;
  InstanceId?: string;
  NetworkInterfaceId?: string;
  NetworkInterfaceOwnerId?: string;
  PrivateIpAddress?: string;
}

/** A NAT gateway; `state`/`since` are read lazily like instance states. */
export interface NatGatewayDoc {
  NatGatewayId: string;
  SubnetId: string;
  VpcId: string;
  ConnectivityType: 'public' | 'private';
  CreateTime: number;
  DeleteTime?: number;
  NatGatewayAddresses: { AllocationId?: string; NetworkInterfaceId: string; PrivateIp: string; PublicIp?: string; IsPrimary: boolean; Status: string }[];
  Tags: Tag[];
  state: 'pending' | 'available' | 'deleting' | 'deleted';
  since: number;
}

/**
 * Everything RunInstances resolved before writing anything: replaying a plan creates exactly the
 * instances it names, so a retried ClientToken (or a launch interrupted by a restart) finishes the
 * same launch instead of starting another.
 */
export interface LaunchPlan {
  reservationId: string;
  requesterId?: string;
  instanceIds: string[];
  eniIds: string[];
  subnetId: string;
  imageId: string;
  instanceType: string;
  keyName?: string;
  groupIds: string[];
  privateIp?: string;
  iamInstanceProfile?: { Arn: string; Id: string };
  userData?: string;
  tags: Tag[];
  eniTags: Tag[];
  metadataOptions: InstanceDoc['MetadataOptions'];
  launchTemplate?: InstanceDoc['launchTemplate'];
  clientToken?: string;
  ebsOptimized: boolean;
}

/** A RunInstances ClientToken and the plan it launched, for idempotent retries. */
export interface ClientTokenDoc {
  plan: LaunchPlan;
  at: number;
}
