/**
 * EKS's errors: codes with their HTTP statuses (botocore model, shared/research/eks-semantics.md
 * §0) and the message texts, kept here beside the error (shared/CONVENTIONS.md idea 7).
 *
 * Each text names its source. "real" texts were seen in API responses quoted in public issues;
 * "moto" ones are moto 5.2.1's (said to be copied from the real API); texts marked UNVERIFIED are
 * our wording where no real response was found — keep them few and replace them when one is.
 */
import { AwsError } from '../../types.js';

const STATUS: Record<string, number> = {
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  ClientException: 400,
  ResourceLimitExceededException: 400,
  InvalidStateException: 400,
  BadRequestException: 400,
  NotFoundException: 404,
  ResourceNotFoundException: 404,
  ResourceInUseException: 409,
  ServerException: 500,
};

/** Context members of EKS exceptions (`clusterName`, `nodegroupName`, `addonName`, …). */
export type EksErrorFields = Partial<Record<'clusterName' | 'nodegroupName' | 'fargateProfileName' | 'addonName' | 'subscriptionId', string>>;

/** An EKS exception with its modeled HTTP status and context members. */
export function eksError(code: keyof typeof STATUS | string, message: string, fields: EksErrorFields = {}): AwsError {
  return new AwsError(code, message, STATUS[code] ?? 400, fields);
}

