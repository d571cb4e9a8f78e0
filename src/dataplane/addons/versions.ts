/**
 * The add-on versions a new EKS cluster of each Kubernetes minor gets, and the ECR registry the
 * images come from. Versions are from the EKS user guide's tables (managing-vpc-cni: "Amazon VPC
 * CNI versions", managing-kube-proxy: self-managed kube-proxy images, managing-coredns:
 * "CoreDNS versions"), taken from one 2025 snapshot of each page; the guide moves them forward
 * with every eksbuild, so these are representative rather than current.
 */

/** Image tags of the default add-ons for one Kubernetes minor. */
export interface AddonVersions {
  vpcCni: string;
  /** The aws-network-policy-agent sidecar (aws-eks-nodeagent) that VPC CNI release ships with. */
  networkPolicyAgent: string;
  kubeProxy: string;
  coreDns: string;
}

/** Kubernetes minor → default add-on image tags. */
export const ADDON_VERSIONS: Readonly<Record<string, AddonVersions>> = Object.freeze({
  '1.29': { vpcCni: 'v1.19.0-eksbuild.1', networkPolicyAgent: 'v1.1.5-eksbuild.1', kubeProxy: 'v1.29.15-minimal-eksbuild.16', coreDns: 'v1.11.4-eksbuild.2' },
  '1.30': { vpcCni: 'v1.19.0-eksbuild.1', networkPolicyAgent: 'v1.1.5-eksbuild.1', kubeProxy: 'v1.30.14-minimal-eksbuild.8', coreDns: 'v1.11.4-eksbuild.2' },
  '1.31': { vpcCni: 'v1.19.0-eksbuild.1', networkPolicyAgent: 'v1.1.5-eksbuild.1', kubeProxy: 'v1.31.13-minimal-eksbuild.2', coreDns: 'v1.11.4-eksbuild.2' },
  '1.32': { vpcCni: 'v1.19.2-eksbuild.1', networkPolicyAgent: 'v1.1.6-eksbuild.1', kubeProxy: 'v1.32.9-minimal-eksbuild.2', coreDns: 'v1.11.4-eksbuild.2' },
  '1.33': { vpcCni: 'v1.20.1-eksbuild.3', networkPolicyAgent: 'v1.2.2-eksbuild.1', kubeProxy: 'v1.33.5-minimal-eksbuild.2', coreDns: 'v1.12.1-eksbuild.2' },
});

/**
 * The versions for a minor ("1.32" or "1.32.5"). A minor the table does not know yet (EKS adds one
 * every few months) gets the nearest known minor's versions rather than a cluster without
 * add-ons; a version that is not `major.minor…` at all throws.
 */
export function addonVersionsFor(kubernetesVersion: string): AddonVersions {
  const m = /^v?(\d+)\.(\d+)/.exec(kubernetesVersion);
  if (!m) throw new Error(`not a Kubernetes version: ${kubernetesVersion}`);
  const wanted = Number(m[2]);
  const exact = ADDON_VERSIONS[`${m[1]}.${m[2]}`];
  if (exact) return exact;
  const nearest = Object.keys(ADDON_VERSIONS).sort((a, b) => Math.abs(Number(a.split('.')[1]) - wanted) - Math.abs(Number(b.split('.')[1]) - wanted) || Number(b.split('.')[1]) - Number(a.split('.')[1]))[0]!;
  return ADDON_VERSIONS[nearest]!;
}

/** Regions whose EKS add-on images live in an account other than 602401143452 (add-ons-images page). */
const REGISTRY_ACCOUNTS: Readonly<Record<string, string>> = Object.freeze({
  'af-south-1': '877085696533',
  'ap-east-1': '800184023465',
  'ap-south-2': '900889452093',
  'ap-southeast-3': '296578399912',
  'ap-southeast-4': '491585149902',
  'ap-southeast-5': '151610086707',
  'ap-southeast-7': '121268973566',
  'ca-west-1': '761377655185',
  'cn-north-1': '918309763551',
  'cn-northwest-1': '961992271922',
  'eu-central-2': '900612956339',
  'eu-south-1': '590381155156',
  'eu-south-2': '455263428931',
  'il-central-1': '066635153087',
  'me-central-1': '759879836304',
  'me-south-1': '558608220178',
  'us-gov-east-1': '151742754352',
  'us-gov-west-1': '013241004608',
});

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]`: where the region's nodes pull EKS add-on images. */
export function addonRegistry(region: string, account?: string): string {
  const acct = account ?? REGISTRY_ACCOUNTS[region] ?? '602401143452';
  return `${acct}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
