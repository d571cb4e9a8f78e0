/**
 * The whole life of a cluster with two managed node groups, a Fargate profile, add-ons and a Pod
 * Identity association, through `@aws-sdk/client-eks` and its waiters (minDelay 1 s) on the wall
 * clock, over the real EC2, IAM and Auto Scaling implementations on one store: node groups own
 * real Auto Scaling groups (visible through `@aws-sdk/client-auto-scaling`), config updates reach
 * them, a version update rolls, everything is deleted and the cluster goes away.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateAddonCommand,
  CreateClusterCommand,
  CreateFargateProfileCommand,
  CreateNodegroupCommand,
  CreatePodIdentityAssociationCommand,
  DeleteAddonCommand,
  DeleteClusterCommand,
  DeleteFargateProfileCommand,
  DeleteNodegroupCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  EKSClient,
  ListNodegroupsCommand,
  ListPodIdentityAssociationsCommand,
  UpdateNodegroupConfigCommand,
  UpdateNodegroupVersionCommand,
  waitUntilAddonActive,
  waitUntilAddonDeleted,
  waitUntilClusterActive,
  waitUntilClusterDeleted,
  waitUntilFargateProfileActive,
  waitUntilFargateProfileDeleted,
  waitUntilNodegroupActive,
  waitUntilNodegroupDeleted,
} from '@aws-sdk/client-eks';
import { realClock } from '../../../../lib/clock.js';
import { silentLogger } from '../../../../lib/logger.js';
import { MemoryStore } from '../../../../store/memory/memory-store.js';
import { createAwsServer } from '../../../endpoint.js';
import { iamApiOf, IamState } from '../../../identity/index.js';
import { createAutoScaling } from '../../autoscaling/index.js';
import { createEc2 } from '../../ec2/index.js';
import { addonsExtension } from '../addons/index.js';
import { rejection } from '../eks.test-helper.js';
import { fargateExtension } from '../fargate/index.js';
import { createEksService, fastTimings, type EksService } from '../index.js';
import { podIdentityExtension } from '../pod-identity/index.js';
import { nodegroupsExtension } from './index.js';

const ACCOUNT = '000000000000';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });
const timings = { ...fastTimings, clusterCreate: 300, clusterDelete: 300, readyPoll: 100, nodegroupCreate: 1500, nodegroupDelete: 300, nodegroupUpdate: 300, fargateProfileCreate: 300, fargateProfileDelete: 300, addonCreate: 300, addonDelete: 300, addonUpdate: 300 };
const store = new MemoryStore();
const ac = new AbortController();
let svc: EksService;
let server: ReturnType<typeof createAwsServer>;
let eks: EKSClient;
let ec2: EC2Client;
let as: AutoScalingClient;
const w = () => ({ client: eks, maxWaitTime: 30, minDelay: 1, maxDelay: 1 });

before(async () => {
  const iam = new IamState(store, { clock: realClock });
  for (const [name, service] of [['eks-cluster', 'eks.amazonaws.com'], ['node', 'ec2.amazonaws.com'], ['fargate', 'eks-fargate-pods.amazonaws.com'], ['pods', 'pods.eks.amazonaws.com']] as const) {
    await iam.createRole(ACCOUNT, { roleName: name, assumeRolePolicyDocument: trust(service) });
  }
  const ec2Svc = createEc2({ store, clock: realClock });
  const asg = createAutoScaling({ store, clock: realClock, ec2: ec2Svc.api, intervalMs: 200 });
  asg.start(ac.signal);
  svc = createEksService({
    ec2: ec2Svc.api,
    iam: iamApiOf(iam),
    store,
    clock: realClock,
    timings,
    extensions: [nodegroupsExtension({ autoscaling: asg.api }), fargateExtension(), addonsExtension(), podIdentityExtension()],
  });
  await svc.start(ac.signal);
  server = createAwsServer({ log: silentLogger(), clock: realClock, store, services: [svc.service, ec2Svc.service, asg.service] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cfg = { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  eks = new EKSClient(cfg);
  ec2 = new EC2Client(cfg);
  as = new AutoScalingClient(cfg);
});
after(async () => {
  ac.abort();
  for (const c of [eks, ec2, as]) c.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await svc.reconciler.idle();
});

async function updateStatus(nodegroupName: string, updateId: string): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const { update } = await eks.send(new DescribeUpdateCommand({ name: 'life', nodegroupName, updateId }));
    if (update?.status !== 'InProgress') return update?.status;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'timeout';
}

const asgOf = async (nodegroupName: string) => {
  const ng = (await eks.send(new DescribeNodegroupCommand({ clusterName: 'life', nodegroupName }))).nodegroup!;
  const name = ng.resources!.autoScalingGroups![0]!.name!;
  return (await as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0]!;
};

describe('a cluster with two node groups and a Fargate profile, through the SDK waiters', () => {
  it('lives and dies', async () => {
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
    const subnets = [...new Map(Subnets.map((s) => [s.AvailabilityZone!, s.SubnetId!])).values()].slice(0, 2);
    await eks.send(new CreateClusterCommand({ name: 'life', roleArn: role('eks-cluster'), resourcesVpcConfig: { subnetIds: subnets } }));
    await waitUntilClusterActive(w(), { name: 'life' });

    const ng = (name: string, extra: Record<string, unknown>) => eks.send(new CreateNodegroupCommand({ clusterName: 'life', nodegroupName: name, nodeRole: role('node'), subnets, ...extra }));
    await ng('general', { scalingConfig: { minSize: 1, maxSize: 4, desiredSize: 2 }, labels: { tier: 'general' } });
    await ng('spot', { capacityType: 'SPOT', instanceTypes: ['m5.large'], scalingConfig: { minSize: 0, maxSize: 2, desiredSize: 1 }, releaseVersion: '1.34.4-20260318' });
    await waitUntilNodegroupActive(w(), { clusterName: 'life', nodegroupName: 'general' });
    await waitUntilNodegroupActive(w(), { clusterName: 'life', nodegroupName: 'spot' });
    assert.deepEqual((await eks.send(new ListNodegroupsCommand({ clusterName: 'life' }))).nodegroups, ['general', 'spot']);
    const general = await asgOf('general');
    assert.deepEqual([general.MinSize, general.MaxSize, general.DesiredCapacity], [1, 4, 2]);
    assert.ok(general.Tags?.some((t) => t.Key === 'eks:nodegroup-name' && t.Value === 'general'));
    assert.ok(general.Tags?.some((t) => t.Key === 'k8s.io/cluster-autoscaler/life' && t.Value === 'owned'));

    await eks.send(new CreateFargateProfileCommand({ clusterName: 'life', fargateProfileName: 'fp', podExecutionRoleArn: role('fargate'), selectors: [{ namespace: 'serverless' }] }));
    await waitUntilFargateProfileActive(w(), { clusterName: 'life', fargateProfileName: 'fp' });
    await eks.send(new CreateAddonCommand({ clusterName: 'life', addonName: 'vpc-cni', podIdentityAssociations: [{ serviceAccount: 'aws-node', roleArn: role('pods') }] }));
    await eks.send(new CreateAddonCommand({ clusterName: 'life', addonName: 'coredns', configurationValues: '{"replicaCount":3}' }));
    await waitUntilAddonActive(w(), { clusterName: 'life', addonName: 'vpc-cni' });
    await waitUntilAddonActive(w(), { clusterName: 'life', addonName: 'coredns' });
    await eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'life', namespace: 'apps', serviceAccount: 'api', roleArn: role('pods') }));

    const scale = await eks.send(new UpdateNodegroupConfigCommand({ clusterName: 'life', nodegroupName: 'general', scalingConfig: { desiredSize: 3 } }));
    assert.equal(await updateStatus('general', scale.update!.id!), 'Successful');
    assert.equal((await asgOf('general')).DesiredCapacity, 3);
    const roll = await eks.send(new UpdateNodegroupVersionCommand({ clusterName: 'life', nodegroupName: 'spot' }));
    assert.equal(await updateStatus('spot', roll.update!.id!), 'Successful');
    const spot = (await eks.send(new DescribeNodegroupCommand({ clusterName: 'life', nodegroupName: 'spot' }))).nodegroup!;
    assert.deepEqual([spot.status, spot.releaseVersion], ['ACTIVE', '1.34.4-20260401']);
    assert.deepEqual([(await asgOf('spot')).MaxSize, (await asgOf('spot')).DesiredCapacity], [2, 1]);

    assert.equal((await rejection(eks.send(new DeleteClusterCommand({ name: 'life' })))).message, 'Cluster has nodegroups attached');
    await eks.send(new DeleteAddonCommand({ clusterName: 'life', addonName: 'vpc-cni' }));
    await eks.send(new DeleteFargateProfileCommand({ clusterName: 'life', fargateProfileName: 'fp' }));
    for (const n of ['general', 'spot']) await eks.send(new DeleteNodegroupCommand({ clusterName: 'life', nodegroupName: n }));
    await waitUntilAddonDeleted(w(), { clusterName: 'life', addonName: 'vpc-cni' });
    await waitUntilFargateProfileDeleted(w(), { clusterName: 'life', fargateProfileName: 'fp' });
    await waitUntilNodegroupDeleted(w(), { clusterName: 'life', nodegroupName: 'general' });
    await waitUntilNodegroupDeleted(w(), { clusterName: 'life', nodegroupName: 'spot' });
    const left = (await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'life' }))).associations!;
    assert.deepEqual(left.map((a) => a.serviceAccount), ['api'], 'the add-on took its association along');

    await eks.send(new DeleteClusterCommand({ name: 'life' }));
    await waitUntilClusterDeleted(w(), { name: 'life' });
    assert.equal((await rejection(eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'life' })))).name, 'ResourceNotFoundException');
  });

  it('resolves launch templates through EC2: id, name and version recorded, the instance type left to the template', async () => {
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
    const subnets = [...new Map(Subnets.map((s) => [s.AvailabilityZone!, s.SubnetId!])).values()].slice(0, 2);
    await eks.send(new CreateClusterCommand({ name: 'lt', roleArn: role('eks-cluster'), resourcesVpcConfig: { subnetIds: subnets } }));
    await waitUntilClusterActive(w(), { name: 'lt' });
    const lt = (await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'nodes', LaunchTemplateData: { InstanceType: 'c5.large' } }))).LaunchTemplate!;
    const base = { clusterName: 'lt', nodeRole: role('node'), subnets };
    const { nodegroup } = await eks.send(new CreateNodegroupCommand({ ...base, nodegroupName: 'from-lt', launchTemplate: { name: 'nodes' } }));
    assert.deepEqual(nodegroup?.launchTemplate, { id: lt.LaunchTemplateId, name: 'nodes', version: '1' });
    assert.equal(nodegroup?.instanceTypes, undefined);
    const both = await rejection(eks.send(new CreateNodegroupCommand({ ...base, nodegroupName: 'x', launchTemplate: { id: lt.LaunchTemplateId }, instanceTypes: ['m5.large'] })));
    assert.equal(both.message, 'Instance type must be specified either in the launch template or in instanceTypes, not both.');
    const missing = await rejection(eks.send(new CreateNodegroupCommand({ ...base, nodegroupName: 'x', launchTemplate: { name: 'no-such-template' } })));
    assert.equal(missing.message, 'The launch template no-such-template does not exist.');
    await waitUntilNodegroupActive(w(), { clusterName: 'lt', nodegroupName: 'from-lt' });
    const group = await (async () => {
      const ng = (await eks.send(new DescribeNodegroupCommand({ clusterName: 'lt', nodegroupName: 'from-lt' }))).nodegroup!;
      return (await as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [ng.resources!.autoScalingGroups![0]!.name!] }))).AutoScalingGroups![0]!;
    })();
    assert.equal(group.LaunchTemplate?.LaunchTemplateId, lt.LaunchTemplateId);
    await eks.send(new DeleteNodegroupCommand({ clusterName: 'lt', nodegroupName: 'from-lt' }));
    await waitUntilNodegroupDeleted(w(), { clusterName: 'lt', nodegroupName: 'from-lt' });
  });
});
