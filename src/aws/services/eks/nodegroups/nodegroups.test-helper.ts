/**
 * Test support for the node group, Fargate, add-on and pod identity extensions: an in-memory
 * Auto Scaling fake (the AutoScalingApi contract), roles for each service principal, and a
 * ManualClock way to bring a cluster to ACTIVE. Not a test file itself.
 */
import { CreateClusterCommand, DescribeClusterCommand } from '@aws-sdk/client-eks';
import type { ManualClock } from '../../../../lib/clock.js';
import { AwsError } from '../../../types.js';
import type { AutoScalingApi } from '../../contracts.js';
import { ACCOUNT, clusterInput, type EksTestServer } from '../eks.test-helper.js';

/** A Fargate pod execution role (trusts eks-fargate-pods.amazonaws.com). */
export const FARGATE_ROLE = `arn:aws:iam::${ACCOUNT}:role/fargate-pods`;
/** A role for EKS Pod Identity (trusts pods.eks.amazonaws.com). */
export const POD_ROLE = `arn:aws:iam::${ACCOUNT}:role/pod-role`;
/** Another pod identity role. */
export const POD_ROLE_2 = `arn:aws:iam::${ACCOUNT}:role/pod-role-2`;

/** Adds the Fargate and pod identity roles to a server's IAM fake. */
export function addRoles(srv: EksTestServer): void {
  srv.iam.roles.set(FARGATE_ROLE, new Set(['eks-fargate-pods.amazonaws.com']));
  srv.iam.roles.set(POD_ROLE, new Set(['pods.eks.amazonaws.com']));
  srv.iam.roles.set(POD_ROLE_2, new Set(['pods.eks.amazonaws.com']));
}

interface FakeGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  subnetIds: string[];
  launchTemplate?: { id?: string; name?: string; version?: string };
  instanceType?: string;
  tags: Record<string, string>;
}

/**
 * Auto Scaling groups in memory. Instances are reported only when `launch` is true (then the
 * desired count, all InService), so a node group's activation follows its timing by default.
 */
export class FakeAutoScaling implements AutoScalingApi {
  groups = new Map<string, FakeGroup>();
  /** Every call, in order (`create eks-ng-…`, `update eks-ng-… max=4 desired=4`, `delete …`). */
  calls: string[] = [];
  launch = false;
  /** When set, createGroup refuses with this error. */
  refuse?: AwsError;

  async createGroup(_a: string, _r: string, input: Parameters<AutoScalingApi['createGroup']>[2]): Promise<void> {
    if (this.refuse) throw this.refuse;
    if (this.groups.has(input.name)) throw new AwsError('AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${input.name} already exists`);
    this.groups.set(input.name, { ...input, tags: input.tags ?? {} });
    this.calls.push(`create ${input.name}`);
  }
  async updateGroup(_a: string, _r: string, name: string, input: { minSize?: number; maxSize?: number; desiredCapacity?: number }): Promise<void> {
    const g = this.groups.get(name);
    if (!g) throw new AwsError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
    Object.assign(g, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
    this.calls.push(`update ${name} min=${g.minSize} max=${g.maxSize} desired=${g.desiredCapacity}`);
  }
  async deleteGroup(_a: string, _r: string, name: string, opts: { forceDelete: boolean }): Promise<void> {
    if (!this.groups.delete(name)) throw new AwsError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
    this.calls.push(`delete ${name} force=${opts.forceDelete}`);
  }
  async completeLifecycleAction(_a: string, _r: string, i: { groupName: string; hookName: string; instanceId: string; result: string }): Promise<void> {
    this.calls.push(`complete ${i.groupName} ${i.hookName} ${i.instanceId} ${i.result}`);
  }
  async describeGroup(_a: string, _r: string, name: string) {
    const g = this.groups.get(name);
    if (!g) return undefined;
    const instances = this.launch ? Array.from({ length: g.desiredCapacity }, (_, i) => ({ instanceId: `i-${name.length}${i}`, lifecycleState: 'InService', availabilityZone: 'us-east-1a' })) : [];
    return { name, desiredCapacity: g.desiredCapacity, instances };
  }
}

/** Creates a cluster and moves the clock until it is ACTIVE. */
export async function activeCluster(srv: EksTestServer, clock: ManualClock, name: string, extra: Record<string, unknown> = {}): Promise<void> {
  await srv.eks.send(new CreateClusterCommand(clusterInput(name, extra)));
  await srv.svc.reconciler.idle();
  clock.advance(1000);
  await srv.svc.reconciler.idle();
  const c = (await srv.eks.send(new DescribeClusterCommand({ name }))).cluster;
  if (c?.status !== 'ACTIVE') throw new Error(`cluster ${name} is ${c?.status}`);
}

/** Moves the clock by `ms` and waits until the reconciler is idle, `times` times. */
export async function tick(srv: EksTestServer, clock: ManualClock, ms: number, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    await srv.svc.reconciler.idle();
    clock.advance(ms);
    await srv.svc.reconciler.idle();
  }
}
