/**
 * The AWS managed policies EKS setups attach, as data: `arn:aws:iam::aws:policy[/path]/NAME`.
 * The documents are ours — smaller than AWS's, but granting the same kind of access for the
 * actions this emulator serves (EKS, EC2, IAM, KMS, STS, Auto Scaling) and naming the rest
 * (ECR, SSM, ELB) the way the real ones do, so policy checks behave as users expect.
 */
import { createHash } from 'node:crypto';
import type { ManagedPolicyRecord } from './iam-records.js';

interface ManagedSpec {
  path?: string;
  description: string;
  statements: { Effect?: 'Allow' | 'Deny'; Action?: string[]; NotAction?: string[]; Resource?: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }[];
}

const READ = ['Describe*', 'Get*', 'List*'];
const read = (...services: string[]) => services.flatMap((s) => READ.map((r) => `${s}:${r}`));
const ecrPull = ['ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
const eniManage = ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstances', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs'];

const SPECS: Record<string, ManagedSpec> = {
  AdministratorAccess: { description: 'Provides full access to AWS services and resources.', statements: [{ Action: ['*'], Resource: '*' }] },
  PowerUserAccess: {
    description: 'Provides full access to AWS services and resources, but does not allow management of Users and groups.',
    statements: [
      { NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      { Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions', 'account:GetAccountInformation'], Resource: '*' },
    ],
  },
  ReadOnlyAccess: {
    description: 'Provides read-only access to AWS services and resources.',
    statements: [{ Action: [...read('eks', 'ec2', 'iam', 'kms', 'autoscaling', 'ecr', 'ssm', 'elasticloadbalancing', 'cloudformation', 'logs', 's3'), 'sts:GetCallerIdentity'], Resource: '*' }],
  },
  IAMFullAccess: {
    description: 'Provides full access to IAM via the AWS Management Console.',
    statements: [{ Action: ['iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization', 'organizations:DescribeOrganizationalUnit', 'organizations:DescribePolicy', 'organizations:ListChildren', 'organizations:ListParents', 'organizations:ListPoliciesForTarget', 'organizations:ListRoots', 'organizations:ListPolicies', 'organizations:ListTargetsForPolicy'], Resource: '*' }],
  },
  AmazonEKSClusterPolicy: {
    description: 'This policy provides Kubernetes the permissions it requires to manage resources on your behalf.',
    statements: [
      {
        Action: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:UpdateAutoScalingGroup', 'ec2:AttachVolume', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateRoute', 'ec2:CreateSecurityGroup', 'ec2:CreateTags', 'ec2:CreateVolume', 'ec2:DeleteRoute', 'ec2:DeleteSecurityGroup', 'ec2:DeleteVolume', 'ec2:Describe*', 'ec2:DetachVolume', 'ec2:ModifyInstanceAttribute', 'ec2:ModifyVolume', 'ec2:RevokeSecurityGroupIngress', 'elasticloadbalancing:*', 'kms:DescribeKey'],
        Resource: '*',
      },
      { Action: ['iam:CreateServiceLinkedRole'], Resource: '*', Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } } },
    ],
  },
  AmazonEKSServicePolicy: {
    description: 'This policy allows Amazon Elastic Container Service for Kubernetes to create and manage the necessary resources to operate EKS Clusters.',
    statements: [
      { Action: [...eniManage, 'ec2:CreateNetworkInterfacePermission', 'iam:ListAttachedRolePolicies', 'eks:UpdateClusterVersion'], Resource: '*' },
      { Action: ['ec2:CreateTags', 'ec2:DeleteTags'], Resource: ['arn:aws:ec2:*:*:vpc/*', 'arn:aws:ec2:*:*:subnet/*'] },
      { Action: ['route53:AssociateVPCWithHostedZone', 'logs:CreateLogGroup', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Resource: '*' },
      { Action: ['iam:CreateServiceLinkedRole'], Resource: '*', Condition: { StringLike: { 'iam:AWSServiceName': 'eks.amazonaws.com' } } },
    ],
  },
  AmazonEKSWorkerNodePolicy: {
    description: 'This policy allows Amazon EKS worker nodes to connect to Amazon EKS Clusters.',
    statements: [{ Action: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypes', 'ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications', 'ec2:DescribeVpcs', 'eks:DescribeCluster', 'eks-auth:AssumeRoleForPodIdentity'], Resource: '*' }],
  },
  AmazonEKS_CNI_Policy: {
    description: 'This policy provides the Amazon VPC CNI Plugin (amazon-vpc-cni-k8s) the permissions it requires to modify the IP address configuration on your EKS worker nodes.',
    statements: [
      { Action: [...eniManage, 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses', 'ec2:AssignIpv6Addresses', 'ec2:DescribeInstanceTypes', 'ec2:DescribeTags'], Resource: '*' },
      { Action: ['ec2:CreateTags'], Resource: ['arn:aws:ec2:*:*:network-interface/*'] },
    ],
  },
  AmazonEKSVPCResourceController: {
    description: 'Policy used by VPC Resource Controller to manage ENI and IPs for worker nodes.',
    statements: [
      { Action: ['ec2:CreateNetworkInterfacePermission'], Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'ec2:ResourceTag/eks:eni:owner': 'eks-vpc-resource-controller' } } },
      { Action: [...eniManage, 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: '*' },
    ],
  },
  AmazonEKSFargatePodExecutionRolePolicy: {
    description: 'Provides access to other AWS service resources that are required to run Amazon EKS pods on AWS Fargate.',
    statements: [{ Action: ecrPull, Resource: '*' }],
  },
  AmazonEC2ContainerRegistryReadOnly: {
    description: 'Provides read-only access to Amazon EC2 Container Registry repositories.',
    statements: [{ Action: [...ecrPull, 'ecr:GetRepositoryPolicy', 'ecr:DescribeRepositories', 'ecr:ListImages', 'ecr:DescribeImages', 'ecr:GetLifecyclePolicy', 'ecr:GetLifecyclePolicyPreview', 'ecr:ListTagsForResource', 'ecr:DescribeImageScanFindings'], Resource: '*' }],
  },
  AmazonEBSCSIDriverPolicy: {
    path: '/service-role/',
    description: 'IAM Policy that allows the CSI driver service account to make calls to related services such as EC2 on your behalf.',
    statements: [
      { Action: ['ec2:CreateSnapshot', 'ec2:AttachVolume', 'ec2:DetachVolume', 'ec2:ModifyVolume', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInstances', 'ec2:DescribeSnapshots', 'ec2:DescribeTags', 'ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications'], Resource: '*' },
      { Action: ['ec2:CreateTags'], Resource: ['arn:aws:ec2:*:*:volume/*', 'arn:aws:ec2:*:*:snapshot/*'], Condition: { StringEquals: { 'ec2:CreateAction': ['CreateVolume', 'CreateSnapshot'] } } },
      { Action: ['ec2:CreateVolume'], Resource: '*', Condition: { StringLike: { 'aws:RequestTag/ebs.csi.aws.com/cluster': 'true' } } },
      { Action: ['ec2:CreateVolume'], Resource: '*', Condition: { StringLike: { 'aws:RequestTag/CSIVolumeName': '*' } } },
      { Action: ['ec2:DeleteVolume'], Resource: '*', Condition: { StringLike: { 'ec2:ResourceTag/ebs.csi.aws.com/cluster': 'true' } } },
      { Action: ['ec2:DeleteVolume'], Resource: '*', Condition: { StringLike: { 'ec2:ResourceTag/CSIVolumeName': '*' } } },
      { Action: ['ec2:DeleteSnapshot'], Resource: '*', Condition: { StringLike: { 'ec2:ResourceTag/CSIVolumeSnapshotName': '*' } } },
    ],
  },
  AmazonSSMManagedInstanceCore: {
    description: 'The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.',
    statements: [
      { Action: ['ssm:DescribeAssociation', 'ssm:GetDeployablePatchSnapshotForInstance', 'ssm:GetDocument', 'ssm:DescribeDocument', 'ssm:GetManifest', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListAssociations', 'ssm:ListInstanceAssociations', 'ssm:PutInventory', 'ssm:PutComplianceItems', 'ssm:PutConfigurePackageResult', 'ssm:UpdateAssociationStatus', 'ssm:UpdateInstanceAssociationStatus', 'ssm:UpdateInstanceInformation'], Resource: '*' },
      { Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'], Resource: '*' },
      { Action: ['ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage', 'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply'], Resource: '*' },
    ],
  },
};

const CREATED = '2026-01-01T00:00:00Z';

/** A stable ANPA… id per name, so ids survive restarts without being stored. */
function policyId(name: string): string {
  const h = createHash('sha256').update(name).digest();
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let s = 'ANPA';
  for (let i = 0; i < 17; i++) s += abc[h[i]! % 32];
  return s;
}

function build(name: string, spec: ManagedSpec): ManagedPolicyRecord {
  const path = spec.path ?? '/';
  const document = JSON.stringify({ Version: '2012-10-17', Statement: spec.statements.map((s) => ({ Effect: s.Effect ?? 'Allow', ...s })) });
  return {
    policyName: name,
    policyId: policyId(name),
    arn: `arn:aws:iam::aws:policy${path}${name}`,
    path,
    description: spec.description,
    createDate: CREATED,
    updateDate: CREATED,
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document, isDefaultVersion: true, createDate: CREATED }],
    nextVersion: 2,
    tags: [],
  };
}

/** Every AWS managed policy we know, by ARN. */
export const AWS_MANAGED_POLICIES: ReadonlyMap<string, ManagedPolicyRecord> = new Map(
  Object.entries(SPECS).map(([name, spec]) => {
    const p = build(name, spec);
    return [p.arn, p] as const;
  }),
);
