/**
 * The EKS service: handlers over stored records, state machines advanced by one reconciler on
 * the injected clock (shared/ARCHITECTURE.md rules 4–6). `server/` builds it with the EC2 and IAM
 * implementations, a control plane provider and the router's store and clock, then calls
 * `start(signal)`.
 *
 * Node groups, Fargate profiles, add-ons and pod identity associations plug in as
 * {@link EksExtensionFactory}s: each gets the {@link EksRuntime} (reconciler, timings, injected
 * services, registries) and returns its handlers, update appliers, tag resolvers and cleanup hook.
 */
import type { Clock } from '../../../lib/clock.js';
import { silentLogger, type Logger } from '../../../lib/logger.js';
import type { Store } from '../../../store/types.js';
import { defineService, type AwsService, type ResourceArnOf } from '../../service.js';
import type { AwsHandler } from '../../types.js';
import type { Ec2Api, IamApi } from '../contracts.js';
import { registerClusterMachine } from './cluster-machine.js';
import { limitProvisioning, syntheticControlPlane, type ControlPlaneProvider } from './control-plane.js';
import { accessEntryHandlers } from './handlers/access-entries.js';
import { clusterHandlers } from './handlers/clusters.js';
import { DEFAULT_TAG_RESOLVERS, tagHandlers } from './handlers/tags.js';
import { updateHandlers } from './handlers/updates.js';
import { versionHandlers } from './handlers/versions.js';
import { Reconciler } from './reconciler.js';
import { conventionalDependents, type ClusterDependents, type EksExtensionFactory, type EksRuntime } from './runtime.js';
import { eksArn } from './state.js';
import { fastTimings, type Timings } from './timings.js';
import { registerUpdateMachine } from './update-machine.js';

export { syntheticControlPlane, type ControlPlaneProvider } from './control-plane.js';
export { Reconciler, type KindDef, type ResourceKey, type Step } from './reconciler.js';
export type { ClusterDependents, EksExtension, EksExtensionFactory, EksRuntime, UpdateApplier, UpdateOutcome, TagResolver } from './runtime.js';
export { fastTimings, realisticTimings, type Timings } from './timings.js';

/** What the EKS service is built from. */
export interface EksDeps {
  ec2: Ec2Api;
  iam: IamApi;
  /** The router's store (handlers and the reconciler must share it). */
  store: Store;
  clock: Clock;
  log?: Logger;
  /** Default: {@link syntheticControlPlane}. */
  controlPlane?: ControlPlaneProvider;
  /** Control planes brought up at once (default 2); see {@link limitProvisioning}. */
  maxConcurrentProvisions?: number;
  /** Default: {@link fastTimings}. */
  timings?: Timings;
  /** Default: the conventional node group / Fargate profile tables. */
  dependents?: ClusterDependents;
  /** Node groups, Fargate profiles, add-ons, pod identity associations. */
  extensions?: EksExtensionFactory[];
}

/** The built service: the AWS service for the router, its reconciler and runtime. */
export interface EksService {
  service: AwsService;
  reconciler: Reconciler;
  runtime: EksRuntime;
  /** Starts the reconciler (resuming every stored transition); stops when `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
  stop(): void;
}

const clusterArnOf = (member: string): ResourceArnOf => (input, ctx) => (typeof input[member] === 'string' ? eksArn(ctx, `cluster/${input[member] as string}`) : undefined);

/** Builds the EKS service (see the module doc). Throws when two parts handle one operation. */
export function createEksService(deps: EksDeps): EksService {
  const log = deps.log ?? silentLogger();
  const reconciler = new Reconciler({ store: deps.store, clock: deps.clock, log, retryMs: (deps.timings ?? fastTimings).retry });
  const rt: EksRuntime = {
    store: deps.store,
    clock: deps.clock,
    log,
    ec2: deps.ec2,
    iam: deps.iam,
    controlPlane: limitProvisioning(deps.controlPlane ?? syntheticControlPlane({ now: () => deps.clock.now() }), deps.maxConcurrentProvisions ?? 2),
    timings: deps.timings ?? fastTimings,
    reconciler,
    dependents: deps.dependents ?? conventionalDependents(deps.store),
    updateTargets: new Map(),
    tagResolvers: new Map(Object.entries(DEFAULT_TAG_RESOLVERS)),
    clusterDeletedHooks: [],
  };
  registerClusterMachine(rt);
  registerUpdateMachine(rt);

  const handlers: Record<string, AwsHandler> = {};
  const add = (from: string, hs: Partial<Record<string, AwsHandler>>): void => {
    for (const [op, h] of Object.entries(hs)) {
      if (!h) continue;
      if (handlers[op]) throw new Error(`EKS: ${op} is handled twice (${from})`);
      handlers[op] = h;
    }
  };
  add('clusters', clusterHandlers(rt));
  add('updates', updateHandlers(rt));
  add('versions', versionHandlers());
  add('tags', tagHandlers(rt));
  add('access entries', accessEntryHandlers(rt));
  for (const [i, factory] of (deps.extensions ?? []).entries()) {
    const ext = factory(rt);
    add(`extension ${i}`, ext.handlers ?? {});
    for (const [kind, applier] of Object.entries(ext.updateTargets ?? {})) rt.updateTargets.set(kind, applier);
    for (const [type, resolver] of Object.entries(ext.tagResolvers ?? {})) rt.tagResolvers.set(type, resolver);
    if (ext.dependents) rt.dependents = ext.dependents;
    if (ext.onClusterDeleted) rt.clusterDeletedHooks.push(ext.onClusterDeleted.bind(ext));
  }

  const resources: Partial<Record<string, ResourceArnOf>> = {};
  for (const op of ['CreateCluster', 'DescribeCluster', 'DeleteCluster', 'UpdateClusterConfig', 'UpdateClusterVersion', 'DescribeUpdate', 'ListUpdates']) resources[op] = clusterArnOf('name');
  for (const op of ['AssociateEncryptionConfig', 'CreateAccessEntry', 'ListAccessEntries']) resources[op] = clusterArnOf('clusterName');
  for (const op of ['TagResource', 'UntagResource', 'ListTagsForResource']) resources[op] = (input) => input.resourceArn as string | undefined;

  const service = defineService({ name: 'eks', handlers, resources });
  return {
    service,
    reconciler,
    runtime: rt,
    start: (signal) => reconciler.start(signal),
    stop: () => reconciler.stop(),
  };
}
