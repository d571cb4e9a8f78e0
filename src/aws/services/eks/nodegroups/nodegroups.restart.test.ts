/**
 * Nothing is lost on restart (shared/ARCHITECTURE.md rule 6), in-process form of the issue's
 * requirement "kill the server while a cluster is CREATING and a node group is UPDATING; after
 * restart both finish": a new EKS service over the same store finishes a CREATING cluster, a
 * CREATING node group, a node group stopped in the middle of its rolling version update and a
 * DELETING node group.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateClusterCommand,
  CreateNodegroupCommand,
  DeleteNodegroupCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  UpdateNodegroupConfigCommand,
  UpdateNodegroupVersionCommand,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../../lib/clock.js';
import { MemoryStore } from '../../../../store/memory/memory-store.js';
import { clusterInput, EC2_ROLE, FakeEc2, FakeIam, rejection, startEks } from '../eks.test-helper.js';
import { nodegroupsExtension } from './index.js';
import { activeCluster, FakeAutoScaling, tick } from './nodegroups.test-helper.js';

const ngInput = (cluster: string, name: string, extra: Record<string, unknown> = {}) => ({ clusterName: cluster, nodegroupName: name, nodeRole: EC2_ROLE, subnets: ['subnet-a', 'subnet-b'], ...extra });

describe('node groups across a restart', () => {
  it('a new service finishes a CREATING cluster, a CREATING node group, an UPDATING one mid-rollout and a DELETING one', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const ec2 = new FakeEc2();
    const iam = new FakeIam();
    const asg = new FakeAutoScaling();
    const first = await startEks({ clock, store, ec2, iam, extensions: [nodegroupsExtension({ autoscaling: asg })] });
    await activeCluster(first, clock, 'a');
    await first.eks.send(new CreateNodegroupCommand(ngInput('a', 'rolling', { releaseVersion: '1.34.4-20260318' })));
    await first.eks.send(new CreateNodegroupCommand(ngInput('a', 'config')));
    await first.eks.send(new CreateNodegroupCommand(ngInput('a', 'doomed')));
    await tick(first, clock, 1000);

    const version = await first.eks.send(new UpdateNodegroupVersionCommand({ clusterName: 'a', nodegroupName: 'rolling' }));
    const config = await first.eks.send(new UpdateNodegroupConfigCommand({ clusterName: 'a', nodegroupName: 'config', scalingConfig: { maxSize: 5, desiredSize: 4 } }));
    await first.svc.reconciler.idle();
    const rolling = [...asg.groups.values()].find((g) => g.name.startsWith('eks-rolling-'))!;
    assert.deepEqual([rolling.maxSize, rolling.desiredCapacity], [6, 6], 'scaled up before the crash');
    await first.eks.send(new DeleteNodegroupCommand({ clusterName: 'a', nodegroupName: 'doomed' }));
    await first.eks.send(new CreateNodegroupCommand(ngInput('a', 'young')));
    await first.eks.send(new CreateClusterCommand(clusterInput('b')));
    assert.equal((await first.eks.send(new DescribeNodegroupCommand({ clusterName: 'a', nodegroupName: 'rolling' }))).nodegroup?.status, 'UPDATING');
    await first.stop();

    // Down for a while: every due time passes with nobody watching.
    clock.advance(5000);
    const second = await startEks({ clock, store, ec2, iam, extensions: [nodegroupsExtension({ autoscaling: asg })] });
    await tick(second, clock, 1000, 2);
    const describe = async (name: string) => (await second.eks.send(new DescribeNodegroupCommand({ clusterName: 'a', nodegroupName: name }))).nodegroup!;

    assert.equal((await second.eks.send(new DescribeClusterCommand({ name: 'b' }))).cluster?.status, 'ACTIVE');
    assert.equal((await describe('young')).status, 'ACTIVE');
    const r = await describe('rolling');
    assert.equal(r.status, 'ACTIVE');
    assert.equal(r.releaseVersion, '1.34.4-20260401');
    assert.deepEqual([rolling.maxSize, rolling.desiredCapacity], [2, 2], 'scaled back down after the restart');
    assert.equal((await second.eks.send(new DescribeUpdateCommand({ name: 'a', nodegroupName: 'rolling', updateId: version.update!.id! }))).update?.status, 'Successful');
    const c = await describe('config');
    assert.equal(c.status, 'ACTIVE');
    assert.deepEqual(c.scalingConfig, { minSize: 1, maxSize: 5, desiredSize: 4 });
    assert.equal((await second.eks.send(new DescribeUpdateCommand({ name: 'a', nodegroupName: 'config', updateId: config.update!.id! }))).update?.status, 'Successful');
    assert.equal((await rejection(second.eks.send(new DescribeNodegroupCommand({ clusterName: 'a', nodegroupName: 'doomed' })))).name, 'ResourceNotFoundException');
    assert.equal([...asg.groups.keys()].some((n) => n.startsWith('eks-doomed-')), false);
    await second.stop();
  });
});
