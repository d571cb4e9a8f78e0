/**
 * Managed node group AMIs as data: release versions per Kubernetes version and the AMI type a
 * group gets by default (shared/research/eks-semantics.md §5).
 *
 * Release versions have the real format `<kubernetes patch>-<YYYYMMDD>` (`1.26.12-20240329` in
 * the CLI examples); the patch is the version table's (../versions.ts), the dates are a snapshot
 * of ours (UNVERIFIED: the real AMI release calendar is not in our sources). Two releases per
 * version, oldest first, so that a group created on the older one can be moved to the newer one.
 */
import { CLUSTER_VERSIONS } from '../versions.js';

/** AMI release dates offered for every version, oldest first (UNVERIFIED snapshot). */
const RELEASE_DATES = ['20260318', '20260401'] as const;

/** The AMI release versions of a Kubernetes version, oldest first (empty for unknown versions). */
export function releasesOf(version: string): string[] {
  const v = CLUSTER_VERSIONS.find((x) => x.version === version);
  if (!v) return [];
  const patch = v.kubernetesPatchVersion ?? `${version}.0`;
  return RELEASE_DATES.map((d) => `${patch}-${d}`);
}

/** The newest AMI release of a Kubernetes version (the default at create and version update). */
export function latestRelease(version: string): string | undefined {
  return releasesOf(version).at(-1);
}

/** Whether release `a` is older than release `b` of the same version (compares the dates). */
export function olderRelease(a: string, b: string): boolean {
  const da = a.slice(a.lastIndexOf('-') + 1);
  const db = b.slice(b.lastIndexOf('-') + 1);
  return da < db;
}

const minor = (version: string): number => Number(version.split('.')[1] ?? 0);

/** Arm64 instance families (Graviton: a `g` after the generation digit, e.g. m6g, c7gn, t4g). */
const ARM_TYPE = /^[a-z]+\d+g[a-z]*\./;
/** NVIDIA GPU instance families. */
const GPU_TYPE = /^(p\d|g\d)/;

/**
 * The AMI type a group gets when none is given: AL2 before 1.30, AL2023 from 1.30 (semantics doc
 * §5), arm64 for Graviton instance types and the NVIDIA variant for GPU types.
 */
export function defaultAmiType(version: string, instanceTypes: readonly string[]): string {
  const first = instanceTypes[0] ?? 't3.medium';
  const arm = ARM_TYPE.test(first);
  const gpu = GPU_TYPE.test(first);
  if (minor(version) < 30) return arm ? 'AL2_ARM_64' : gpu ? 'AL2_x86_64_GPU' : 'AL2_x86_64';
  if (gpu) return arm ? 'AL2023_ARM_64_NVIDIA' : 'AL2023_x86_64_NVIDIA';
  return arm ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD';
}

/** Whether EKS offers AMIs of `amiType` for `version`: 1.32 is the last version with AL2 AMIs (semantics doc §5). */
export function amiTypeOffered(amiType: string, version: string): boolean {
  if (amiType.startsWith('AL2_')) return minor(version) <= 32;
  return true;
}

/** The default root disk size in GiB: 50 for Windows, 20 otherwise (model doc of `diskSize`). */
export function defaultDiskSize(amiType: string): number {
  return amiType.startsWith('WINDOWS_') ? 50 : 20;
}
