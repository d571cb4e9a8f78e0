/** The Kubernetes version eksplane's API servers report, shaped as Amazon EKS reports it. */
import type { VersionInfo } from '../apiserver/api-server.js';

/** e.g. kubernetesVersion("1.32") → minor "32+", gitVersion "v1.32.9-eks-…", as `kubectl version` shows on EKS. */
export function kubernetesVersion(minorVersion = '1.32'): VersionInfo {
  const [major, minor] = minorVersion.split('.') as [string, string];
  const patch = PATCH[minorVersion] ?? '0';
  return {
    major,
    minor: `${minor}+`,
    gitVersion: `v${major}.${minor}.${patch}-eks-${EKS_BUILD[minorVersion] ?? '0000000'}`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

const PATCH: Record<string, string> = { '1.29': '15', '1.30': '14', '1.31': '13', '1.32': '9', '1.33': '5', '1.34': '2', '1.35': '0' };
const EKS_BUILD: Record<string, string> = { '1.29': 'c8d1fa4', '1.30': '1a2b3c4', '1.31': 'e61fbd2', '1.32': '4b1e8f5', '1.33': '9d2a7c1', '1.34': '3f6e0b2', '1.35': '7c5d4a9' };
