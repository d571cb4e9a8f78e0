/**
 * Kubernetes versions EKS offers, as data: shared/research/eks-semantics.md §6 (platform-versions
 * and kubernetes-versions pages of the EKS user guide, as of 2026-04-03). Support statuses are
 * those of that snapshot date, not recomputed from the clock, so a test at any clock time sees
 * the same offer.
 *
 * Rules from the same section: clusters are created at the latest platform version of their
 * minor; the control plane moves only one minor at a time; UNSUPPORTED versions cannot be created.
 */

/** Support status of a Kubernetes version (model VersionStatus). */
export type VersionStatus = 'STANDARD_SUPPORT' | 'EXTENDED_SUPPORT' | 'UNSUPPORTED';

/** One Kubernetes minor as EKS offers it (dates are UTC days). */
export interface ClusterVersion {
  version: string;
  releaseDate: string;
  endOfStandardSupportDate: string;
  endOfExtendedSupportDate: string;
  /** Latest platform version of the minor (`eks.N`); undefined when the doc has none. */
  platformVersion?: string;
  kubernetesPatchVersion?: string;
  status: VersionStatus;
}

/** Newest first. */
export const CLUSTER_VERSIONS: readonly ClusterVersion[] = [
  { version: '1.35', releaseDate: '2026-01-27', endOfStandardSupportDate: '2027-03-27', endOfExtendedSupportDate: '2028-03-27', platformVersion: 'eks.9', kubernetesPatchVersion: '1.35.2', status: 'STANDARD_SUPPORT' },
  { version: '1.34', releaseDate: '2025-10-02', endOfStandardSupportDate: '2026-12-02', endOfExtendedSupportDate: '2027-12-02', platformVersion: 'eks.19', kubernetesPatchVersion: '1.34.4', status: 'STANDARD_SUPPORT' },
  { version: '1.33', releaseDate: '2025-05-29', endOfStandardSupportDate: '2026-07-29', endOfExtendedSupportDate: '2027-07-29', platformVersion: 'eks.33', kubernetesPatchVersion: '1.33.8', status: 'STANDARD_SUPPORT' },
  { version: '1.32', releaseDate: '2025-01-23', endOfStandardSupportDate: '2026-03-23', endOfExtendedSupportDate: '2027-03-23', platformVersion: 'eks.40', kubernetesPatchVersion: '1.32.12', status: 'EXTENDED_SUPPORT' },
  { version: '1.31', releaseDate: '2024-09-26', endOfStandardSupportDate: '2025-11-26', endOfExtendedSupportDate: '2026-11-26', platformVersion: 'eks.56', kubernetesPatchVersion: '1.31.14', status: 'EXTENDED_SUPPORT' },
  { version: '1.30', releaseDate: '2024-05-23', endOfStandardSupportDate: '2025-07-23', endOfExtendedSupportDate: '2026-07-23', platformVersion: 'eks.64', kubernetesPatchVersion: '1.30.14', status: 'EXTENDED_SUPPORT' },
  { version: '1.29', releaseDate: '2024-01-23', endOfStandardSupportDate: '2025-03-23', endOfExtendedSupportDate: '2026-03-23', status: 'UNSUPPORTED' },
];

/**
 * The version CreateCluster uses when none is given (`defaultVersion` of DescribeClusterVersions).
 * The doc says only that it "might not be the latest"; EKS has kept it one minor behind the
 * newest (UNVERIFIED for this snapshot).
 */
export const DEFAULT_VERSION = '1.34';

/** A version clusters can run (created at or upgraded to): known and not UNSUPPORTED. */
export function supportedVersion(version: string): ClusterVersion | undefined {
  const v = CLUSTER_VERSIONS.find((x) => x.version === version);
  return v && v.status !== 'UNSUPPORTED' ? v : undefined;
}

/** The version after `version` (one minor up), as text: `1.34` → `1.35`. */
export function nextMinor(version: string): string | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  return m ? `${m[1]}.${Number(m[2]) + 1}` : undefined;
}

/** The deprecated lower-case `status` of DescribeClusterVersions for a version status. */
const LEGACY_STATUS: Record<VersionStatus, string> = {
  STANDARD_SUPPORT: 'standard-support',
  EXTENDED_SUPPORT: 'extended-support',
  UNSUPPORTED: 'unsupported',
};

/** DescribeClusterVersions' filters (query parameters). */
export interface VersionFilter {
  clusterType?: string;
  defaultOnly?: boolean;
  includeAll?: boolean;
  clusterVersions?: string[];
  status?: string;
  versionStatus?: string;
}

/**
 * The versions DescribeClusterVersions lists, newest first: UNSUPPORTED ones only with
 * `includeAll`, an explicit `clusterVersions` list or a status filter that asks for them.
 */
export function filterVersions(f: VersionFilter): ClusterVersion[] {
  if (f.clusterType !== undefined && f.clusterType !== 'eks') return [];
  const wantStatus = f.versionStatus ?? (f.status ? Object.entries(LEGACY_STATUS).find(([, l]) => l === f.status)?.[0] : undefined);
  return CLUSTER_VERSIONS.filter((v) => {
    if (f.clusterVersions?.length) {
      if (!f.clusterVersions.includes(v.version)) return false;
    } else if (v.status === 'UNSUPPORTED' && !f.includeAll && wantStatus !== 'UNSUPPORTED') return false;
    if (wantStatus && v.status !== wantStatus) return false;
    if (f.defaultOnly && v.version !== DEFAULT_VERSION) return false;
    return true;
  });
}

/**
 * The `ClusterVersionInformation` of the model. `status` is written in the upper-case form the
 * AWS documentation's example output shows (`STANDARD_SUPPORT`), not the model's lower-case enum.
 */
export function versionInfo(v: ClusterVersion): Record<string, unknown> {
  return {
    clusterVersion: v.version,
    clusterType: 'eks',
    defaultPlatformVersion: v.platformVersion,
    defaultVersion: v.version === DEFAULT_VERSION,
    releaseDate: `${v.releaseDate}T00:00:00Z`,
    endOfStandardSupportDate: `${v.endOfStandardSupportDate}T00:00:00Z`,
    endOfExtendedSupportDate: `${v.endOfExtendedSupportDate}T00:00:00Z`,
    status: v.status,
    versionStatus: v.status,
    kubernetesPatchVersion: v.kubernetesPatchVersion,
  };
}
