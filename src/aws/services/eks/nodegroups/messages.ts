/**
 * Node group error texts, kept beside the code that throws them (shared/CONVENTIONS.md idea 7).
 * Each names its source like ../errors.ts does: "real" = seen in an API response quoted in a
 * public issue, "moto" = moto 5.2.1 (said to be copied from the real API), UNVERIFIED = ours.
 */
export const NG_MSG = {
  /** Health issue NodeCreationFailure — real (EKS troubleshooting guide, "Instances failed to join the Kubernetes cluster"). */
  instancesFailedToJoin: 'Instances failed to join the kubernetes cluster',
  /** Health issue AsgInstanceLaunchFailures — the shape of real ones quoted in aws/containers-roadmap#2204 ("Could not launch On-Demand Instances. InsufficientInstanceCapacity - …"). */
  launchFailed: (capacityType: string, code: string, message: string) => `Could not launch ${capacityType === 'SPOT' ? 'Spot' : 'On-Demand'} Instances. ${code} - ${message.replace(/\.?$/, '.')} Launching EC2 instance failed.`,
  /** ResourceInUseException — moto; real in aws/aws-cdk#26931, terraform-aws-modules/terraform-aws-eks#1931. */
  exists: (ng: string, cluster: string) => `NodeGroup already exists with name ${ng} and cluster name ${cluster}`,
  /** ResourceNotFoundException — moto. */
  notFound: (ng: string) => `No node group found for name: ${ng}.`,
  /** ResourceInUseException — real (aws/karpenter-provider-aws#133). */
  notActive: 'Nodegroup cannot be updated as it is currently not in Active State',
  /** InvalidParameterException — UNVERIFIED. */
  invalidName: (ng: string) => `Nodegroup name ${ng} is invalid: it must be 1 to 63 characters, start with a letter or digit and contain only letters, digits, hyphens and underscores`,
  /** InvalidParameterException — UNVERIFIED, worded after the real release-version text below. */
  versionInvalid: (v: string, allowed: string) => `Requested Nodegroup version ${v} is invalid. Allowed version is ${allowed}`,
  /** InvalidParameterException — real (semantics doc error table; eksctl-io/eksctl#7976). */
  releaseNotForVersion: (release: string, version: string) => `Requested release version ${release} is not valid for kubernetes version ${version}.`,
  /** InvalidParameterException — real (hashicorp/terraform-provider-aws#14492). */
  releaseNotAllowed: (release: string, allowed: string) => `Requested Nodegroup release version ${release} is invalid. Allowed release version is ${allowed}`,
  /** InvalidParameterException — UNVERIFIED. */
  alreadyAtVersion: (ng: string, version: string, release: string) => `Nodegroup ${ng} is already at Kubernetes version ${version} with release version ${release}`,
  /** InvalidParameterException — real (semantics doc error table). */
  minGtDesired: (min: number, desired: number) => `Minimum capacity ${min} can't be greater than desired size ${desired}`,
  /** InvalidParameterException — real (semantics doc error table). */
  desiredGtMax: "desiredSize can't be greater than maxSize",
  /** InvalidParameterException — UNVERIFIED, worded after desiredGtMax. */
  minGtMax: "minSize can't be greater than maxSize",
  /** InvalidParameterException — moto. */
  diskSizeWithLaunchTemplate: 'Disk size must be specified within the launch template.',
  /** InvalidParameterException — moto. */
  remoteAccessWithLaunchTemplate: 'Remote access configuration cannot be specified with a launch template.',
  /** InvalidParameterException — UNVERIFIED. */
  launchTemplateIdOrName: 'Either the launch template ID or the launch template name must be specified, but not both.',
  /** InvalidParameterException — UNVERIFIED. */
  launchTemplateNotFound: (which: string) => `The launch template ${which} does not exist.`,
  /** InvalidParameterException — UNVERIFIED. */
  instanceTypeInBoth: 'Instance type must be specified either in the launch template or in instanceTypes, not both.',
  /** InvalidParameterException — UNVERIFIED. */
  launchTemplateNotUsed: (ng: string) => `Nodegroup ${ng} was not created with a launch template; a launch template cannot be specified for it.`,
  /** InvalidParameterException — UNVERIFIED. */
  launchTemplateChanged: (ng: string, expected: string) => `Nodegroup ${ng} must keep the launch template it was created with (${expected}); only its version can change.`,
  /** InvalidParameterException — UNVERIFIED. */
  amiTypeNotOffered: (ami: string, version: string) => `Requested AMI type ${ami} is not supported for Kubernetes version ${version}.`,
  /** InvalidParameterException — UNVERIFIED. */
  customAmiNeedsLaunchTemplate: 'AMI type CUSTOM requires a launch template that specifies the AMI.',
  /** InvalidParameterException — UNVERIFIED. */
  subnetNotInVpc: (subnet: string, vpc: string) => `Subnet ${subnet} is not in the cluster's VPC ${vpc}.`,
  /** InvalidParameterException — UNVERIFIED. */
  updateConfigOne: 'Only one of maxUnavailable and maxUnavailablePercentage can be specified.',
  /** InvalidParameterException — UNVERIFIED, worded after ../errors.ts noChange. */
  noChange: 'No changes needed for the nodegroup configuration provided',
  /** InvalidParameterException — UNVERIFIED. */
  labelAddedAndRemoved: (key: string) => `Label ${key} cannot be both added and removed in one update.`,
  /** InvalidParameterException — UNVERIFIED (quota: 50 taints per node group, semantics doc §5). */
  tooManyTaints: 'A node group can have at most 50 taints.',
  /** ResourceInUseException — UNVERIFIED. */
  deleteDuringUpdate: (ng: string, updateId: string) => `Cannot delete nodegroup ${ng} because it currently has update ${updateId} in progress`,
} as const;
