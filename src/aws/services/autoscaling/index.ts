/**
 * Auto Scaling as eksplane serves it: groups over launch templates and subnets, kept at their
 * desired capacity by a reconciler over stored state and the injected clock, launching through
 * the EC2 api (instances appear in EC2 with addresses from their subnets, spread across zones).
 *
 * `createAutoScaling({ store, clock, ec2 })` returns the service for the router, the in-process
 * AutoScalingApi for EKS, and `start(signal)` for `server/` (it resumes every group after a
 * restart). `idle()` waits for reconciliation in flight (tests).
 */
import type { Clock } from '../../../lib/clock.js';
import type { Logger } from '../../../lib/logger.js';
import type { Store } from '../../../store/types.js';
import { defineService, type AwsService } from '../../service.js';
import type { AutoScalingApi } from '../contracts.js';
import { createAutoScalingApi } from './api.js';
import type { AsgEc2 } from './ec2-port.js';
import type { AsgCtx } from './groups.js';
import { asgHandlers } from './handlers.js';
import { AsgReconciler } from './reconciler.js';
import { AsgRegion } from './state.js';

export type { AsgEc2 } from './ec2-port.js';

/** What Auto Scaling is built over. */
export interface AutoScalingDeps {
  store: Store;
  clock: Clock;
  /** EC2 as Auto Scaling uses it (the Ec2Api contract; eksplane's EC2 also offers the optional extras). */
  ec2: AsgEc2;
  log?: Logger;
  /** Rescan period of the reconciler on the clock (default 1000 ms). */
  intervalMs?: number;
  /** Wait after a failed launch (default 10 s). */
  launchBackoffMs?: number;
}

/** The Auto Scaling service, its api and its reconciler. */
export function createAutoScaling(deps: AutoScalingDeps): {
  service: AwsService;
  api: AutoScalingApi;
  start(signal: AbortSignal): void;
  idle(): Promise<void>;
  reconciler: AsgReconciler;
} {
  const reconciler = new AsgReconciler(deps);
  const ctxOf = (account: string, region: string): AsgCtx => ({
    r: new AsgRegion(deps.store, account, region),
    ec2: deps.ec2,
    now: deps.clock.now(),
    kick: (name) => reconciler.kick(account, region, name),
  });
  return {
    service: defineService({ name: 'autoscaling', handlers: asgHandlers((ctx) => ctxOf(ctx.account, ctx.region)) }),
    api: createAutoScalingApi(ctxOf),
    start: (signal) => reconciler.start(signal),
    idle: () => reconciler.idle(),
    reconciler,
  };
}
