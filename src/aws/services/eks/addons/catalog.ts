/**
 * The EKS add-on catalog as data: the Amazon EKS add-ons DescribeAddonVersions offers, their
 * type, owner, publisher and namespace (the AWS CLI's describe-addon-versions example), and
 * their versions with the Kubernetes versions each is compatible with and the default per
 * Kubernetes version.
 *
 * Version strings have EKS's format (`v1.16.4-eksbuild.2`); which builds exist and their
 * compatibility ranges are a snapshot of ours for Kubernetes 1.30–1.35 (UNVERIFIED: the real
 * catalog changes weekly and is not in our sources). kube-proxy follows the Kubernetes patch of
 * each minor (../versions.ts), as the real add-on does.
 */
import { CLUSTER_VERSIONS } from '../versions.js';

/** One version of an add-on. */
export interface AddonVersionDef {
  addonVersion: string;
  /** Kubernetes minors it runs on. */
  clusterVersions: string[];
  /** Kubernetes minors for which it is the default. */
  defaultFor: string[];
}

/** One add-on of the catalog. */
export interface AddonDef {
  addonName: string;
  type: string;
  owner: string;
  publisher: string;
  defaultNamespace: string;
  /** Whether it needs AWS permissions (an IAM role through IRSA or Pod Identity). */
  requiresIamPermissions: boolean;
  architecture: string[];
  computeTypes: string[];
  /** Service accounts that may get a Pod Identity association, with the managed policies EKS recommends. */
  podIdentity: { serviceAccount: string; recommendedManagedPolicies: string[] }[];
  /** Newest first. */
  versions: AddonVersionDef[];
}

/** The Kubernetes minors clusters can run, oldest first. */
const MINORS = CLUSTER_VERSIONS.filter((v) => v.status !== 'UNSUPPORTED')
  .map((v) => v.version)
  .reverse();

/** Minors from `from` to `to` (inclusive; `to` defaults to the newest). */
function span(from: string, to?: string): string[] {
  const i = MINORS.indexOf(from);
  const j = to === undefined ? MINORS.length - 1 : MINORS.indexOf(to);
  return MINORS.slice(Math.max(0, i), j + 1);
}

/** Versions newest first; `defaults` maps a version string to the minors it is the default for. */
function versions(list: [string, string[]][], defaults: Record<string, string[]>): AddonVersionDef[] {
  return list.map(([addonVersion, clusterVersions]) => ({ addonVersion, clusterVersions, defaultFor: defaults[addonVersion] ?? [] }));
}

/** kube-proxy: a build per Kubernetes patch, each for its own minor (the newest build the default). */
function kubeProxyVersions(): AddonVersionDef[] {
  return CLUSTER_VERSIONS.filter((v) => v.status !== 'UNSUPPORTED').flatMap((v) => {
    const patch = v.kubernetesPatchVersion ?? `${v.version}.0`;
    const n = Number(patch.split('.')[2] ?? 0);
    const older = `${v.version}.${Math.max(0, n - 1)}`;
    return [
      { addonVersion: `v${patch}-eksbuild.2`, clusterVersions: [v.version], defaultFor: [v.version] },
      { addonVersion: `v${older}-eksbuild.1`, clusterVersions: [v.version], defaultFor: [] },
    ];
  });
}

const BOTH_ARCH = ['amd64', 'arm64'];

