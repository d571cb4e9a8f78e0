/**
 * DescribeClusterVersions with its filters (shared/research/eks-semantics.md §6): clusterType,
 * clusterVersions, defaultOnly, includeAll, versionStatus and the deprecated status.
 */
import type { AwsHandler } from '../../../types.js';
import { pageArray } from '../paging.js';
import { filterVersions, versionInfo } from '../versions.js';

/** The version handlers. */
export function versionHandlers(): Record<string, AwsHandler> {
  return {
    async DescribeClusterVersions(input) {
      const versions = filterVersions({
        clusterType: input.clusterType as string | undefined,
        defaultOnly: input.defaultOnly as boolean | undefined,
        includeAll: input.includeAll as boolean | undefined,
        clusterVersions: input.clusterVersions as string[] | undefined,
        status: input.status as string | undefined,
        versionStatus: input.versionStatus as string | undefined,
      });
      const { page, nextToken } = pageArray(versions, input);
      return { clusterVersions: page.map(versionInfo), nextToken };
    },
  };
}
