/**
 * Every refusal of the node group operations through `@aws-sdk/client-eks`: exception name,
 * HTTP status, message (the texts of ./messages.ts and ../errors.ts) and context members.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  CreateNodegroupCommand,
  DeleteClusterCommand,
  DeleteNodegroupCommand,
  DescribeNodegroupCommand,
  ListNodegroupsCommand,
  UpdateNodegroupConfigCommand,
  UpdateNodegroupVersionCommand,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../../lib/clock.js';
import { clusterInput, EC2_ROLE, EKS_ROLE, rejection, startEks, type EksTestServer } from '../eks.test-helper.js';
import { nodegroupsExtension } from './index.js';
import { activeCluster, FakeAutoScaling, tick } from './nodegroups.test-helper.js';

const clock = new ManualClock();
let srv: EksTestServer;
const ngInput = (name: string, extra: Record<string, unknown> = {}) => ({ clusterName: 'c', nodegroupName: name, nodeRole: EC2_ROLE, subnets: ['subnet-a', 'subnet-b'], ...extra });

before(async () => {
  srv = await startEks({ clock, extensions: [nodegroupsExtension({ autoscaling: new FakeAutoScaling() })] });
  await activeCluster(srv, clock, 'c');
  await srv.eks.send(new CreateClusterCommand(clusterInput('young')));
  await srv.eks.send(new CreateNodegroupCommand(ngInput('ng')));
  await srv.eks.send(new CreateNodegroupCommand(ngInput('lt', { launchTemplate: { name: 'tpl' } })));
  await srv.svc.reconciler.idle();
});
after(() => srv.stop());

/** Asserts a rejection's exception name, HTTP status and message (string or pattern). */
async function refuses(p: Promise<unknown>, name: string, status: number, message: string | RegExp): Promise<Record<string, unknown>> {
  const err = await rejection(p);
  assert.equal(err.name, name, err.message);
  assert.equal(err.$metadata.httpStatusCode, status);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  return err as unknown as Record<string, unknown>;
}

