/**
 * The EKS access policies, as data: ListAccessPolicies' real output (19 policies, in its order)
 * from shared/research/eks-semantics.md §3. What each grants inside Kubernetes is the
 * authorizer's business (access-policy-reference in the EKS user guide, same section).
 */

/** Policy names, as ListAccessPolicies returns them (alphabetical). */
export const ACCESS_POLICY_NAMES: readonly string[] = [
  'AmazonEKSAdminPolicy',
  'AmazonEKSAdminViewPolicy',
  'AmazonEKSAutoNodePolicy',
  'AmazonEKSBlockStorageClusterPolicy',
  'AmazonEKSBlockStoragePolicy',
  'AmazonEKSClusterAdminPolicy',
  'AmazonEKSComputeClusterPolicy',
  'AmazonEKSComputePolicy',
  'AmazonEKSEditPolicy',
  'AmazonEKSHybridPolicy',
  'AmazonEKSLoadBalancingClusterPolicy',
  'AmazonEKSLoadBalancingPolicy',
  'AmazonEKSNetworkingClusterPolicy',
  'AmazonEKSNetworkingPolicy',
  'AmazonEKSViewPolicy',
  'AmazonEMRJobPolicy',
  'AmazonSagemakerHyperpodClusterPolicy',
  'AmazonSagemakerHyperpodControllerPolicy',
  'AmazonSagemakerHyperpodSystemNamespacePolicy',
];

/** `arn:aws:eks::aws:cluster-access-policy/NAME` (the partition follows the region's). */
export function accessPolicyArn(name: string, partition = 'aws'): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${name}`;
}

/** The policy an ARN names, when it is one of ours. */
export function accessPolicyName(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:eks::aws:cluster-access-policy\/([A-Za-z0-9]+)$/.exec(arn);
  return m && ACCESS_POLICY_NAMES.includes(m[1]!) ? m[1] : undefined;
}

/** The policy the cluster creator's access entry gets (semantics doc §3, "Creator admin"). */
export const CLUSTER_ADMIN_POLICY = 'AmazonEKSClusterAdminPolicy';
