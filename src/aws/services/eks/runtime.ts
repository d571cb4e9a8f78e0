/**
 * What EKS's handlers and state machines share: the injected services, the store and clock, the
 * reconciler, and the registries through which node groups, Fargate profiles, add-ons and pod
 * identity associations plug into the cluster work (an {@link EksExtension} per area).
 */
import type { Clock } from '../../../lib/clock.js';
import type { Logger } from '../../../lib/logger.js';
import type { Store } from '../../../store/types.js';
import type { AwsContext, AwsHandler } from '../../types.js';
import type { Ec2Api, IamApi } from '../contracts.js';
import type { ControlPlaneProvider } from './control-plane.js';
import { eksError, MSG, type EksErrorFields } from './errors.js';
import type { Reconciler } from './reconciler.js';
import { eksTables, KIND, tableOf, type ClusterRecord, type ErrorDetail, type Scope, type UpdateRecord } from './state.js';
import type { Timings } from './timings.js';

/**
 * What DeleteCluster and UpdateClusterVersion need to know about a cluster's node groups and
 * Fargate profiles. {@link conventionalDependents} reads them from the conventional tables
 * (`nodegroups`, `fargate-profiles`, ids `<cluster>/<name>`), so an implementation that stores
 * them there needs no wiring.
 */
export interface ClusterDependents {
  nodegroups(scope: Scope, clusterName: string): Promise<{ name: string; version?: string }[]>;
  fargateProfiles(scope: Scope, clusterName: string): Promise<{ name: string; status?: string }[]>;
}

/** {@link ClusterDependents} over the conventional tables (records with `nodegroupName`/`version`, `fargateProfileName`/`status`). */
export function conventionalDependents(store: Store): ClusterDependents {
  return {
    async nodegroups(scope, clusterName) {
      const rows = await tableOf<{ nodegroupName?: string; version?: string }>(store, scope, KIND.nodegroups).listUnder(`${clusterName}/`);
      return rows.map((r) => ({ name: r.value.nodegroupName ?? r.id.slice(clusterName.length + 1), version: r.value.version }));
    },
    async fargateProfiles(scope, clusterName) {
      const rows = await tableOf<{ fargateProfileName?: string; status?: string }>(store, scope, KIND.fargateProfiles).listUnder(`${clusterName}/`);
      return rows.map((r) => ({ name: r.value.fargateProfileName ?? r.id.slice(clusterName.length + 1), status: r.value.status }));
    },
  };
}

/** How an update ended, or when to look again (a rolling node group update takes many steps). */
export type UpdateOutcome = { status: 'Successful' | 'Failed' | 'Cancelled'; errors?: ErrorDetail[] } | { waitUntil: number };

/**
 * Carries out an InProgress update of one target kind when its due time comes: `cluster` here,
 * `nodegroup` / `addon` in their areas. Must be idempotent (it may run again after a restart).
 */
export type UpdateApplier = (update: UpdateRecord, ctx: { scope: Scope; now: number; rt: EksRuntime }) => Promise<UpdateOutcome>;

/** An EKS ARN taken apart: `arn:aws:eks:R:A:<resourceType>/<parts…>`. */
export interface ParsedEksArn {
  arn: string;
  scope: Scope;
  resourceType: string;
  parts: string[];
}

/** Which stored record a taggable ARN names, and the record member that holds its ARN. */
export interface TagTarget {
  kind: string;
  id: string;
  arnField: string;
}

/** Finds the record a taggable ARN of one resource type names (undefined: no such resource). */
export type TagResolver = (arn: ParsedEksArn, rt: EksRuntime) => Promise<TagTarget | undefined>;

/**
 * What an area (node groups, Fargate profiles, add-ons, pod identity associations) adds to the
 * EKS service. Its state machines register themselves with `rt.reconciler.register(...)`.
 */
export interface EksExtension {
  /** Handlers by operation name; a name handled twice is an error at startup. */
  handlers?: Partial<Record<string, AwsHandler>>;
  /** Update appliers by target kind (`nodegroup`, `addon`). */
  updateTargets?: Record<string, UpdateApplier>;
  /** Tag resolvers by ARN resource type (`nodegroup`, `fargateprofile`, `addon`, …), replacing the conventional ones. */
  tagResolvers?: Record<string, TagResolver>;
  /** Replaces {@link conventionalDependents}. */
  dependents?: ClusterDependents;
  /** Runs when a cluster's deletion completes (delete the area's records of that cluster). Must be idempotent. */
  onClusterDeleted?(scope: Scope, cluster: ClusterRecord): Promise<void>;
}

/** Builds an extension once the runtime exists. */
export type EksExtensionFactory = (rt: EksRuntime) => EksExtension;

/** Everything EKS code shares (see the module doc). */
export interface EksRuntime {
  store: Store;
  clock: Clock;
  log: Logger;
  ec2: Ec2Api;
  iam: IamApi;
  controlPlane: ControlPlaneProvider;
  timings: Timings;
  reconciler: Reconciler;
  dependents: ClusterDependents;
  updateTargets: Map<string, UpdateApplier>;
  tagResolvers: Map<string, TagResolver>;
  clusterDeletedHooks: ((scope: Scope, cluster: ClusterRecord) => Promise<void>)[];
}

/** The scope (account, region) of a request. */
export function scopeOf(ctx: Pick<AwsContext, 'account' | 'region'>): Scope {
  return { account: ctx.account, region: ctx.region };
}

/** The tables of this part of EKS in `scope`. */
export function tables(rt: EksRuntime, scope: Scope) {
  return eksTables(rt.store, scope);
}

/** Asks the reconciler to look at a record now, or at the due time of `written` (the value just stored). */
export function kick(rt: EksRuntime, kind: string, scope: Scope, id: string, written?: unknown): void {
  rt.reconciler.kick({ kind, account: scope.account, region: scope.region, id }, written);
}

/** The cluster, or ResourceNotFoundException `No cluster found for name: X.`. */
export async function requireCluster(rt: EksRuntime, scope: Scope, name: string, fields: EksErrorFields = {}): Promise<{ value: ClusterRecord; revision: number }> {
  const c = await tables(rt, scope).clusters.get(name);
  if (!c) throw eksError('ResourceNotFoundException', MSG.clusterNotFound(name), { clusterName: name, ...fields });
  return c;
}

/**
 * Reads a record, lets `change` compute its next value (returning undefined changes nothing) and
 * writes it with compare-and-swap, retrying on concurrent changes. Returns the record as
 * written or read, or undefined when absent. `read`: the record as the caller just read it, used
 * for the first attempt instead of reading it again (a concurrent change still fails the swap).
 * `change` must not modify its argument (build the next value with spreads): what it is given is
 * the value read, returned as it is when `change` answers undefined — cloning it for every write
 * cost more than the rest of DeleteCluster's handler.
 */
export async function mutate<T>(table: { get(id: string): Promise<{ value: T; revision: number } | undefined>; update(id: string, v: T, rev: number): Promise<boolean> }, id: string, change: (v: T) => T | undefined, read?: { value: T; revision: number }): Promise<T | undefined> {
  let cur = read;
  for (;;) {
    cur ??= await table.get(id);
    if (!cur) return undefined;
    const next = change(cur.value);
    if (next === undefined) return cur.value;
    if (await table.update(id, next, cur.revision)) return next;
    cur = undefined;
  }
}