describe('node group errors', () => {
  it('unknown cluster / node group: ResourceNotFoundException 404', async () => {
    const e = await refuses(srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'nope', nodegroupName: 'ng' })), 'ResourceNotFoundException', 404, 'No cluster found for name: nope.');
    assert.equal(e.nodegroupName, 'ng');
    const e2 = await refuses(srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'nope' })), 'ResourceNotFoundException', 404, 'No node group found for name: nope.');
    assert.equal(e2.clusterName, 'c');
    assert.equal(e2.nodegroupName, 'nope');
    await refuses(srv.eks.send(new DeleteNodegroupCommand({ clusterName: 'c', nodegroupName: 'nope' })), 'ResourceNotFoundException', 404, 'No node group found for name: nope.');
    await refuses(srv.eks.send(new UpdateNodegroupConfigCommand({ clusterName: 'c', nodegroupName: 'nope', labels: { addOrUpdateLabels: { a: 'b' } } })), 'ResourceNotFoundException', 404, 'No node group found for name: nope.');
    await refuses(srv.eks.send(new ListNodegroupsCommand({ clusterName: 'nope' })), 'ResourceNotFoundException', 404, 'No cluster found for name: nope.');
    await refuses(srv.eks.send(new ListNodegroupsCommand({ clusterName: 'c', nextToken: '!!' })), 'InvalidParameterException', 400, 'The nextToken provided is invalid');
  });

  it('CreateNodegroup: taken name 409, cluster not ACTIVE, bad name', async () => {
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('ng'))), 'ResourceInUseException', 409, 'NodeGroup already exists with name ng and cluster name c');
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('ng', { clusterName: 'young' }))), 'InvalidRequestException', 400, "Cluster 'young' is not in ACTIVE status");
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('bad/name'))), 'InvalidParameterException', 400, /^Nodegroup name bad\/name is invalid/);
  });

  it('CreateNodegroup: versions, releases and AMI types', async () => {
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { version: '1.33' }))), 'InvalidParameterException', 400, 'Requested Nodegroup version 1.33 is invalid. Allowed version is 1.34');
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { releaseVersion: '1.33.8-20260401' }))), 'InvalidParameterException', 400, 'Requested release version 1.33.8-20260401 is not valid for kubernetes version 1.34.');
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { amiType: 'AL2_x86_64' }))), 'InvalidParameterException', 400, 'Requested AMI type AL2_x86_64 is not supported for Kubernetes version 1.34.');
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { amiType: 'CUSTOM' }))), 'InvalidParameterException', 400, 'AMI type CUSTOM requires a launch template that specifies the AMI.');
  });

  it('CreateNodegroup: scaling config', async () => {
    const sc = (minSize: number, maxSize: number, desiredSize: number) => ngInput('x', { scalingConfig: { minSize, maxSize, desiredSize } });
    await refuses(srv.eks.send(new CreateNodegroupCommand(sc(3, 5, 2))), 'InvalidParameterException', 400, "Minimum capacity 3 can't be greater than desired size 2");
    await refuses(srv.eks.send(new CreateNodegroupCommand(sc(1, 2, 3))), 'InvalidParameterException', 400, "desiredSize can't be greater than maxSize");
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { scalingConfig: { minSize: 1, desiredSize: 1 } }))), 'InvalidParameterException', 400, 'maxSize is required');
    await refuses(srv.eks.send(new CreateNodegroupCommand(sc(-1, 2, 1))), 'InvalidParameterException', 400, /minSize' failed to satisfy constraint: Member must have value greater than or equal to 0/);
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { updateConfig: { maxUnavailable: 1, maxUnavailablePercentage: 10 } }))), 'InvalidParameterException', 400, 'Only one of maxUnavailable and maxUnavailablePercentage can be specified.');
    const taints = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, effect: 'NO_SCHEDULE' as const }));
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { taints }))), 'InvalidParameterException', 400, 'A node group can have at most 50 taints.');
  });

  it('CreateNodegroup: launch template combinations', async () => {
    const lt = { launchTemplate: { name: 'tpl' } };
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { ...lt, diskSize: 30 }))), 'InvalidParameterException', 400, 'Disk size must be specified within the launch template.');
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { ...lt, remoteAccess: { ec2SshKey: 'k' } }))), 'InvalidParameterException', 400, 'Remote access configuration cannot be specified with a launch template.');
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { launchTemplate: { name: 'tpl', id: 'lt-1' } }))), 'InvalidParameterException', 400, 'Either the launch template ID or the launch template name must be specified, but not both.');
  });

  it('CreateNodegroup: node role and subnets', async () => {
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { nodeRole: 'node-role' }))), 'InvalidParameterException', 400, "Invalid Role Arn: 'node-role'");
    await refuses(
      srv.eks.send(new CreateNodegroupCommand(ngInput('x', { nodeRole: EKS_ROLE }))),
      'InvalidParameterException',
      400,
      `Role with arn: ${EKS_ROLE}, could not be assumed because it does not exist or the trusted entity is not correct`,
    );
    await refuses(
      srv.eks.send(new CreateNodegroupCommand(ngInput('x', { subnets: ['subnet-a', 'subnet-zz'] }))),
      'InvalidParameterException',
      400,
      /^The subnet ID 'subnet-zz' does not exist \(Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID\.NotFound; Request ID: [\w-]+; Proxy: null\)$/,
    );
    await refuses(srv.eks.send(new CreateNodegroupCommand(ngInput('x', { subnets: ['subnet-x'] }))), 'InvalidParameterException', 400, "Subnet subnet-x is not in the cluster's VPC vpc-default.");
    await refuses(srv.eks.send(new CreateNodegroupCommand({ clusterName: 'c', nodegroupName: 'x', nodeRole: EC2_ROLE } as never)), 'InvalidParameterException', 400, 'subnets is required');
  });

  it('updates need an ACTIVE group, one at a time, and a change', async () => {
    const label = { clusterName: 'c', nodegroupName: 'ng', labels: { addOrUpdateLabels: { a: 'b' } } };
    await refuses(srv.eks.send(new UpdateNodegroupConfigCommand(label)), 'ResourceInUseException', 409, 'Nodegroup cannot be updated as it is currently not in Active State');
    await tick(srv, clock, 1000);
    await refuses(srv.eks.send(new UpdateNodegroupConfigCommand({ clusterName: 'c', nodegroupName: 'ng' })), 'InvalidParameterException', 400, 'No changes needed for the nodegroup configuration provided');
    await refuses(
      srv.eks.send(new UpdateNodegroupConfigCommand({ clusterName: 'c', nodegroupName: 'ng', labels: { addOrUpdateLabels: { a: 'b' }, removeLabels: ['a'] } })),
      'InvalidParameterException',
      400,
      'Label a cannot be both added and removed in one update.',
    );
    await refuses(srv.eks.send(new UpdateNodegroupConfigCommand({ clusterName: 'c', nodegroupName: 'ng', scalingConfig: { desiredSize: 5 } })), 'InvalidParameterException', 400, "desiredSize can't be greater than maxSize");
    const { update } = await srv.eks.send(new UpdateNodegroupConfigCommand(label));
    await refuses(srv.eks.send(new UpdateNodegroupVersionCommand({ clusterName: 'c', nodegroupName: 'ng' })), 'ResourceInUseException', 409, 'Nodegroup cannot be updated as it is currently not in Active State');
    await refuses(srv.eks.send(new DeleteNodegroupCommand({ clusterName: 'c', nodegroupName: 'ng' })), 'ResourceInUseException', 409, `Cannot delete nodegroup ng because it currently has update ${update!.id} in progress`);
    await tick(srv, clock, 1000);
  });

  it('UpdateNodegroupVersion: versions, releases, launch templates', async () => {
    const v = (extra: Record<string, unknown>) => new UpdateNodegroupVersionCommand({ clusterName: 'c', nodegroupName: 'ng', ...extra });
    await refuses(srv.eks.send(v({ version: '1.35' })), 'InvalidParameterException', 400, 'Requested Nodegroup version 1.35 is invalid. Allowed version is 1.34');
    await refuses(srv.eks.send(v({ releaseVersion: '1.35.2-20260401' })), 'InvalidParameterException', 400, 'Requested release version 1.35.2-20260401 is not valid for kubernetes version 1.34.');
    await refuses(srv.eks.send(v({ releaseVersion: '1.34.4-20260318' })), 'InvalidParameterException', 400, 'Requested Nodegroup release version 1.34.4-20260318 is invalid. Allowed release version is 1.34.4-20260401');
    await refuses(srv.eks.send(v({})), 'InvalidParameterException', 400, 'Nodegroup ng is already at Kubernetes version 1.34 with release version 1.34.4-20260401');
    await refuses(srv.eks.send(v({ launchTemplate: { name: 'tpl', version: '2' } })), 'InvalidParameterException', 400, 'Nodegroup ng was not created with a launch template; a launch template cannot be specified for it.');
    await refuses(
      srv.eks.send(new UpdateNodegroupVersionCommand({ clusterName: 'c', nodegroupName: 'lt', launchTemplate: { name: 'other', version: '2' } })),
      'InvalidParameterException',
      400,
      'Nodegroup lt must keep the launch template it was created with (tpl); only its version can change.',
    );
    const ok = await srv.eks.send(new UpdateNodegroupVersionCommand({ clusterName: 'c', nodegroupName: 'lt', launchTemplate: { name: 'tpl', version: '2' } }));
    assert.deepEqual(ok.update?.params?.slice(2), [
      { type: 'LaunchTemplateName', value: 'tpl' },
      { type: 'LaunchTemplateVersion', value: '2' },
    ]);
    await tick(srv, clock, 1000, 2);
    assert.deepEqual((await srv.eks.send(new DescribeNodegroupCommand({ clusterName: 'c', nodegroupName: 'lt' }))).nodegroup?.launchTemplate, { name: 'tpl', version: '2' });
  });

  it('DeleteCluster refuses a cluster with node groups', async () => {
    await refuses(srv.eks.send(new DeleteClusterCommand({ name: 'c' })), 'ResourceInUseException', 409, 'Cluster has nodegroups attached');
  });
});
