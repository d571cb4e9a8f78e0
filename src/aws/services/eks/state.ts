/**
 * EKS resources as stored records: one {@link Table} per kind under
 * `/aws/eks/<account>/<region>/<kind>/<id>` (src/aws/state/table.ts), so every record survives a
 * restart and moves to etcd with the rest of the state (shared/ARCHITECTURE.md rules 4 and 6).
 *
 * Conventions every EKS kind follows (node groups, Fargate profiles, add-ons and pod identity
 * associations too, so the shared code finds them without wiring):
 * - a record that belongs to a cluster has the id `<clusterName>/<name>`, so a cluster's children
 *   are one key range ({@link EksTable.listUnder});
 * - a record in a transitional state carries a {@link Lifecycle}: its phase and when the
 *   reconciler must next look at it (`dueAt`, epoch ms on the injected clock);
 * - tags live on the record (`tags`), beside its ARN.
 */
import type { Store } from '../../../store/types.js';
import { Table } from '../../state/table.js';

/** Where a record lives: the account and region of the request that made it. */
export interface Scope {
  account: string;
  region: string;
}

/** The store kinds (table type segments) of EKS. The last four belong to the node group / Fargate / add-on work. */
export const KIND = {
  clusters: 'clusters',
  updates: 'updates',
  accessEntries: 'access-entries',
  nodegroups: 'nodegroups',
  fargateProfiles: 'fargate-profiles',
  addons: 'addons',
  podIdentityAssociations: 'pod-identity-associations',
} as const;

/** Where a state machine stands: its phase, when it entered it and when it is next due (epoch ms). */
export interface Lifecycle {
  phase: string;
  startedAt: number;
  dueAt: number;
}

/** A table of one EKS kind in one account and region, with key-range reads under a prefix. */
export class EksTable<T> extends Table<T> {
  constructor(
    private readonly backing: Store,
    readonly scope: Scope,
    readonly kind: string,
  ) {
    super(backing, { service: 'eks', account: scope.account, region: scope.region, type: kind });
  }

  /**
   * Up to `limit` records whose id starts with `under` (in id order), starting after the id
   * `after`; `more` says whether others follow.
   */
  async page(under: string, limit: number, after?: string): Promise<{ items: { id: string; value: T; revision: number }[]; more: boolean }> {
    const dec = new TextDecoder();
    const r = await this.rangeAfter(under, limit, after);
    const items = r.kvs.map((kv) => ({ id: kv.key.slice(this.prefix.length), value: JSON.parse(dec.decode(kv.value)) as T, revision: kv.modRevision }));
    return { items, more: r.more };
  }

  /** The ids of a page, without decoding the records (ListClusters answers names only). */
  async pageIds(under: string, limit: number, after?: string): Promise<{ ids: string[]; more: boolean }> {
    const r = await this.rangeAfter(under, limit, after);
    return { ids: r.kvs.map((kv) => kv.key.slice(this.prefix.length)), more: r.more };
  }

  private rangeAfter(under: string, limit: number, after: string | undefined) {
    const startKey = after === undefined ? undefined : this.prefix + after + '\0';
    return this.backing.range(this.prefix + under, { limit, startKey });
  }

  /** Every record whose id starts with `under`, in id order. */
  async listUnder(under: string): Promise<{ id: string; value: T; revision: number }[]> {
    const out: { id: string; value: T; revision: number }[] = [];
    let after: string | undefined;
    for (;;) {
      const p = await this.page(under, 500, after);
      out.push(...p.items);
      if (!p.more || !p.items.length) return out;
      after = p.items[p.items.length - 1]!.id;
    }
  }
}

/** Tables made so far, per store: handlers ask for the same few on every request. */
const madeTables = new WeakMap<Store, Map<string, EksTable<unknown>>>();

/** The table of `kind` in `scope` (one object per store, scope and kind; tables keep no state of their own). */
export function tableOf<T>(store: Store, scope: Scope, kind: string): EksTable<T> {
  let made = madeTables.get(store);
  if (!made) madeTables.set(store, (made = new Map()));
  const id = `${scope.account}/${scope.region}/${kind}`;
  let t = made.get(id);
  if (!t) made.set(id, (t = new EksTable<unknown>(store, { account: scope.account, region: scope.region }, kind)));
  return t as EksTable<T>;
}

/** The model's ClusterStatus (PENDING is for registered clusters only). */
export type ClusterStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING';
/** The model's AuthenticationMode; it moves one way, CONFIG_MAP → API_AND_CONFIG_MAP → API. */
export type AuthenticationMode = 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP';
/** The model's UpdateStatus. */
export type UpdateStatus = 'InProgress' | 'Failed' | 'Cancelled' | 'Successful';

/** One group of control plane log types and whether they are enabled (model LogSetup). */
export interface LogSetup {
  types: string[];
  enabled: boolean;
}

/** A `health.issues[]` entry of a cluster (model ClusterIssue). */
export interface ClusterIssue {
  code: string;
  message: string;
  resourceIds: string[];
}

/** Secrets envelope encryption with a KMS key (model EncryptionConfig, normalized). */
export interface EncryptionConfig {
  resources: string[];
  provider: { keyArn: string };
}

/** What the control plane provider answered for a cluster (kept internal until ACTIVE). */
export interface ControlPlaneInfo {
  endpoint: string;
  certificateAuthorityData: string;
  oidcIssuer: string;
}