/** The catalog, in the order DescribeAddonVersions lists it. */
export const ADDONS: readonly AddonDef[] = [
  {
    addonName: 'vpc-cni',
    type: 'networking',
    owner: 'aws',
    publisher: 'eks',
    defaultNamespace: 'kube-system',
    requiresIamPermissions: true,
    architecture: BOTH_ARCH,
    computeTypes: ['ec2'],
    podIdentity: [{ serviceAccount: 'aws-node', recommendedManagedPolicies: ['arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy'] }],
    versions: versions(
      [
        ['v1.21.1-eksbuild.1', span('1.30')],
        ['v1.20.4-eksbuild.2', span('1.30')],
        ['v1.19.6-eksbuild.7', span('1.30', '1.34')],
        ['v1.18.6-eksbuild.1', span('1.30', '1.32')],
      ],
      { 'v1.21.1-eksbuild.1': span('1.30') },
    ),
  },
  {
    addonName: 'kube-proxy',
    type: 'networking',
    owner: 'aws',
    publisher: 'eks',
    defaultNamespace: 'kube-system',
    requiresIamPermissions: false,
    architecture: BOTH_ARCH,
    computeTypes: ['ec2', 'hybrid'],
    podIdentity: [],
    versions: kubeProxyVersions(),
  },
  {
    addonName: 'coredns',
    type: 'networking',
    owner: 'aws',
    publisher: 'eks',
    defaultNamespace: 'kube-system',
    requiresIamPermissions: false,
    architecture: BOTH_ARCH,
    computeTypes: ['ec2', 'fargate', 'hybrid'],
    podIdentity: [],
    versions: versions(
      [
        ['v1.12.4-eksbuild.1', span('1.33')],
        ['v1.12.1-eksbuild.2', span('1.32')],
        ['v1.11.4-eksbuild.24', span('1.30', '1.33')],
        ['v1.11.3-eksbuild.2', span('1.30', '1.31')],
      ],
      { 'v1.12.4-eksbuild.1': span('1.33'), 'v1.11.4-eksbuild.24': span('1.30', '1.32') },
    ),
  },
  {
    addonName: 'eks-pod-identity-agent',
    type: 'security',
    owner: 'aws',
    publisher: 'eks',
    defaultNamespace: 'kube-system',
    requiresIamPermissions: false,
    architecture: BOTH_ARCH,
    computeTypes: ['ec2', 'hybrid'],
    podIdentity: [],
    versions: versions(
      [
        ['v1.3.10-eksbuild.1', span('1.30')],
        ['v1.3.8-eksbuild.2', span('1.30')],
        ['v1.3.4-eksbuild.1', span('1.30', '1.33')],
      ],
      { 'v1.3.10-eksbuild.1': span('1.30') },
    ),
  },
  {
    addonName: 'aws-ebs-csi-driver',
    type: 'storage',
    owner: 'aws',
    publisher: 'eks',
    defaultNamespace: 'kube-system',
    requiresIamPermissions: true,
    architecture: BOTH_ARCH,
    computeTypes: ['ec2'],
    podIdentity: [{ serviceAccount: 'ebs-csi-controller-sa', recommendedManagedPolicies: ['arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy'] }],
    versions: versions(
      [
        ['v1.53.0-eksbuild.1', span('1.30')],
        ['v1.48.0-eksbuild.2', span('1.30')],
        ['v1.44.0-eksbuild.1', span('1.30', '1.33')],
      ],
      { 'v1.53.0-eksbuild.1': span('1.30') },
    ),
  },
  {
    addonName: 'aws-efs-csi-driver',
    type: 'storage',
    owner: 'aws',
    publisher: 'eks',
    defaultNamespace: 'kube-system',
    requiresIamPermissions: true,
    architecture: BOTH_ARCH,
    computeTypes: ['ec2'],
    podIdentity: [{ serviceAccount: 'efs-csi-controller-sa', recommendedManagedPolicies: ['arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy'] }],
    versions: versions(
      [
        ['v2.1.15-eksbuild.1', span('1.30')],
        ['v2.1.9-eksbuild.1', span('1.30', '1.34')],
      ],
      { 'v2.1.15-eksbuild.1': span('1.30') },
    ),
  },
  {
    addonName: 'snapshot-controller',
    type: 'storage',
    owner: 'aws',
    publisher: 'eks',
    defaultNamespace: 'kube-system',
    requiresIamPermissions: false,
    architecture: BOTH_ARCH,
    computeTypes: ['ec2', 'fargate'],
    podIdentity: [],
    versions: versions(
      [
        ['v8.3.0-eksbuild.1', span('1.30')],
        ['v8.2.0-eksbuild.1', span('1.30', '1.34')],
      ],
      { 'v8.3.0-eksbuild.1': span('1.30') },
    ),
  },
  {
    addonName: 'amazon-cloudwatch-observability',
    type: 'observability',
    owner: 'aws',
    publisher: 'eks',
    defaultNamespace: 'amazon-cloudwatch',
    requiresIamPermissions: true,
    architecture: BOTH_ARCH,
    computeTypes: ['ec2'],
    podIdentity: [{ serviceAccount: 'cloudwatch-agent', recommendedManagedPolicies: ['arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy', 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess'] }],
    versions: versions(
      [
        ['v4.5.0-eksbuild.1', span('1.30')],
        ['v4.1.0-eksbuild.1', span('1.30', '1.34')],
      ],
      { 'v4.5.0-eksbuild.1': span('1.30') },
    ),
  },
];

/** The add-on named `name`. */
export function addonDef(name: string): AddonDef | undefined {
  return ADDONS.find((a) => a.addonName === name);
}

/** A version of an add-on. */
export function versionDef(addon: AddonDef, version: string): AddonVersionDef | undefined {
  return addon.versions.find((v) => v.addonVersion === version);
}

/** The version EKS installs on a cluster of `clusterVersion` when none is asked for. */
export function defaultVersion(addon: AddonDef, clusterVersion: string): AddonVersionDef | undefined {
  return addon.versions.find((v) => v.defaultFor.includes(clusterVersion)) ?? addon.versions.find((v) => v.clusterVersions.includes(clusterVersion));
}
