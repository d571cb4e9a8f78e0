/**
 * EKS over the real EC2 and IAM implementations (src/aws/services/ec2, src/aws/identity) on one
 * store, driven through the SDK clients: a role whose trust policy names eks.amazonaws.com, the
 * default VPC's subnets, the cluster security group visible in EC2 and deleted with the cluster.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DeleteClusterCommand, DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { ManualClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { MemoryStore } from '../../../store/memory/memory-store.js';
import { createAwsServer } from '../../endpoint.js';
import { iamApiOf, IamState } from '../../identity/index.js';
import { createEc2 } from '../ec2/index.js';
import { rejection } from './eks.test-helper.js';
import { createEksService, type EksService } from './index.js';

const clock = new ManualClock();
const store = new MemoryStore();
const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
let svc: EksService;
let server: ReturnType<typeof createAwsServer>;
let eks: EKSClient;
let ec2: EC2Client;
const ac = new AbortController();

before(async () => {
  const iam = new IamState(store, { clock });
  await iam.createRole('000000000000', { roleName: 'eks-cluster', assumeRolePolicyDocument: trust('eks.amazonaws.com') });
  await iam.createRole('000000000000', { roleName: 'lambda', assumeRolePolicyDocument: trust('lambda.amazonaws.com') });
  const ec2Svc = createEc2({ store, clock });
  svc = createEksService({ ec2: ec2Svc.api, iam: iamApiOf(iam), store, clock });
  await svc.start(ac.signal);
  server = createAwsServer({ log: silentLogger(), clock, store, services: [svc.service, ec2Svc.service] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cfg = { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  eks = new EKSClient(cfg);
  ec2 = new EC2Client(cfg);
});
after(async () => {
  ac.abort();
  eks.destroy();
  ec2.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('EKS with the real EC2 and IAM', () => {
  it('creates a cluster in the default VPC and cleans up its security group', async () => {
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
    const byAz = new Map(Subnets.map((s) => [s.AvailabilityZone!, s]));
    assert.ok(byAz.size >= 2, 'a default subnet per AZ');
    const [s1, s2] = [...byAz.values()];
    const roleArn = 'arn:aws:iam::000000000000:role/eks-cluster';

    const wrongTrust = await rejection(eks.send(new CreateClusterCommand({ name: 'x', roleArn: 'arn:aws:iam::000000000000:role/lambda', resourcesVpcConfig: { subnetIds: [s1!.SubnetId!, s2!.SubnetId!] } })));
    assert.equal(wrongTrust.name, 'InvalidParameterException');
    const oneAz = await rejection(eks.send(new CreateClusterCommand({ name: 'x', roleArn, resourcesVpcConfig: { subnetIds: [s1!.SubnetId!] } })));
    assert.equal(oneAz.message, 'Subnets specified must be in at least two different AZs');

    const { cluster } = await eks.send(new CreateClusterCommand({ name: 'real', roleArn, resourcesVpcConfig: { subnetIds: [s1!.SubnetId!, s2!.SubnetId!] } }));
    const sgId = cluster!.resourcesVpcConfig!.clusterSecurityGroupId!;
    assert.equal(cluster!.resourcesVpcConfig!.vpcId, s1!.VpcId);
    const sgs = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sgId] }));
    assert.match(sgs.SecurityGroups?.[0]?.GroupName ?? '', /^eks-cluster-sg-real-\d{10}$/);
    assert.equal(sgs.SecurityGroups?.[0]?.VpcId, s1!.VpcId);

    await svc.reconciler.idle();
    clock.advance(1000);
    await svc.reconciler.idle();
    assert.equal((await eks.send(new DescribeClusterCommand({ name: 'real' }))).cluster?.status, 'ACTIVE');

    await eks.send(new DeleteClusterCommand({ name: 'real' }));
    clock.advance(1000);
    await svc.reconciler.idle();
    assert.equal((await rejection(eks.send(new DescribeClusterCommand({ name: 'real' })))).name, 'ResourceNotFoundException');
    const after = await rejection(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sgId] })));
    assert.equal(after.name, 'InvalidGroup.NotFound');
  });
});
