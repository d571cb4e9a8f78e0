/**
 * The controller manager: one registry table of controllers, all started over one KubeClient on
 * one transport (in-process inside the server, HTTPS when run against a remote replica), as
 * kube-controller-manager starts its controllers from a name → constructor table.
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { KubeClient } from '../kubeclient/client.js';
import { SharedInformers } from '../kubeclient/shared-informers.js';
import type { KubeTransport } from '../kubeclient/transport.js';
import { leaderElected, type LeaderElected, type LeaderElectionSettings } from '../kubeclient/leader-election.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { DaemonSetController } from './daemonset/daemonset-controller.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { DisruptionController } from './disruption/disruption-controller.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { EndpointSliceController } from './endpointslice/endpointslice-controller.js';
import { GarbageCollector } from './garbage-collector/garbage-collector.js';
import { JobController } from './job/job-controller.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { NodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.js';
import { HorizontalController } from './podautoscaler/horizontal-controller.js';
import { PodGcController } from './podgc/podgc-controller.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';
import { StatefulSetController } from './statefulset/statefulset-controller.js';
import { TaintEvictionController } from './taint-eviction/taint-eviction-controller.js';
import { TtlAfterFinishedController } from './ttl-after-finished/ttl-after-finished-controller.js';
import { serviceAccountControllerEntries, type ServiceAccountControllerConfig } from './serviceaccount/index.js';

/** What every controller gets. */
export interface ControllerContext {
  client: KubeClient;
  /** The cluster's shared informers: ask here rather than constructing an Informer. */
  informers: SharedInformers;
  clock: Clock;
  /** Already carries `controller: <name>`. */
  log: Logger;
  /** The cluster CA to publish and the legacy token signer (service-account controllers). */
  serviceAccountConfig?: ServiceAccountControllerConfig;
}

/** A running controller: started once, stopped once; `synced` resolves when its informers have listed. */
export interface Controller {
  start(): void;
  stop(): Promise<void>;
  readonly synced: Promise<void>;
}

/** The registry: one line per controller, upstream's names. */
export const CONTROLLERS: { name: string; create(ctx: ControllerContext): Controller }[] = [
  { name: 'garbage-collector', create: (ctx) => new GarbageCollector(ctx) },
  { name: 'namespace', create: (ctx) => new NamespaceController(ctx) },
  { name: 'deployment', create: (ctx) => new DeploymentController(ctx) },
  { name: 'replicaset', create: (ctx) => new ReplicaSetController(ctx) },
  { name: 'statefulset', create: (ctx) => new StatefulSetController(ctx) },
  { name: 'daemonset', create: (ctx) => new DaemonSetController(ctx) },
  { name: 'job', create: (ctx) => new JobController(ctx) },
  { name: 'cronjob', create: (ctx) => new CronJobController(ctx) },
  { name: 'ttl-after-finished', create: (ctx) => new TtlAfterFinishedController(ctx) },
  { name: 'endpoint', create: (ctx) => new EndpointsController(ctx) },
  { name: 'endpointslice', create: (ctx) => new EndpointSliceController(ctx) },
  { name: 'disruption', create: (ctx) => new DisruptionController(ctx) },
  { name: 'node-lifecycle', create: (ctx) => new NodeLifecycleController(ctx) },
  { name: 'taint-eviction-controller', create: (ctx) => new TaintEvictionController(ctx) },
  { name: 'horizontal-pod-autoscaler', create: (ctx) => new HorizontalController(ctx) },
  { name: 'pod-garbage-collector', create: (ctx) => new PodGcController(ctx) },
  ...serviceAccountControllerEntries<ControllerContext>((ctx) => ctx.serviceAccountConfig ?? {}),
];

export interface StartControllersOptions {
  transport: KubeTransport;
  clock: Clock;
  log: Logger;
  /** Shared with the scheduler and the kubelets of the same cluster when given. */
  informers?: SharedInformers;
  /** Names from CONTROLLERS to run (default: all). */
  only?: string[];
  serviceAccountConfig?: ServiceAccountControllerConfig;
  /**
   * Leader election over the Lease kube-system/kube-controller-manager (default: on, client-go's
   * timings), so a second replica of the server stands by instead of double-acting; `false`
   * runs the controllers unconditionally.
   */
  leaderElection?: LeaderElectionSettings | false;
}

/** kube-controller-manager's Lease (--leader-elect-resource-namespace/-name defaults). */
export const CONTROLLER_MANAGER_LEASE = { namespace: 'kube-system', name: 'kube-controller-manager' };

export interface RunningControllers {
  /** Resolves once every controller's informers have listed (with election: once leading, too). */
  synced(): Promise<void>;
  /** The election, when the controllers run under one. */
  readonly election?: LeaderElected;
  /** Stops every controller and waits for their workers to finish. */
  stop(): Promise<void>;
}

/**
 * Starts the registered controllers; returns at once (they sync in the background). Under leader
 * election they start when this replica wins the Lease (at once when it is alone) and stop when
 * it loses it, as kube-controller-manager's OnStartedLeading / OnStoppedLeading.
 */
export async function startControllers(opts: StartControllersOptions): Promise<RunningControllers> {
  const client = opts.informers?.client ?? new KubeClient(opts.transport);
  const informers = opts.informers ?? new SharedInformers(client, opts.clock, opts.log);
  if (opts.leaderElection === false) return runControllers(opts, informers);
  let first: (r: RunningControllers) => void = () => {};
  const firstTerm = new Promise<RunningControllers>((resolve) => (first = resolve));
  let current: RunningControllers | undefined;
  const election = leaderElected({
    informers,
    lease: CONTROLLER_MANAGER_LEASE,
    component: 'kube-controller-manager',
    clock: opts.clock,
    log: opts.log,
    settings: opts.leaderElection,
    run(termInformers) {
      const r = (current = runControllers(opts, termInformers));
      first(r);
      return r;
    },
  });
  return {
    election,
    async synced() {
      await firstTerm;
      await current?.synced();
    },
    stop: () => election.stop(),
  };
}

function runControllers(opts: StartControllersOptions, informers: SharedInformers): RunningControllers {
  const client = informers.client;
  const running: { name: string; c: Controller }[] = [];
  for (const def of CONTROLLERS) {
    if (opts.only && !opts.only.includes(def.name)) continue;
    const c = def.create({ client, informers, clock: opts.clock, log: opts.log.child({ controller: def.name }), serviceAccountConfig: opts.serviceAccountConfig });
    c.start();
    running.push({ name: def.name, c });
  }
  opts.log.info({ controllers: running.map((r) => r.name) }, 'controllers started');
  return {
    async synced() {
      await Promise.all(running.map((r) => r.c.synced));
    },
    async stop() {
      await Promise.all(running.map((r) => r.c.stop()));
      opts.log.info('controllers stopped');
    },
  };
}
