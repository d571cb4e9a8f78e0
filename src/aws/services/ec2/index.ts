/**
 * EC2 as eksplane serves it: the handlers of ./handlers over per-account, per-region state in the
 * store (./state.ts), and the in-process {@link Ec2Api} over the same state.
 *
 * `createEc2({ store, clock })` returns the service for the router and the api for EKS, Auto
 * Scaling and the data plane. Every delay (instance boot, stop, termination, volume and NAT
 * gateway creation) reads `clock` lazily from stored times, so state survives restarts and tests
 * run on a ManualClock.
 */
import type { Clock } from '../../../lib/clock.js';
import type { Store } from '../../../store/types.js';
import { defineService, type AwsService } from '../../service.js';
import type { AwsHandler } from '../../types.js';
import type { Ec2Api } from '../contracts.js';
import { createEc2Api, type Ec2ApiExtras } from './api.js';
import { Ec2Errors } from './errors.js';
import type { Ec2Handler } from './handler.js';
import { catalogHandlers } from './handlers/catalog.js';
import { gatewayHandlers } from './handlers/gateways.js';
import { instanceHandlers } from './handlers/instances.js';
import { keyPairHandlers } from './handlers/key-pairs.js';
import { launchTemplateHandlers } from './handlers/launch-templates.js';
import { natGatewayHandlers } from './handlers/nat-gateways.js';
import { networkInterfaceHandlers } from './handlers/network-interfaces.js';
import { routeTableHandlers } from './handlers/route-tables.js';
import { securityGroupHandlers } from './handlers/security-groups.js';
import { subnetHandlers } from './handlers/subnets.js';
import { volumeHandlers } from './handlers/volumes.js';
import { vpcHandlers } from './handlers/vpcs.js';
import { DEFAULT_TIMING, Ec2Region, type Ec2Env, type Ec2Timing } from './state.js';
import { tagHandlers } from './tags.js';

export type { Ec2ApiExtras, ResolvedLaunchTemplate, RunInstancesInputWithToken } from './api.js';
export { DEFAULT_TIMING, type Ec2Timing } from './state.js';
export { INSTANCE_TYPES, instanceType, maxPods, type InstanceTypeInfo } from './instance-types.js';

/** Every EC2 handler, by operation. */
export const EC2_HANDLERS: Record<string, Ec2Handler> = {
  ...catalogHandlers,
  ...vpcHandlers,
  ...subnetHandlers,
  ...securityGroupHandlers,
  ...gatewayHandlers,
  ...natGatewayHandlers,
  ...routeTableHandlers,
  ...networkInterfaceHandlers,
  ...keyPairHandlers,
  ...volumeHandlers,
  ...launchTemplateHandlers,
  ...instanceHandlers,
  ...tagHandlers,
};

/** What EC2 is built over. */
export interface Ec2Deps {
  store: Store;
  clock: Clock;
  /** Delays of asynchronous transitions (default {@link DEFAULT_TIMING}). */
  timing?: Partial<Ec2Timing>;
}

/** The EC2 service and its in-process api over one store. */
export function createEc2(deps: Ec2Deps): { service: AwsService; api: Ec2Api & Ec2ApiExtras; region(account: string, region: string): Promise<Ec2Region> } {
  const env: Ec2Env = { store: deps.store, clock: deps.clock, timing: { ...DEFAULT_TIMING, ...deps.timing }, defaultsDone: new Set(), ipHints: new Map() };
  const region = (account: string, name: string) => new Ec2Region(env, account, name).ready();
  const handlers: Record<string, AwsHandler> = {};
  for (const [name, h] of Object.entries(EC2_HANDLERS)) {
    handlers[name] = async (input, ctx) => {
      if (input.DryRun === true) throw Ec2Errors.dryRun();
      return h(input, await region(ctx.account, ctx.region), ctx);
    };
  }
  return { service: defineService({ name: 'ec2', handlers }), api: createEc2Api(region), region };
}
