/**
 * The public images DescribeImages knows: Amazon EKS optimized node AMIs (owner 602401143452) for
 * the Kubernetes versions EKS supports — Amazon Linux 2023 x86_64 and arm64 for 1.30–1.35, Amazon
 * Linux 2 for 1.30–1.32 (the last with AL2 AMIs) — plus the Amazon Linux 2023 base AMI. Names follow
 * the real ones (`amazon-eks-node-al2023-x86_64-standard-1.31-v20260401`); ids are derived from
 * region and name, so they are stable per region as real AMI ids are.
 */
import { seededId } from './ids.js';

/** The account that publishes the EKS optimized AMIs. */
export const EKS_AMI_OWNER = '602401143452';
/** The account of Amazon Linux AMIs (alias `amazon`). */
export const AMAZON_OWNER = '137112412989';
const RELEASE = '20260401';
const CREATED = '2026-04-01T06:12:45.000Z';

/** Kubernetes minor → latest patch (shared/research/eks-semantics.md §6). */
export const EKS_VERSIONS: Record<string, string> = { '1.35': '1.35.2', '1.34': '1.34.4', '1.33': '1.33.8', '1.32': '1.32.12', '1.31': '1.31.14', '1.30': '1.30.14' };

interface ImageRow {
  name: string;
  description: string;
  owner: string;
  alias?: string;
  arch: 'x86_64' | 'arm64';
}

function rows(): ImageRow[] {
  const out: ImageRow[] = [];
  for (const [minor, patch] of Object.entries(EKS_VERSIONS)) {
    for (const arch of ['x86_64', 'arm64'] as const) {
      out.push({ name: `amazon-eks-node-al2023-${arch}-standard-${minor}-v${RELEASE}`, description: `EKS-optimized Kubernetes node based on Amazon Linux 2023, (k8s: ${patch}, containerd: 1.7.*)`, owner: EKS_AMI_OWNER, arch });
      if (Number(minor.split('.')[1]) <= 32) {
        const name = arch === 'x86_64' ? `amazon-eks-node-${minor}-v${RELEASE}` : `amazon-eks-arm64-node-${minor}-v${RELEASE}`;
        out.push({ name, description: `EKS Kubernetes Worker AMI with AmazonLinux2 image, (k8s: ${patch}, containerd: 1.7.*)`, owner: EKS_AMI_OWNER, arch });
      }
    }
  }
  for (const arch of ['x86_64', 'arm64'] as const) {
    out.push({ name: `al2023-ami-2023.7.${RELEASE}.0-kernel-6.1-${arch}`, description: 'Amazon Linux 2023 AMI 2023.7.20260401.0 x86_64 HVM kernel-6.1', owner: AMAZON_OWNER, alias: 'amazon', arch });
  }
  return out;
}

const ROWS = rows();

/** The images of `region` in DescribeImages' wire form. */
export function imagesOf(region: string): Record<string, unknown>[] {
  return ROWS.map((x) => ({
    ImageId: seededId('ami', `${region}/${x.name}`).replace(/^ami-/, 'ami-0').slice(0, 21),
    ImageLocation: `${x.alias ?? x.owner}/${x.name}`,
    State: 'available',
    OwnerId: x.owner,
    ImageOwnerAlias: x.alias,
    CreationDate: CREATED,
    Public: true,
    Architecture: x.arch,
    ImageType: 'machine',
    Name: x.name,
    Description: x.description,
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    SriovNetSupport: 'simple',
    BootMode: x.arch === 'arm64' ? 'uefi' : 'uefi-preferred',
    ImdsSupport: 'v2.0',
    DeprecationTime: '2028-04-01T06:12:00.000Z',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true, SnapshotId: seededId('snap', `${region}/${x.name}`), VolumeSize: 20, VolumeType: 'gp3', Encrypted: false, Iops: 3000, Throughput: 125 } }],
    Tags: [],
  }));
}

/**
 * The image an in-process launch without image or launch template gets: the newest EKS optimized
 * Amazon Linux 2023 x86_64 AMI, what the launch template EKS makes for a managed node group uses.
 */
export function defaultNodeImageId(region: string): string {
  const newest = Object.keys(EKS_VERSIONS).sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]))[0]!;
  const name = `amazon-eks-node-al2023-x86_64-standard-${newest}-v${RELEASE}`;
  return imagesOf(region).find((i) => i.Name === name)!.ImageId as string;
}
