/**
 * Test support for the EKS service: small in-memory EC2 and IAM fakes (the contracts of
 * ../contracts.ts), and an endpoint on 127.0.0.1:0 serving the real EKS service over a given
 * store and clock, for `@aws-sdk/client-eks`. Not a test file itself.
 */
import type { AddressInfo } from 'node:net';
import { EKSClient } from '@aws-sdk/client-eks';
import type { Clock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { MemoryStore } from '../../../store/memory/memory-store.js';
import type { Store } from '../../../store/types.js';
import { createAwsServer } from '../../endpoint.js';
import type { Authenticator } from '../../router.js';
import type { Ec2Api, IamApi, SubnetInfo } from '../contracts.js';
import type { ControlPlaneProvider } from './control-plane.js';
import { createEksService, type EksExtensionFactory, type EksService, type Timings } from './index.js';

/** The account, region and IAM roles the fakes know. */
export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const EKS_ROLE = `arn:aws:iam::${ACCOUNT}:role/eks-cluster-role`;
export const EC2_ROLE = `arn:aws:iam::${ACCOUNT}:role/node-role`;
export const ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/admin`;

/** EC2 as EKS sees it: a default VPC (three AZs) and a 10.0.0.0/16 VPC, plus security groups. */
export class FakeEc2 implements Ec2Api {
  subnets = new Map<string, SubnetInfo>();
  groups = new Map<string, { groupId: string; vpcId: string; name: string; description: string; tags: Record<string, string> }>();
  deletedGroups: string[] = [];
  private seq = 0;

  constructor() {
    const add = (subnetId: string, vpcId: string, az: string, cidrBlock: string) =>
      this.subnets.set(subnetId, { subnetId, vpcId, availabilityZone: az, availabilityZoneId: `use1-${az.slice(-2)}`, cidrBlock, availableIpAddressCount: 4091 });
    add('subnet-a', 'vpc-default', 'us-east-1a', '172.31.0.0/20');
    add('subnet-b', 'vpc-default', 'us-east-1b', '172.31.16.0/20');
    add('subnet-c', 'vpc-default', 'us-east-1c', '172.31.32.0/20');
    add('subnet-a2', 'vpc-default', 'us-east-1a', '172.31.48.0/20');
    add('subnet-x', 'vpc-ten', 'us-east-1a', '10.0.1.0/24');
    add('subnet-y', 'vpc-ten', 'us-east-1b', '10.0.2.0/24');
    this.groups.set('sg-default', { groupId: 'sg-default', vpcId: 'vpc-default', name: 'default', description: 'default', tags: {} });
    this.groups.set('sg-ten', { groupId: 'sg-ten', vpcId: 'vpc-ten', name: 'default', description: 'default', tags: {} });
  }

  async describeSubnets(_a: string, _r: string, ids: string[]) {
    return ids.flatMap((id) => (this.subnets.has(id) ? [this.subnets.get(id)!] : []));
  }
  async describeSecurityGroups(_a: string, _r: string, ids: string[]) {
    return ids.flatMap((id) => (this.groups.has(id) ? [{ groupId: id, vpcId: this.groups.get(id)!.vpcId }] : []));
  }
  async createSecurityGroup(_a: string, _r: string, input: { vpcId: string; name: string; description: string; tags?: Record<string, string> }) {
    const groupId = `sg-${(++this.seq).toString(16).padStart(17, '0')}`;
    this.groups.set(groupId, { groupId, vpcId: input.vpcId, name: input.name, description: input.description, tags: input.tags ?? {} });
    return groupId;
  }
  async deleteSecurityGroup(_a: string, _r: string, groupId: string) {
    if (!this.groups.delete(groupId)) throw new Error(`InvalidGroup.NotFound ${groupId}`);
    this.deletedGroups.push(groupId);
  }
  async runInstances(): Promise<never> {
    throw new Error('not in this fake');
  }
  async terminateInstances() {}
  async describeInstances() {
    return [];
  }
  async allocatePrivateIp() {
    return undefined;
  }
  async releasePrivateIp() {}
  async allocatePrivateIps() {
    return [];
  }
  async allocatePrefix() {
    return undefined;
  }
  async instancesTagged() {
    return [];
  }
  async privateIpsByOwner() {
    return new Map<string, string[]>();
  }
}

/** IAM roles with the service principals their trust policies allow. */
export class FakeIam implements IamApi {
  roles = new Map<string, Set<string>>([
    [EKS_ROLE, new Set(['eks.amazonaws.com'])],
    [EC2_ROLE, new Set(['ec2.amazonaws.com'])],
    [ADMIN_ROLE, new Set()],
  ]);
  async getRole(_account: string, roleArn: string) {
    return this.roles.has(roleArn) ? { arn: roleArn, name: roleArn.slice(roleArn.lastIndexOf('/') + 1) } : undefined;
  }
  async roleTrusts(_account: string, roleArn: string, principal: string) {
    return this.roles.get(roleArn)?.has(principal) ?? false;
  }
}

/** A running EKS endpoint with its SDK client, service and fakes. */
export interface EksTestServer {
  url: string;
  eks: EKSClient;
  svc: EksService;
  store: Store;
  ec2: FakeEc2;
  iam: FakeIam;
  /** Stops the server and the reconciler (the store stays). */
  stop(): Promise<void>;
}

/** Starts EKS (reconciler started unless `start: false`) behind an endpoint on 127.0.0.1:0. */
export async function startEks(opts: {
  clock: Clock;
  store?: Store;
  ec2?: FakeEc2;
  iam?: FakeIam;
  timings?: Timings;
  controlPlane?: ControlPlaneProvider;
  extensions?: EksExtensionFactory[];
  authenticate?: Authenticator;
  start?: boolean;
}): Promise<EksTestServer> {
  const store = opts.store ?? new MemoryStore();
  const ec2 = opts.ec2 ?? new FakeEc2();
  const iam = opts.iam ?? new FakeIam();
  const svc = createEksService({ ec2, iam, store, clock: opts.clock, timings: opts.timings, controlPlane: opts.controlPlane, extensions: opts.extensions });
  const ac = new AbortController();
  if (opts.start !== false) await svc.start(ac.signal);
  const server = createAwsServer({ log: silentLogger(), clock: opts.clock, store, services: [svc.service], authenticate: opts.authenticate });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const eks = new EKSClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  return {
    url,
    eks,
    svc,
    store,
    ec2,
    iam,
    async stop() {
      ac.abort();
      eks.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await svc.reconciler.idle();
    },
  };
}

/** A minimal valid CreateCluster input. */
export function clusterInput(name: string, extra: Record<string, unknown> = {}) {
  return { name, roleArn: EKS_ROLE, resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'] }, ...extra };
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { name: string; $metadata: { httpStatusCode?: number; requestId?: string }; clusterName?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { name: string; $metadata: { httpStatusCode?: number; requestId?: string } };
  }
  throw new Error('expected a rejection');
}
