/**
 * What Auto Scaling needs of EC2: the Ec2Api contract plus capabilities the contract does not
 * have yet (optional here, offered by eksplane's EC2): resolving a launch template, the default
 * subnets for groups given only zones, and RunInstances' ClientToken for restart-safe launches.
 */
import type { Ec2Api, RunInstancesInput, SubnetInfo } from '../contracts.js';

/** RunInstancesInput with EC2's idempotency token. */
export type RunWithToken = RunInstancesInput & { clientToken?: string };

/** Ec2Api with the optional extras. */
export type AsgEc2 = Ec2Api & {
  describeLaunchTemplate?(account: string, region: string, spec: { id?: string; name?: string; version?: string }): Promise<{ id: string; name: string; version: number; instanceType?: string }>;
  defaultSubnets?(account: string, region: string, zones?: string[]): Promise<SubnetInfo[]>;
};
