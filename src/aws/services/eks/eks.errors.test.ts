/**
 * Every refusal of the cluster, update and tag operations through `@aws-sdk/client-eks`, with
 * the exact code, HTTP status, message and context members (errors.ts names each text's source).
 * Runs on a ManualClock: clusters move only when the test advances time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssociateEncryptionConfigCommand,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  ListClustersCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateClusterConfigCommand,
  UpdateClusterVersionCommand,
  type EKSClient,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../lib/clock.js';
import { clusterInput, EC2_ROLE, EKS_ROLE, rejection, startEks, type EksTestServer } from './eks.test-helper.js';
import { MSG } from './errors.js';
import { tableOf } from './state.js';

let srv: EksTestServer;
let eks: EKSClient;
const clock = new ManualClock();

async function settle(ms = 0): Promise<void> {
  await srv.svc.reconciler.idle();
  clock.advance(ms);
  await srv.svc.reconciler.idle();
}

async function activeCluster(name: string, extra: Record<string, unknown> = {}): Promise<void> {
  await eks.send(new CreateClusterCommand(clusterInput(name, extra)));
  await settle(1000);
  assert.equal((await eks.send(new DescribeClusterCommand({ name }))).cluster?.status, 'ACTIVE');
}

async function expectError(p: Promise<unknown>, code: string, status: number, message: string, clusterName?: string): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, code);
  assert.equal(err.$metadata.httpStatusCode, status);
  assert.equal(err.message, message);
  if (clusterName !== undefined) assert.equal(err.clusterName, clusterName);
}

before(async () => {
  srv = await startEks({ clock });
  eks = srv.eks;
});
after(async () => {
  await srv.stop();
});

describe('CreateCluster refusals', () => {
  it('a taken name is ResourceInUseException 409', async () => {
    await eks.send(new CreateClusterCommand(clusterInput('dup')));
    await expectError(eks.send(new CreateClusterCommand(clusterInput('dup'))), 'ResourceInUseException', 409, MSG.clusterExists('dup'), 'dup');
  });

  it('versions: unknown and unsupported ones are "unsupported Kubernetes version"', async () => {
    for (const version of ['1.99', '1.29', '1.34.1']) {
      await expectError(eks.send(new CreateClusterCommand(clusterInput('v', { version }))), 'InvalidParameterException', 400, 'unsupported Kubernetes version', 'v');
    }
  });

  it('roles: malformed, missing, or not trusting eks.amazonaws.com', async () => {
    await expectError(eks.send(new CreateClusterCommand(clusterInput('r', { roleArn: 'not-an-arn' }))), 'InvalidParameterException', 400, "Invalid Role Arn: 'not-an-arn'", 'r');
    const missing = 'arn:aws:iam::000000000000:role/nope';
    await expectError(eks.send(new CreateClusterCommand(clusterInput('r', { roleArn: missing }))), 'InvalidParameterException', 400,
      `Role with arn: ${missing}, could not be assumed because it does not exist or the trusted entity is not correct`, 'r');
    await expectError(eks.send(new CreateClusterCommand(clusterInput('r', { roleArn: EC2_ROLE }))), 'InvalidParameterException', 400, MSG.roleNotAssumable(EC2_ROLE), 'r');
  });

  it('subnets: missing (EC2 error wrapped), one AZ, several VPCs; security groups', async () => {
    const err = await rejection(eks.send(new CreateClusterCommand(clusterInput('s', { resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-nope'] } }))));
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.message, `The subnet ID 'subnet-nope' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound; Request ID: ${err.$metadata.requestId}; Proxy: null)`);
    const twoAz = 'Subnets specified must be in at least two different AZs';
    await expectError(eks.send(new CreateClusterCommand(clusterInput('s', { resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-a2'] } }))), 'InvalidParameterException', 400, twoAz, 's');
    await expectError(eks.send(new CreateClusterCommand(clusterInput('s', { resourcesVpcConfig: { subnetIds: ['subnet-a'] } }))), 'InvalidParameterException', 400, twoAz, 's');
    await expectError(eks.send(new CreateClusterCommand(clusterInput('s', { resourcesVpcConfig: {} }))), 'InvalidParameterException', 400, twoAz, 's');
    await expectError(eks.send(new CreateClusterCommand(clusterInput('s', { resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-y'] } }))), 'InvalidParameterException', 400, MSG.subnetsOneVpc, 's');
    await expectError(eks.send(new CreateClusterCommand(clusterInput('s', { resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-ten'] } }))), 'InvalidParameterException', 400,
      MSG.securityGroupVpc('sg-ten', 'vpc-default'), 's');
  });

  it('CONFIG_MAP without creator admin permissions', async () => {
    const accessConfig = { authenticationMode: 'CONFIG_MAP' as const, bootstrapClusterCreatorAdminPermissions: false };
    await expectError(eks.send(new CreateClusterCommand(clusterInput('cm', { accessConfig }))), 'InvalidParameterException', 400,
      'bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP', 'cm');
  });

  it('a name outside the model pattern is a validation InvalidParameterException', async () => {
    const err = await rejection(eks.send(new CreateClusterCommand(clusterInput('bad.name'))));
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.message, /at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  });

  it('a refused cluster leaves no security group behind', async () => {
    const before = srv.ec2.groups.size;
    await rejection(eks.send(new CreateClusterCommand(clusterInput('dup'))));
    assert.equal(srv.ec2.groups.size, before);
  });
});

describe('Describe, List and Delete refusals', () => {
  it('an unknown cluster is ResourceNotFoundException 404 with clusterName', async () => {
    await expectError(eks.send(new DescribeClusterCommand({ name: 'ghost' })), 'ResourceNotFoundException', 404, 'No cluster found for name: ghost.', 'ghost');
    await expectError(eks.send(new DeleteClusterCommand({ name: 'ghost' })), 'ResourceNotFoundException', 404, 'No cluster found for name: ghost.', 'ghost');
    await expectError(eks.send(new UpdateClusterVersionCommand({ name: 'ghost', version: '1.35' })), 'ResourceNotFoundException', 404, 'No cluster found for name: ghost.', 'ghost');
  });

  it('an unreadable nextToken is InvalidParameterException', async () => {
    await expectError(eks.send(new ListClustersCommand({ nextToken: 'garbage' })), 'InvalidParameterException', 400, MSG.invalidNextToken);
  });

  it('node groups or Fargate profiles block deletion (409)', async () => {
    await activeCluster('deps');
    const scope = { account: '000000000000', region: 'us-east-1' };
    const ngs = tableOf<Record<string, unknown>>(srv.store, scope, 'nodegroups');
    await ngs.create('deps/ng1', { nodegroupName: 'ng1', clusterName: 'deps', version: '1.34' });
    await expectError(eks.send(new DeleteClusterCommand({ name: 'deps' })), 'ResourceInUseException', 409, 'Cluster has nodegroups attached', 'deps');
    await ngs.delete('deps/ng1');
    const fps = tableOf<Record<string, unknown>>(srv.store, scope, 'fargate-profiles');
    await fps.create('deps/fp1', { fargateProfileName: 'fp1', clusterName: 'deps', status: 'ACTIVE' });
    await expectError(eks.send(new DeleteClusterCommand({ name: 'deps' })), 'ResourceInUseException', 409, 'Cluster has Fargate Profiles in ACTIVE/CREATING state', 'deps');
    await fps.delete('deps/fp1');
    assert.equal((await eks.send(new DeleteClusterCommand({ name: 'deps' }))).cluster?.status, 'DELETING');
  });

  it('deletion protection refuses an ACTIVE cluster, not a CREATING one', async () => {
    await activeCluster('guarded', { deletionProtection: true });
    await expectError(eks.send(new DeleteClusterCommand({ name: 'guarded' })), 'InvalidRequestException', 400, MSG.deletionProtected('guarded'), 'guarded');
    await eks.send(new CreateClusterCommand(clusterInput('guarded2', { deletionProtection: true })));
    assert.equal((await eks.send(new DeleteClusterCommand({ name: 'guarded2' }))).cluster?.status, 'DELETING');
  });
});

describe('UpdateClusterConfig and UpdateClusterVersion refusals', () => {
  before(async () => {
    await activeCluster('upd', { version: '1.33' });
  });

  it('nothing or two kinds of update in one request', async () => {
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'upd' })), 'InvalidParameterException', 400, MSG.noUpdateRequested, 'upd');
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'upd', logging: { clusterLogging: [{ types: ['api'], enabled: true }] }, resourcesVpcConfig: { endpointPrivateAccess: true } })),
      'InvalidParameterException', 400, 'Only one type of update can be allowed.', 'upd');
  });

  it('already at the desired configuration', async () => {
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'upd', resourcesVpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: false } })), 'InvalidParameterException', 400,
      'Cluster is already at the desired configuration with endpointPrivateAccess: false , endpointPublicAccess: true, and Public Endpoint Restrictions: [0.0.0.0/0]', 'upd');
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'upd', logging: { clusterLogging: [{ types: ['api'], enabled: false }] } })), 'InvalidParameterException', 400,
      'No changes needed for the logging config provided', 'upd');
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'upd', accessConfig: { authenticationMode: 'CONFIG_MAP' } })), 'InvalidParameterException', 400,
      'Unsupported authentication mode update from CONFIG_MAP to CONFIG_MAP', 'upd');
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'upd', deletionProtection: false })), 'InvalidParameterException', 400, MSG.noChange('deletion protection'), 'upd');
  });

  it('authentication mode moves one step at a time, one way', async () => {
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'upd', accessConfig: { authenticationMode: 'API' } })), 'InvalidParameterException', 400,
      'Unsupported authentication mode update from CONFIG_MAP to API', 'upd');
  });

  it('versions: not +1 minor, unknown, nodegroups behind', async () => {
    await expectError(eks.send(new UpdateClusterVersionCommand({ name: 'upd', version: '1.35' })), 'InvalidParameterException', 400, 'Unsupported Kubernetes minor version update from 1.33 to 1.35', 'upd');
    await expectError(eks.send(new UpdateClusterVersionCommand({ name: 'upd', version: '1.32' })), 'InvalidParameterException', 400, 'Unsupported Kubernetes minor version update from 1.33 to 1.32', 'upd');
    await expectError(eks.send(new UpdateClusterVersionCommand({ name: 'upd', version: '1.33' })), 'InvalidParameterException', 400, 'Unsupported Kubernetes minor version update from 1.33 to 1.33', 'upd');
    await expectError(eks.send(new UpdateClusterVersionCommand({ name: 'upd', version: '1.99' })), 'InvalidParameterException', 400, 'unsupported Kubernetes version', 'upd');
    const ngs = tableOf<Record<string, unknown>>(srv.store, { account: '000000000000', region: 'us-east-1' }, 'nodegroups');
    await ngs.create('upd/old', { nodegroupName: 'old', version: '1.32' });
    await expectError(eks.send(new UpdateClusterVersionCommand({ name: 'upd', version: '1.34' })), 'InvalidRequestException', 400,
      'Nodegroups old must be updated to match cluster version 1.33 before updating cluster version', 'upd');
    await ngs.delete('upd/old');
  });

  it('one update at a time: 409 naming the update in flight; no delete meanwhile', async () => {
    const first = await eks.send(new UpdateClusterConfigCommand({ name: 'upd', resourcesVpcConfig: { endpointPrivateAccess: true } }));
    const id = first.update!.id!;
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'upd', logging: { clusterLogging: [{ types: ['api'], enabled: true }] } })), 'ResourceInUseException', 409,
      `Cannot LoggingUpdate because cluster upd currently has update ${id} in progress`, 'upd');
    await expectError(eks.send(new UpdateClusterVersionCommand({ name: 'upd', version: '1.34' })), 'ResourceInUseException', 409,
      `Cannot VersionUpdate because cluster upd currently has update ${id} in progress`, 'upd');
    await expectError(eks.send(new DeleteClusterCommand({ name: 'upd' })), 'ResourceInUseException', 409, 'Cannot delete because cluster upd currently has an update in progress', 'upd');
    await settle(1000);
    const { update } = await eks.send(new DescribeUpdateCommand({ name: 'upd', updateId: id }));
    assert.equal(update?.status, 'Successful');
    assert.deepEqual(update?.params, [
      { type: 'EndpointPublicAccess', value: 'true' },
      { type: 'EndpointPrivateAccess', value: 'true' },
      { type: 'PublicAccessCidrs', value: '["0.0.0.0/0"]' },
    ]);
    assert.equal((await eks.send(new DescribeClusterCommand({ name: 'upd' }))).cluster?.resourcesVpcConfig?.endpointPrivateAccess, true);
  });

  it('AssociateEncryptionConfig: an Update, then irreversible; key ARNs are checked', async () => {
    const keyArn = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await expectError(eks.send(new AssociateEncryptionConfigCommand({ clusterName: 'upd', encryptionConfig: [{ provider: { keyArn: 'nope' } }] })), 'InvalidParameterException', 400, MSG.encryptionKeyArn('nope'), 'upd');
    await expectError(eks.send(new AssociateEncryptionConfigCommand({ clusterName: 'upd', encryptionConfig: [{ resources: ['configmaps'], provider: { keyArn } }] })), 'InvalidParameterException', 400, MSG.encryptionResources, 'upd');
    const { update } = await eks.send(new AssociateEncryptionConfigCommand({ clusterName: 'upd', encryptionConfig: [{ provider: { keyArn } }] }));
    assert.equal(update?.type, 'AssociateEncryptionConfig');
    assert.deepEqual(update?.params, [{ type: 'EncryptionConfig', value: `[{"resources":["secrets"],"provider":{"keyArn":"${keyArn}"}}]` }]);
    assert.equal((await eks.send(new DescribeClusterCommand({ name: 'upd' }))).cluster?.encryptionConfig, undefined);
    await settle(1000);
    assert.deepEqual((await eks.send(new DescribeClusterCommand({ name: 'upd' }))).cluster?.encryptionConfig, [{ resources: ['secrets'], provider: { keyArn } }]);
    await expectError(eks.send(new AssociateEncryptionConfigCommand({ clusterName: 'upd', encryptionConfig: [{ provider: { keyArn } }] })), 'InvalidRequestException', 400, MSG.encryptionAlreadyEnabled('upd'), 'upd');
  });

  it('a cluster that is not ACTIVE cannot be updated', async () => {
    await eks.send(new CreateClusterCommand(clusterInput('young')));
    await expectError(eks.send(new UpdateClusterConfigCommand({ name: 'young', deletionProtection: true })), 'InvalidRequestException', 400, "Cluster 'young' is not in ACTIVE status", 'young');
    await expectError(eks.send(new UpdateClusterVersionCommand({ name: 'young', version: '1.35' })), 'InvalidRequestException', 400, "Cluster 'young' is not in ACTIVE status", 'young');
  });

  it('DescribeUpdate: unknown id, or an id asked for as another target', async () => {
    await expectError(eks.send(new DescribeUpdateCommand({ name: 'upd', updateId: 'nope' })), 'ResourceNotFoundException', 404, 'No update found for ID: nope', 'upd');
    const u = await eks.send(new UpdateClusterConfigCommand({ name: 'upd', upgradePolicy: { supportType: 'STANDARD' } }));
    const err = await rejection(eks.send(new DescribeUpdateCommand({ name: 'upd', updateId: u.update!.id!, nodegroupName: 'ng' })));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.equal(err.message, `No update found for ID: ${u.update!.id!}`);
    assert.equal((err as unknown as { nodegroupName: string }).nodegroupName, 'ng');
    await settle(1000);
  });
});

describe('tag refusals', () => {
  it('an ARN naming nothing is NotFoundException 404; a non-EKS ARN is BadRequestException', async () => {
    await expectError(eks.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:eks:us-east-1:000000000000:cluster/ghost' })), 'NotFoundException', 404, 'Resource was not found');
    await expectError(eks.send(new TagResourceCommand({ resourceArn: 'arn:aws:eks:eu-west-1:000000000000:cluster/dup', tags: { a: 'b' } })), 'NotFoundException', 404, 'Resource was not found');
    await expectError(eks.send(new TagResourceCommand({ resourceArn: 'arn:aws:eks:us-east-1:000000000000:nodegroup/dup/ng/0000', tags: { a: 'b' } })), 'NotFoundException', 404, 'Resource was not found');
    await expectError(eks.send(new TagResourceCommand({ resourceArn: `${EKS_ROLE}`, tags: { a: 'b' } })), 'BadRequestException', 400, MSG.tagBadArn(EKS_ROLE));
  });

  it('more than 50 tags in all is BadRequestException', async () => {
    const arn = 'arn:aws:eks:us-east-1:000000000000:cluster/dup';
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await eks.send(new TagResourceCommand({ resourceArn: arn, tags }));
    await expectError(eks.send(new TagResourceCommand({ resourceArn: arn, tags: { extra: 'x' } })), 'BadRequestException', 400, MSG.tooManyTags);
  });
});

describe('idempotent retries (clientRequestToken)', () => {
  it('a retried CreateCluster or UpdateClusterConfig gets the first answer, not a 409', async () => {
    const first = await eks.send(new CreateClusterCommand({ ...clusterInput('retry'), clientRequestToken: 'tok-1' }));
    const again = await eks.send(new CreateClusterCommand({ ...clusterInput('retry'), clientRequestToken: 'tok-1' }));
    assert.equal(again.cluster?.arn, first.cluster?.arn);
    assert.equal(again.cluster?.createdAt?.getTime(), first.cluster?.createdAt?.getTime());
    await settle(1000);
    const u1 = await eks.send(new UpdateClusterConfigCommand({ name: 'retry', deletionProtection: true, clientRequestToken: 'tok-2' }));
    const u2 = await eks.send(new UpdateClusterConfigCommand({ name: 'retry', deletionProtection: true, clientRequestToken: 'tok-2' }));
    assert.equal(u2.update?.id, u1.update?.id);
    await settle(1000);
  });
});