/**
 * A cluster: every member of the model's `Cluster` that eksplane serves, plus internal lifecycle
 * fields (`lifecycle`, `activeUpdateId`, `lastAppliedUpdateId`, `controlPlane`, `activatedAt`, `creatorArn`) that
 * {@link ../views.ts} never shows.
 */
export interface ClusterRecord {
  name: string;
  arn: string;
  /** A UUID; its 32 hex digits name the endpoint and OIDC issuer. */
  id: string;
  createdAt: number;
  version: string;
  platformVersion: string;
  roleArn: string;
  status: ClusterStatus;
  resourcesVpcConfig: {
    subnetIds: string[];
    securityGroupIds: string[];
    clusterSecurityGroupId: string;
    vpcId: string;
    endpointPublicAccess: boolean;
    endpointPrivateAccess: boolean;
    publicAccessCidrs: string[];
  };
  kubernetesNetworkConfig: { serviceIpv4Cidr?: string; serviceIpv6Cidr?: string; ipFamily: 'ipv4' | 'ipv6'; elasticLoadBalancing?: { enabled: boolean } };
  logging: { clusterLogging: LogSetup[] };
  clientRequestToken?: string;
  tags: Record<string, string>;
  encryptionConfig?: EncryptionConfig[];
  health: { issues: ClusterIssue[] };
  accessConfig: { authenticationMode: AuthenticationMode; bootstrapClusterCreatorAdminPermissions: boolean };
  upgradePolicy: { supportType: 'STANDARD' | 'EXTENDED' };
  zonalShiftConfig?: { enabled: boolean };
  remoteNetworkConfig?: Record<string, unknown>;
  computeConfig?: Record<string, unknown>;
  storageConfig?: Record<string, unknown>;
  controlPlaneScalingConfig?: { tier: string };
  deletionProtection: boolean;
  bootstrapSelfManagedAddons: boolean;
  /** Internal: the state machine position while CREATING / DELETING. */
  lifecycle?: Lifecycle;
  /** Internal: the cluster update in flight (one at a time). */
  activeUpdateId?: string;
  /** Internal: the last cluster update applied (tells a re-run applier it already ran). */
  lastAppliedUpdateId?: string;
  /** Internal: what the control plane provider answered; shown only once ACTIVE. */
  controlPlane?: ControlPlaneInfo;
  /** Internal: when the cluster first became ACTIVE (endpoint, CA and OIDC are shown from then on). */
  activatedAt?: number;
  /** Internal: the IAM principal that created the cluster (role ARN for assumed roles). */
  creatorArn: string;
}

/** An Update's parameter: values are strings, structured ones JSON (semantics doc §2). */
export interface UpdateParam {
  type: string;
  value: string;
}

/** Why an Update failed (model ErrorDetail). */
export interface ErrorDetail {
  errorCode: string;
  errorMessage: string;
  resourceIds: string[];
}

/**
 * An EKS Update. Stored under `<clusterName>/<id>`; `target` names what it changes: the cluster
 * (`{kind: 'cluster'}`) or a child (`{kind: 'nodegroup' | 'addon' | 'capability', name}`), which is
 * how DescribeUpdate / ListUpdates' `nodegroupName` / `addonName` select it. `change` is what the
 * target's applier does when the update's time comes (kind-specific, JSON).
 */
export interface UpdateRecord {
  id: string;
  clusterName: string;
  target: { kind: string; name?: string };
  status: UpdateStatus;
  type: string;
  params: UpdateParam[];
  createdAt: number;
  errors: ErrorDetail[];
  change: Record<string, unknown>;
  /** The request's idempotency token: a retried request gets this Update back. */
  clientRequestToken?: string;
  lifecycle?: Lifecycle;
}

/** Where an associated access policy applies: the whole cluster or some namespaces (wildcards allowed). */
export interface AccessScope {
  type: 'cluster' | 'namespace';
  namespaces: string[];
}

/** An access policy associated with an access entry. */
export interface AssociatedPolicyRecord {
  policyArn: string;
  accessScope: AccessScope;
  associatedAt: number;
  modifiedAt: number;
}

/**
 * An access entry, stored under `<clusterName>/<principalArn>`, with its associated access
 * policies inside it: deleting the entry deletes its associations, and one read gives the
 * authenticator/authorizer everything about a principal.
 */
export interface AccessEntryRecord {
  clusterName: string;
  principalArn: string;
  kubernetesGroups: string[];
  accessEntryArn: string;
  createdAt: number;
  modifiedAt: number;
  tags: Record<string, string>;
  username: string;
  type: string;
  associatedPolicies: AssociatedPolicyRecord[];
  /** Internal: the creating request's idempotency token. */
  clientRequestToken?: string;
}

/** The tables this part of EKS owns, in one scope. */
export function eksTables(store: Store, scope: Scope) {
  return {
    clusters: tableOf<ClusterRecord>(store, scope, KIND.clusters),
    updates: tableOf<UpdateRecord>(store, scope, KIND.updates),
    accessEntries: tableOf<AccessEntryRecord>(store, scope, KIND.accessEntries),
  };
}

/** The id of a record that belongs to a cluster. */
export function childId(clusterName: string, name: string): string {
  return `${clusterName}/${name}`;
}

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `arn:aws:eks:R:A:<resource>`. */
export function eksArn(scope: Scope, resource: string): string {
  return `arn:${partitionOf(scope.region)}:eks:${scope.region}:${scope.account}:${resource}`;
}
