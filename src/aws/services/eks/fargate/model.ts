/**
 * The stored Fargate profile and its error texts. Stored in the conventional `fargate-profiles`
 * table under `<cluster>/<name>` (../state.ts), so DeleteCluster and the tag operations find it.
 * Texts name their source as ../errors.ts does.
 */
import type { Store } from '../../../../store/types.js';
import { KIND, tableOf, type EksTable, type Lifecycle, type Scope } from '../state.js';

/** The model's FargateProfileStatus. */
export type FargateProfileStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'CREATE_FAILED' | 'DELETE_FAILED';

/** A selector: a namespace (wildcards `*` and `?` allowed) and labels that must all match. */
export interface FargateSelector {
  namespace: string;
  labels?: Record<string, string>;
}

/** A Fargate profile as stored. */
export interface FargateProfileRecord {
  fargateProfileName: string;
  fargateProfileArn: string;
  clusterName: string;
  createdAt: number;
  podExecutionRoleArn: string;
  subnets: string[];
  selectors: FargateSelector[];
  status: FargateProfileStatus;
  tags: Record<string, string>;
  health: { issues: { code: string; message: string; resourceIds: string[] }[] };
  clientRequestToken?: string;
  lifecycle?: Lifecycle;
}

/** The `fargate-profiles` table of a scope. */
export function profileTable(store: Store, scope: Scope): EksTable<FargateProfileRecord> {
  return tableOf<FargateProfileRecord>(store, scope, KIND.fargateProfiles);
}

/** The model's `FargateProfile`. */
export function profileView(p: FargateProfileRecord): Record<string, unknown> {
  return {
    fargateProfileName: p.fargateProfileName,
    fargateProfileArn: p.fargateProfileArn,
    clusterName: p.clusterName,
    createdAt: p.createdAt,
    podExecutionRoleArn: p.podExecutionRoleArn,
    subnets: p.subnets,
    selectors: p.selectors,
    status: p.status,
    tags: p.tags,
    health: p.health,
  };
}

/** Fargate profiles per cluster (quota, semantics doc §5). */
export const MAX_PROFILES = 10;
/** Selectors per profile (model doc, quota). */
export const MAX_SELECTORS = 5;
/** Label pairs per selector (quota). */
export const MAX_SELECTOR_LABELS = 5;

/** The texts. */
export const FP_MSG = {
  /** ResourceInUseException — moto. */
  exists: 'A Fargate Profile already exists with this name in this cluster.',
  /** ResourceNotFoundException — moto. */
  notFound: (name: string) => `No Fargate Profile found with name: ${name}.`,
  /** InvalidParameterException — moto. */
  needsSelector: 'Fargate Profile requires at least one selector.',
  /** InvalidParameterException — moto. */
  selectorNeedsNamespace: 'Fargate Profile must have at least one selector with at least one namespace value.',
  /** InvalidParameterException — moto. */
  tooManyLabels: 'Request contains Selector with more than 5 Label pairs',
  /** InvalidParameterException — UNVERIFIED, worded after tooManyLabels. */
  tooManySelectors: 'Request contains more than 5 Selectors',
  /** ResourceLimitExceededException — UNVERIFIED (quota: 10 Fargate profiles per cluster). */
  tooManyProfiles: (cluster: string) => `Cluster ${cluster} already has the maximum number of Fargate profiles (10)`,
  /** InvalidParameterException — UNVERIFIED. */
  invalidName: (name: string) => `Fargate Profile name ${name} is invalid: it must be 1 to 63 characters, start with a letter or digit and contain only letters, digits, hyphens and underscores`,
  /** InvalidParameterException — UNVERIFIED. */
  subnetNotInVpc: (subnet: string, vpc: string) => `Subnet ${subnet} is not in the cluster's VPC ${vpc}.`,
  /** ResourceInUseException — real (cloud-custodian/cloud-custodian#5585, hashicorp/terraform#25059). */
  deleteWhileDeleting: (name: string, cluster: string, other: string) => `Cannot Delete Fargate Profile ${name} because cluster ${cluster} currently has Fargate profile ${other} in status DELETING`,
  /** ResourceInUseException — UNVERIFIED, worded after deleteWhileDeleting (the model doc states the rule). */
  createWhileDeleting: (name: string, cluster: string, other: string) => `Cannot Create Fargate Profile ${name} because cluster ${cluster} currently has Fargate profile ${other} in status DELETING`,
  /** ResourceInUseException — real (terraform-aws-modules/terraform-aws-eks#2194). */
  deleteDuringClusterUpdate: (name: string, cluster: string) => `Cannot Delete Fargate Profile ${name} because cluster ${cluster} currently has an update in progress`,
  /** InvalidRequestException — real (eksctl-io/eksctl#2845: deleting a profile already DELETING). */
  notActive: 'Fargate Profile is currently not in Active State.',
} as const;
