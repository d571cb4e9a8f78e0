/**
 * Test support for the AWS wire layer: a server on an ephemeral port with small fake services
 * whose handlers return fixed data with nested shapes, timestamps, lists and maps, so the real
 * SDKs and botocore can be pointed at it. Not a test file itself (no `.test.ts` suffix).
 */
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { createAwsServer } from './endpoint.js';
import type { Authenticator, Authorizer } from './router.js';
import { defineService, type AwsService } from './service.js';
import { AwsError } from './types.js';

/** 2026-01-02T03:04:05.678Z, a timestamp with milliseconds to check precision end to end. */
export const T0 = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));

const eks = defineService({
  name: 'eks',
  handlers: {
    async ListClusters(input) {
      return { clusters: ['alpha', 'beta'], nextToken: input.nextToken === undefined ? 'page2' : undefined };
    },
    async DescribeCluster(input, ctx) {
      if (input.name !== 'alpha') throw new AwsError('ResourceNotFoundException', `No cluster found for name: ${String(input.name)}.`, 404, { clusterName: input.name });
      return {
        cluster: {
          name: 'alpha',
          arn: `arn:aws:eks:${ctx.region}:${ctx.account}:cluster/alpha`,
          createdAt: T0,
          version: '1.32',
          status: 'ACTIVE',
          resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] },
          logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: false }] },
          tags: { team: 'infra', env: 'test' },
          certificateAuthority: { data: 'LS0tLS1CRUdJTg==' },
          undeclared: 'dropped by the serializer',
        },
      };
    },
    async CreateCluster() {
      throw new Error('boom: a bug inside a handler');
    },
    async TagResource() {
      return {};
    },
  },
});

const kms = defineService({
  name: 'kms',
  handlers: {
    async CreateKey(input, ctx) {
      return {
        KeyMetadata: {
          KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
          Arn: `arn:aws:kms:${ctx.region}:${ctx.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
          CreationDate: T0,
          Enabled: true,
          Description: input.Description ?? '',
          KeyState: 'Enabled',
          KeyUsage: 'ENCRYPT_DECRYPT',
          EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        },
      };
    },
    async Encrypt(input) {
      return { CiphertextBlob: Buffer.concat([Buffer.from('enc:'), input.Plaintext as Buffer]), KeyId: input.KeyId, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    async DescribeKey(input) {
      throw new AwsError('NotFoundException', `Key 'arn:aws:kms:us-east-1:000000000000:key/${String(input.KeyId)}' does not exist`);
    },
  },
});

const sts = defineService({
  name: 'sts',
  handlers: {
    async GetCallerIdentity(_input, ctx) {
      return { UserId: ctx.principal.userId, Account: ctx.account, Arn: ctx.principal.arn };
    },
    async AssumeRole(input) {
      return {
        Credentials: { AccessKeyId: 'ASIATEST', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: T0 },
        AssumedRoleUser: { AssumedRoleId: 'AROATEST:s', Arn: `arn:aws:sts::000000000000:assumed-role/r/${String(input.RoleSessionName)}` },
      };
    },
  },
});

const iam = defineService({
  name: 'iam',
  handlers: {
    async ListUsers(input) {
      const all = ['ann', 'bob', 'cyd'].map((n, i) => ({ UserName: n, UserId: `AIDA${i}`, Arn: `arn:aws:iam::000000000000:user/${n}`, Path: '/', CreateDate: T0, Tags: [{ Key: 'k', Value: n }] }));
      const start = input.Marker ? Number(input.Marker) : 0;
      const max = (input.MaxItems as number | undefined) ?? 100;
      const page = all.slice(start, start + max);
      const more = start + max < all.length;
      return { Users: page, IsTruncated: more, Marker: more ? String(start + max) : undefined };
    },
    async GetRole(input) {
      throw new AwsError('NoSuchEntityException', `The role with name ${String(input.RoleName)} cannot be found.`, 404);
    },
    async ListRoles() {
      return { Roles: [], IsTruncated: false };
    },
  },
});

const autoscaling = defineService({
  name: 'autoscaling',
  handlers: {
    async DescribeAutoScalingGroups() {
      return {
        AutoScalingGroups: [{
          AutoScalingGroupName: 'eks-ng-1',
          MinSize: 1, MaxSize: 3, DesiredCapacity: 2, DefaultCooldown: 300, HealthCheckType: 'EC2', CreatedTime: T0,
          AvailabilityZones: ['us-east-1a', 'us-east-1b'],
          LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '$Latest' },
          Instances: [{ InstanceId: 'i-1', AvailabilityZone: 'us-east-1a', LifecycleState: 'InService', HealthStatus: 'Healthy', ProtectedFromScaleIn: false }],
          Tags: [{ Key: 'k8s.io/cluster-autoscaler/enabled', Value: 'true', PropagateAtLaunch: true, ResourceId: 'eks-ng-1', ResourceType: 'auto-scaling-group' }],
        }],
      };
    },
  },
});

const ec2 = defineService({
  name: 'ec2',
  handlers: {
    async DescribeVpcs(input) {
      const vpcs = [
        { VpcId: 'vpc-1', CidrBlock: '172.31.0.0/16', State: 'available', IsDefault: true, Tags: [{ Key: 'Name', Value: 'default' }], CidrBlockAssociationSet: [{ AssociationId: 'a-1', CidrBlock: '172.31.0.0/16', CidrBlockState: { State: 'associated' } }] },
        { VpcId: 'vpc-2', CidrBlock: '10.0.0.0/16', State: 'pending', IsDefault: false, Tags: [] },
      ];
      const ids = input.VpcIds as string[] | undefined;
      const filters = (input.Filters as { Name: string; Values: string[] }[] | undefined) ?? [];
      return { Vpcs: vpcs.filter((v) => (!ids || ids.includes(v.VpcId)) && filters.every((f) => f.Name !== 'state' || f.Values.includes(v.State))) };
    },
    async DescribeInstances() {
      return { Reservations: [{ ReservationId: 'r-1', OwnerId: '000000000000', Instances: [{ InstanceId: 'i-1', LaunchTime: T0, State: { Code: 16, Name: 'running' }, PrivateIpAddress: '172.31.1.5' }] }] };
    },
    async DeleteVpc(input) {
      throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${String(input.VpcId)}' does not exist`);
    },
  },
});

/** The fake services, one per served AWS service. */
export const FAKE_SERVICES: readonly AwsService[] = [eks, kms, sts, iam, autoscaling, ec2];

/** Starts the endpoint on 127.0.0.1:0 with the fake services; `stop` closes it. */
export async function startTestServer(opts: { authenticate?: Authenticator; authorize?: Authorizer } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createAwsServer({ log: silentLogger(), clock: new ManualClock(), services: FAKE_SERVICES, ...opts });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** SDK client options for the test server. */
export function clientConfig(url: string) {
  return { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
}