/** The message texts. */
export const MSG = {
  /** ResourceInUseException — moto; real in terraform-aws-eks#1262. */
  clusterExists: (name: string) => `Cluster already exists with name: ${name}`,
  /** ResourceNotFoundException — moto (and every SDK test against it). */
  clusterNotFound: (name: string) => `No cluster found for name: ${name}.`,
  /** ResourceInUseException — real (gruntwork-io/cloud-nuke#148). */
  clusterHasNodegroups: 'Cluster has nodegroups attached',
  /** ResourceInUseException — real (kubernetes-sigs/cluster-api-provider-aws#4728). */
  clusterHasFargateProfiles: 'Cluster has Fargate Profiles in ACTIVE/CREATING state',
  /** ResourceInUseException — real (semantics doc error table). */
  deleteDuringUpdate: (name: string) => `Cannot delete because cluster ${name} currently has an update in progress`,
  /** ResourceInUseException — real (rancher/eks-operator#547, semantics doc). */
  updateInProgress: (type: string, name: string, updateId: string) => `Cannot ${type} because cluster ${name} currently has update ${updateId} in progress`,
  /** InvalidParameterException — real (crossplane-contrib/provider-aws#642). */
  onlyOneUpdateType: 'Only one type of update can be allowed.',
  /** InvalidParameterException — real (semantics doc error table). */
  endpointNoChange: (priv: boolean, pub: boolean, cidrs: string[]) =>
    `Cluster is already at the desired configuration with endpointPrivateAccess: ${priv} , endpointPublicAccess: ${pub}, and Public Endpoint Restrictions: [${cidrs.join(', ')}]`,
  /** InvalidParameterException — real (aws-quickstart/quickstart-amazon-eks-cluster-resource-provider#38). */
  loggingNoChange: 'No changes needed for the logging config provided',
  /** InvalidParameterException — real (pulumi/pulumi-eks#1493; the no-op form in aws/aws-cdk#31032). */
  authModeUpdate: (from: string, to: string) => `Unsupported authentication mode update from ${from} to ${to}`,
  /** InvalidParameterException — real (Cloud-CV/EvalAI#3488, semantics doc). */
  unsupportedVersion: 'unsupported Kubernetes version',
  /** InvalidParameterException — real (rancher/rancher#28939, semantics doc). */
  unsupportedMinorUpdate: (from: string, to: string) => `Unsupported Kubernetes minor version update from ${from} to ${to}`,
  /** InvalidRequestException (code UNVERIFIED; text real: awsdocs/amazon-eks-user-guide#475). */
  nodegroupsBehind: (names: string[], version: string) => `Nodegroups ${names.join(', ')} must be updated to match cluster version ${version} before updating cluster version`,
  /** InvalidParameterException — real (awsdocs/amazon-eks-user-guide#795). */
  subnetsTwoAzs: 'Subnets specified must be in at least two different AZs',
  /** InvalidParameterException — real (AdminTurnedDevOps/DevOps-The-Hard-Way-AWS#16): EC2's error wrapped. */
  subnetNotFound: (id: string, requestId: string) =>
    `The subnet ID '${id}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound; Request ID: ${requestId}; Proxy: null)`,
  /** InvalidParameterException — by analogy with subnetNotFound (EC2's InvalidGroup.NotFound text); UNVERIFIED. */
  securityGroupNotFound: (id: string, requestId: string) =>
    `The security group '${id}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidGroup.NotFound; Request ID: ${requestId}; Proxy: null)`,
  /** InvalidParameterException — UNVERIFIED. */
  subnetsOneVpc: 'Subnets specified must belong to the same VPC',
  /** InvalidParameterException — UNVERIFIED. */
  securityGroupVpc: (id: string, vpcId: string) => `Security group ${id} does not belong to VPC ${vpcId}`,
  /** InvalidParameterException — UNVERIFIED. */
  vpcChange: (vpcId: string) => `Subnets and security groups must stay in the cluster's VPC ${vpcId}: the VPC of a cluster cannot be changed`,
  /** InvalidParameterException — real (semantics doc error table). */
  roleNotAssumable: (arn: string) => `Role with arn: ${arn}, could not be assumed because it does not exist or the trusted entity is not correct`,
  /** InvalidParameterException — moto. */
  invalidRoleArn: (arn: string) => `Invalid Role Arn: '${arn}'`,
  /** InvalidParameterException — real (kubernetes-sigs/cluster-api-provider-aws#5578 quoting the API). */
  creatorAdminRequired: 'bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP',
  /** InvalidRequestException — real (aws-ia/terraform-aws-eks-blueprints#1877). */
  authModeRequired: "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
  /** InvalidRequestException — moto (for node groups / Fargate profiles); used for every "needs ACTIVE" check. */
  clusterNotActive: (name: string) => `Cluster '${name}' is not in ACTIVE status`,
  /** InvalidRequestException — UNVERIFIED (the user guide names only the exception). */
  deletionProtected: (name: string) => `Cannot delete cluster ${name} because deletion protection is enabled. Disable deletion protection with UpdateClusterConfig before deleting the cluster.`,
  /** ResourceNotFoundException — real (aws/aws-cli#10252). */
  updateNotFound: (id: string) => `No update found for ID: ${id}`,
  /** InvalidParameterException — UNVERIFIED. */
  noUpdateRequested: 'At least one of resourcesVpcConfig, logging, accessConfig, upgradePolicy, zonalShiftConfig, computeConfig, kubernetesNetworkConfig, storageConfig, remoteNetworkConfig, deletionProtection or controlPlaneScalingConfig must be specified.',
  /** InvalidParameterException — UNVERIFIED, worded after loggingNoChange. */
  noChange: (what: string) => `No changes needed for the ${what} provided`,
  /** InvalidParameterException — UNVERIFIED. */
  invalidCidrs: (cidrs: string[]) => `The following CIDRs are invalid in publicAccessCidrs: [${cidrs.join(', ')}]`,
  /** InvalidParameterException — UNVERIFIED. */
  invalidServiceCidr: (cidr: string) =>
    `The service CIDR ${cidr} must be a /12 to /24 block within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 that does not overlap the VPC`,
  /** InvalidParameterException — UNVERIFIED. */
  encryptionResources: 'Only secrets resources can be encrypted (resources must be ["secrets"])',
  /** InvalidParameterException — UNVERIFIED. */
  encryptionKeyArn: (arn: string) => `Invalid KMS key ARN: '${arn}'`,
  /** InvalidRequestException — UNVERIFIED. */
  encryptionAlreadyEnabled: (name: string) => `Cluster ${name} already has encryption enabled; encryption configuration cannot be changed`,
  /** ResourceInUseException — real (terraform-aws-modules/terraform-aws-eks#3293). */
  accessEntryExists: 'The specified access entry resource is already in use on this cluster.',
  /** ResourceNotFoundException — real (terraform-aws-modules/terraform-aws-eks#3024). */
  accessEntryNotFound: "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.",
  /** InvalidParameterException — real (terraform-aws-modules/terraform-aws-eks#2969). */
  invalidPrincipal: 'The specified principalArn is invalid: invalid principal.',
  /** InvalidParameterException — real (hashicorp/terraform-provider-aws#36447). */
  serviceLinkedRole: 'The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role',
  /** InvalidParameterException — real (aws-controllers-k8s/community#2144). */
  standardOnly: 'This operation can only be performed on Access Entries with a type of "STANDARD".',
  /** InvalidParameterException — UNVERIFIED. */
  invalidAccessEntryType: (type: string) => `The access entry type ${type} is not valid. Valid types: [STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX, HYPERPOD_LINUX, EC2]`,
  /** InvalidParameterException — UNVERIFIED. */
  nonStandardNeedsRole: (type: string) => `Access entries of type ${type} require an IAM role principalArn in the cluster's account`,
  /** InvalidParameterException — UNVERIFIED. */
  nonStandardNoGroups: (type: string) => `kubernetesGroups and username cannot be specified for access entries of type ${type}`,
  /** InvalidParameterException — UNVERIFIED. */
  reservedUsername: (username: string) => `The username ${username} is invalid: usernames cannot start with system:, eks:, aws:, amazon: or iam:`,
  /** InvalidParameterException — UNVERIFIED. */
  invalidPolicyArn: (arn: string) => `The specified policyArn is invalid: ${arn}`,
  /** InvalidParameterException — UNVERIFIED. */
  namespaceScopeNeedsNamespaces: 'accessScope.namespaces must be specified when accessScope.type is namespace',
  /** InvalidParameterException — UNVERIFIED. */
  clusterScopeNoNamespaces: 'accessScope.namespaces cannot be specified when accessScope.type is cluster',
  /** ResourceNotFoundException — UNVERIFIED. */
  policyNotAssociated: (policyArn: string) => `The specified policyArn ${policyArn} is not associated with the specified principalArn`,
  /** InvalidParameterException — UNVERIFIED (real tokens are opaque and encrypted). */
  invalidNextToken: 'The nextToken provided is invalid',
  /** NotFoundException (tag operations) — moto. */
  tagResourceNotFound: 'Resource was not found',
  /** BadRequestException (tag operations) — UNVERIFIED. */
  tagBadArn: (arn: string) => `Invalid resource ARN: ${arn}`,
  /** BadRequestException (tag operations) — UNVERIFIED. */
  tooManyTags: 'A resource can have at most 50 tags',
} as const;
