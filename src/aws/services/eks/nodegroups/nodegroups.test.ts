/**
 * Managed node groups through `@aws-sdk/client-eks` on a ManualClock: defaults and the create
 * response, the Auto Scaling group and its tags, CREATING → ACTIVE on the clock or as soon as the
 * group has its instances, config updates reaching the ASG, a rolling version update (scale up,
 * upgrade, scale down), DELETING → gone, CREATE_FAILED, listing with pagination and tags.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  CreateNodegroupCommand,
  DeleteNodegroupCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  ListNodegroupsCommand,
  ListTagsForResourceCommand,
  ListUpdatesCommand,
  paginateListNodegroups,
  TagResourceCommand,
  UpdateClusterVersionCommand,
  UpdateNodegroupConfigCommand,
  UpdateNodegroupVersionCommand,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../../lib/clock.js';
import { AwsError } from '../../../types.js';
import { EC2_ROLE, rejection, startEks, type EksTestServer } from '../eks.test-helper.js';
import { nodegroupsExtension } from './index.js';
import { activeCluster, FakeAutoScaling, tick } from './nodegroups.test-helper.js';

let clock: ManualClock;
let asg: FakeAutoScaling;
let srv: EksTestServer;

const ngInput = (name: string, extra: Record<string, unknown> = {}) => ({ clusterName: 'c', nodegroupName: name, nodeRole: EC2_ROLE, subnets: ['subnet-a', 'subnet-b'], ...extra });

beforeEach(async () => {
  clock = new ManualClock();
  asg = new FakeAutoScaling();
  srv = await startEks({ clock, extensions: [nodegroupsExtension({ autoscaling: asg })] });
  await activeCluster(srv, clock, 'c');
});
afterEach(() => srv.stop());

describe('CreateNodegroup', () => {
  it('answers CREATING with EKS defaults, creates the ASG and becomes ACTIVE on the clock', async () => {
    const { nodegroup: ng } = await srv.eks.send(new CreateNodegroupCommand(ngInput('ng1', { tags: { team: 'a' }, labels: { role: 'web' } })));
    assert.equal(ng?.status, 'CREATING');
    assert.match(ng?.nodegroupArn ?? '', /^arn:aws:eks:us-east-1:000000000000:nodegroup\/c\/ng1\/[0-9a-f-]{36}$/);
    assert.equal(ng?.version, '1.34');
    assert.equal(ng?.releaseVersion, '1.34.4-20260401');
    assert.equal(ng?.amiType, 'AL2023_x86_64_STANDARD');
    assert.equal(ng?.capacityType, 'ON_DEMAND');
    assert.deepEqual(ng?.instanceTypes, ['t3.medium']);
    assert.equal(ng?.diskSize, 20);
    assert.deepEqual(ng?.scalingConfig, { minSize: 1, maxSize: 2, desiredSize: 2 });
    assert.deepEqual(ng?.updateConfig, { maxUnavailable: 1 });
    assert.deepEqual(ng?.health, { issues: [] });
    assert.deepEqual(ng?.labels, { role: 'web' });
    assert.equal(ng?.resources, undefined);

    await srv.svc.reconciler.idle();
    const uuid = ng!.nodegroupArn!.split('/').at(-1)!;
    const name = `eks-ng1-${uuid}`;
    const g = asg.groups.get(name)!;
    assert.deepEqual([g.minSize, g.maxSize, g.desiredCapacity, g.instanceType], [1, 2, 2, 't3.medium']);
    assert.deepEqual(g.subnetIds, ['subnet-a', 'subnet-b']);
    assert.deepEqual(g.tags, {
      'eks:cluster-name': 'c',
      'eks:nodegroup-name': 'ng1',
      'kubernetes.io/cluster/c': 'owned',
      'k8s.io/cluster-autoscaler/enabled': 'true',
      'k8s.io/cluster-autoscaler/c': 'owned',
    });
    let d = (await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'ng1' }))).nodegroup!;
    assert.equal(d.status, 'CREATING');
    assert.deepEqual(d.resources, { autoScalingGroups: [{ name }] });
    await tick(srv, clock, 250, 4);
    d = (await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'ng1' }))).nodegroup!;
    assert.equal(d.status, 'ACTIVE');
    assert.ok(d.modifiedAt! > d.createdAt!);
  });

  it('becomes ACTIVE as soon as the group has its desired instances InService', async () => {
    asg.launch = true;
    await srv.eks.send(new CreateNodegroupCommand(ngInput('fast', { scalingConfig: { minSize: 0, maxSize: 3, desiredSize: 1 } })));
    await tick(srv, clock, 250);
    assert.equal((await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'fast' }))).nodegroup?.status, 'ACTIVE');
  });

  it('picks the AMI type from the instance type, Windows disk size, SPOT, launch templates, remote access', async () => {
    const arm = (await srv.eks.send(new CreateNodegroupCommand(ngInput('arm', { instanceTypes: ['m7g.large'], capacityType: 'SPOT' })))).nodegroup!;
    assert.equal(arm.amiType, 'AL2023_ARM_64_STANDARD');
    assert.equal(arm.capacityType, 'SPOT');
    const win = (await srv.eks.send(new CreateNodegroupCommand(ngInput('win', { amiType: 'WINDOWS_CORE_2022_x86_64' })))).nodegroup!;
    assert.equal(win.diskSize, 50);
    const lt = (await srv.eks.send(new CreateNodegroupCommand(ngInput('lt', { launchTemplate: { name: 'my-lt', version: '3' } })))).nodegroup!;
    assert.deepEqual(lt.launchTemplate, { name: 'my-lt', version: '3' });
    assert.equal(lt.diskSize, undefined);
    assert.equal(lt.instanceTypes, undefined);
    await srv.eks.send(new CreateNodegroupCommand(ngInput('ssh', { remoteAccess: { ec2SshKey: 'my-key' } })));
    await srv.svc.reconciler.idle();
    const ssh = (await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'ssh' }))).nodegroup!;
    const sg = ssh.resources?.remoteAccessSecurityGroup;
    assert.ok(sg && srv.ec2.groups.get(sg)?.name.startsWith('eks-remoteAccess-'));
    const ltGroup = [...asg.groups.values()].find((g) => g.name.startsWith('eks-lt-'))!;
    assert.deepEqual(ltGroup.launchTemplate, { name: 'my-lt', version: '3' });
    await srv.eks.send(new DeleteNodegroupCommand({ clusterName: 'c', nodegroupName: 'ssh' }));
    await tick(srv, clock, 1000);
    assert.equal(srv.ec2.groups.has(sg), false);
  });

  it('returns the same group for a retried request with the same clientRequestToken', async () => {
    const a = await srv.eks.send(new CreateNodegroupCommand(ngInput('idem', { clientRequestToken: 'tok-1' })));
    const b = await srv.eks.send(new CreateNodegroupCommand(ngInput('idem', { clientRequestToken: 'tok-1' })));
    assert.equal(a.nodegroup?.nodegroupArn, b.nodegroup?.nodegroupArn);
  });

  it('ends CREATE_FAILED with health issues when Auto Scaling refuses or the role goes away', async () => {
    asg.refuse = new AwsError('ValidationError', 'You must use a valid fully-formed launch template.');
    await srv.eks.send(new CreateNodegroupCommand(ngInput('bad')));
    await srv.svc.reconciler.idle();
    const bad = (await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'bad' }))).nodegroup!;
    assert.equal(bad.status, 'CREATE_FAILED');
    assert.equal(bad.health?.issues?.[0]?.code, 'AutoScalingGroupInvalidConfiguration');
    assert.equal(bad.health?.issues?.[0]?.message, 'You must use a valid fully-formed launch template.');
    asg.refuse = undefined;
    await srv.eks.send(new CreateNodegroupCommand(ngInput('orphan')));
    await srv.svc.reconciler.idle();
    srv.iam.roles.delete(EC2_ROLE);
    await tick(srv, clock, 1000);
    const orphan = (await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'orphan' }))).nodegroup!;
    assert.equal(orphan.status, 'CREATE_FAILED');
    assert.deepEqual(orphan.health?.issues, [{ code: 'IamNodeRoleNotFound', message: `The node role ${EC2_ROLE} does not exist.`, resourceIds: [EC2_ROLE] }]);
  });
});

describe('node group updates', () => {
  beforeEach(async () => {
    await srv.eks.send(new CreateNodegroupCommand(ngInput('ng', { labels: { a: '1', b: '2' }, taints: [{ key: 'k', value: 'v', effect: 'NO_SCHEDULE' }], releaseVersion: '1.34.4-20260318' })));
    await tick(srv, clock, 1000);
  });
  const describeNg = async () => (await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'ng' }))).nodegroup!;
  const asgOf = () => [...asg.groups.values()][0]!;

  it('UpdateNodegroupConfig: UPDATING with an InProgress ConfigUpdate, then labels, taints and sizes applied', async () => {
    const { update } = await srv.eks.send(
      new UpdateNodegroupConfigCommand({
        clusterName: 'c',
        nodegroupName: 'ng',
        labels: { addOrUpdateLabels: { c: '3' }, removeLabels: ['a'] },
        taints: { addOrUpdateTaints: [{ key: 'gpu', value: 'yes', effect: 'NO_EXECUTE' }], removeTaints: [{ key: 'k', value: 'v', effect: 'NO_SCHEDULE' }] },
        scalingConfig: { minSize: 2, maxSize: 6, desiredSize: 4 },
        updateConfig: { maxUnavailablePercentage: 50 },
      }),
    );
    assert.equal(update?.status, 'InProgress');
    assert.equal(update?.type, 'ConfigUpdate');
    assert.deepEqual(update?.params, [
      { type: 'LabelsToAdd', value: '{"c":"3"}' },
      { type: 'LabelsToRemove', value: '["a"]' },
      { type: 'TaintsToAdd', value: '[{"key":"gpu","value":"yes","effect":"NO_EXECUTE"}]' },
      { type: 'TaintsToRemove', value: '[{"key":"k","value":"v","effect":"NO_SCHEDULE"}]' },
      { type: 'MinSize', value: '2' },
      { type: 'MaxSize', value: '6' },
      { type: 'DesiredSize', value: '4' },
      { type: 'MaxUnavailablePercentage', value: '50' },
    ]);
    assert.equal((await describeNg()).status, 'UPDATING');
    await tick(srv, clock, 1000);
    const ng = await describeNg();
    assert.equal(ng.status, 'ACTIVE');
    assert.deepEqual(ng.labels, { b: '2', c: '3' });
    assert.deepEqual(ng.taints, [{ key: 'gpu', value: 'yes', effect: 'NO_EXECUTE' }]);
    assert.deepEqual(ng.scalingConfig, { minSize: 2, maxSize: 6, desiredSize: 4 });
    assert.deepEqual(ng.updateConfig, { maxUnavailablePercentage: 50 });
    assert.deepEqual([asgOf().minSize, asgOf().maxSize, asgOf().desiredCapacity], [2, 6, 4]);
    const u = (await srv.eks.send(new DescribeUpdateCommand({ name: 'c', updateId: update!.id!, nodegroupName: 'ng' }))).update!;
    assert.equal(u.status, 'Successful');
    assert.deepEqual((await srv.eks.send(new ListUpdatesCommand({ name: 'c', nodegroupName: 'ng' }))).updateIds, [update!.id]);
    assert.deepEqual((await srv.eks.send(new ListUpdatesCommand({ name: 'c' }))).updateIds, []);
  });

  it('UpdateNodegroupVersion: a rolling replacement that scales the ASG up, then back down, then applies the release', async () => {
    const { update } = await srv.eks.send(new UpdateNodegroupVersionCommand({ clusterName: 'c', nodegroupName: 'ng' }));
    assert.equal(update?.type, 'VersionUpdate');
    assert.deepEqual(update?.params, [
      { type: 'Version', value: '1.34' },
      { type: 'ReleaseVersion', value: '1.34.4-20260401' },
    ]);
    await srv.svc.reconciler.idle();
    // Two subnets in two AZs: surge max(2 × 2, maxUnavailable 1) = 4.
    assert.deepEqual([asgOf().maxSize, asgOf().desiredCapacity], [6, 6]);
    assert.equal((await describeNg()).status, 'UPDATING');
    assert.equal((await describeNg()).releaseVersion, '1.34.4-20260318');
    await tick(srv, clock, 1000);
    assert.deepEqual([asgOf().maxSize, asgOf().desiredCapacity], [2, 2]);
    const ng = await describeNg();
    assert.equal(ng.status, 'ACTIVE');
    assert.equal(ng.releaseVersion, '1.34.4-20260401');
    assert.equal((await srv.eks.send(new DescribeUpdateCommand({ name: 'c', updateId: update!.id!, nodegroupName: 'ng' }))).update?.status, 'Successful');
  });

  it('follows the cluster to a new Kubernetes version; the cluster waits for its node groups', async () => {
    await activeCluster(srv, clock, 'old', { version: '1.33' });
    await srv.eks.send(new CreateNodegroupCommand(ngInput('ng', { clusterName: 'old' })));
    await tick(srv, clock, 1000);
    await srv.eks.send(new UpdateClusterVersionCommand({ name: 'old', version: '1.34' }));
    await tick(srv, clock, 1000);
    const behind = await rejection(srv.eks.send(new UpdateClusterVersionCommand({ name: 'old', version: '1.35' })));
    assert.equal(behind.name, 'InvalidRequestException');
    assert.equal(behind.message, 'Nodegroups ng must be updated to match cluster version 1.34 before updating cluster version');
    await srv.eks.send(new UpdateNodegroupVersionCommand({ clusterName: 'old', nodegroupName: 'ng' }));
    await tick(srv, clock, 1000, 2);
    const ng = (await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'old', nodegroupName: 'ng' }))).nodegroup!;
    assert.equal(ng.version, '1.34');
    assert.equal(ng.releaseVersion, '1.34.4-20260401');
    assert.equal((await srv.eks.send(new UpdateClusterVersionCommand({ name: 'old', version: '1.35' }))).update?.status, 'InProgress');
  });
});

describe('DeleteNodegroup, listing, tags', () => {
  it('DELETING deletes the ASG with force, then the group is gone with its updates', async () => {
    await srv.eks.send(new CreateNodegroupCommand(ngInput('gone')));
    await tick(srv, clock, 1000);
    await srv.eks.send(new UpdateNodegroupConfigCommand({ clusterName: 'c', nodegroupName: 'gone', labels: { addOrUpdateLabels: { x: 'y' } } }));
    await tick(srv, clock, 1000);
    const del = await srv.eks.send(new DeleteNodegroupCommand({ clusterName: 'c', nodegroupName: 'gone' }));
    assert.equal(del.nodegroup?.status, 'DELETING');
    await srv.svc.reconciler.idle();
    assert.equal(asg.groups.size, 0);
    assert.match(asg.calls.at(-1) ?? '', /^delete eks-gone-.* force=true$/);
    assert.equal((await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'gone' }))).nodegroup?.status, 'DELETING');
    await tick(srv, clock, 1000);
    const err = await rejection(srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'gone' })));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.deepEqual((await srv.eks.send(new ListUpdatesCommand({ name: 'c', nodegroupName: 'gone' }))).updateIds, []);
  });

  it('lists node groups in pages; the SDK paginator walks them all', async () => {
    for (const n of ['n1', 'n2', 'n3', 'n4', 'n5']) await srv.eks.send(new CreateNodegroupCommand(ngInput(n)));
    const p1 = await srv.eks.send(new ListNodegroupsCommand({ clusterName: 'c', maxResults: 2 }));
    assert.deepEqual(p1.nodegroups, ['n1', 'n2']);
    const p2 = await srv.eks.send(new ListNodegroupsCommand({ clusterName: 'c', maxResults: 2, nextToken: p1.nextToken }));
    assert.deepEqual(p2.nodegroups, ['n3', 'n4']);
    const names: string[] = [];
    for await (const page of paginateListNodegroups({ client: srv.eks, pageSize: 2 }, { clusterName: 'c' })) names.push(...(page.nodegroups ?? []));
    assert.deepEqual(names, ['n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('tags a node group by its ARN', async () => {
    const arn = (await srv.eks.send(new CreateNodegroupCommand(ngInput('tagged', { tags: { a: '1' } })))).nodegroup!.nodegroupArn!;
    await srv.eks.send(new TagResourceCommand({ resourceArn: arn, tags: { b: '2' } }));
    assert.deepEqual((await srv.eks.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { a: '1', b: '2' });
    assert.deepEqual((await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'tagged' }))).nodegroup?.tags, { a: '1', b: '2' });
  });
});
