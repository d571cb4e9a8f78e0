/**
 * The whole life of a cluster through `@aws-sdk/client-eks` and its waiters, on the wall clock
 * with the default fast timings: create (CREATING, no endpoint or CA) → ACTIVE (endpoint, CA,
 * OIDC in EKS's formats) → config update (UPDATING, Update InProgress → Successful) → version
 * update → delete → gone, the cluster security group created and deleted through EC2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  ListUpdatesCommand,
  UpdateClusterConfigCommand,
  UpdateClusterVersionCommand,
  waitUntilClusterActive,
  waitUntilClusterDeleted,
  type EKSClient,
} from '@aws-sdk/client-eks';
import { realClock } from '../../../lib/clock.js';
import { clusterInput, startEks, type EksTestServer } from './eks.test-helper.js';

let srv: EksTestServer;
let eks: EKSClient;

before(async () => {
  srv = await startEks({ clock: realClock });
  eks = srv.eks;
});
after(async () => {
  await srv.stop();
});

async function waitForUpdate(name: string, updateId: string): Promise<string | undefined> {
  for (let i = 0; i < 60; i++) {
    const { update } = await eks.send(new DescribeUpdateCommand({ name, updateId }));
    if (update?.status !== 'InProgress') return update?.status;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'timeout';
}

describe('EKS cluster life through the SDK', () => {
  it('creates, activates, updates config and version, and deletes a cluster', async () => {
    const created = await eks.send(new CreateClusterCommand(clusterInput('life', { tags: { team: 'platform' } })));
    const c0 = created.cluster!;
    assert.equal(c0.status, 'CREATING');
    assert.equal(c0.endpoint, undefined);
    assert.equal(c0.certificateAuthority?.data, undefined);
    assert.equal(c0.identity, undefined);
    assert.equal(c0.arn, 'arn:aws:eks:us-east-1:000000000000:cluster/life');
    assert.equal(c0.version, '1.34');
    assert.equal(c0.platformVersion, 'eks.19');
    assert.deepEqual(c0.tags, { team: 'platform' });
    assert.equal(c0.accessConfig?.authenticationMode, 'CONFIG_MAP');
    assert.equal(c0.accessConfig?.bootstrapClusterCreatorAdminPermissions, true);
    assert.equal(c0.upgradePolicy?.supportType, 'EXTENDED');
    assert.equal(c0.kubernetesNetworkConfig?.serviceIpv4Cidr, '10.100.0.0/16');
    assert.equal(c0.kubernetesNetworkConfig?.ipFamily, 'ipv4');
    assert.deepEqual(c0.logging?.clusterLogging, [{ types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false }]);
    const vpc = c0.resourcesVpcConfig!;
    assert.equal(vpc.vpcId, 'vpc-default');
    assert.deepEqual(vpc.publicAccessCidrs, ['0.0.0.0/0']);
    assert.equal(vpc.endpointPublicAccess, true);
    assert.equal(vpc.endpointPrivateAccess, false);
    const sg = srv.ec2.groups.get(vpc.clusterSecurityGroupId!);
    assert.ok(sg, 'the cluster security group exists in EC2');
    assert.match(sg.name, /^eks-cluster-sg-life-\d{10}$/);
    assert.equal(sg.tags['aws:eks:cluster-name'], 'life');

    const active = await waitUntilClusterActive({ client: eks, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { name: 'life' });
    assert.equal(active.state, 'SUCCESS');
    const c1 = (await eks.send(new DescribeClusterCommand({ name: 'life' }))).cluster!;
    assert.equal(c1.status, 'ACTIVE');
    const m = /^https:\/\/([0-9A-F]{32})\.gr7\.us-east-1\.eks\.amazonaws\.com$/.exec(c1.endpoint ?? '');
    assert.ok(m, `endpoint ${c1.endpoint}`);
    assert.equal(c1.identity?.oidc?.issuer, `https://oidc.eks.us-east-1.amazonaws.com/id/${m[1]}`);
    assert.match(Buffer.from(c1.certificateAuthority!.data!, 'base64').toString(), /^-----BEGIN CERTIFICATE-----/);

    const cfg = await eks.send(new UpdateClusterConfigCommand({ name: 'life', logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: true }] } }));
    const u1 = cfg.update!;
    assert.equal(u1.status, 'InProgress');
    assert.equal(u1.type, 'LoggingUpdate');
    assert.deepEqual(u1.params, [{ type: 'ClusterLogging', value: '{"clusterLogging":[{"types":["api","audit"],"enabled":true}]}' }]);
    assert.ok(u1.createdAt instanceof Date);
    assert.equal((await eks.send(new DescribeClusterCommand({ name: 'life' }))).cluster?.status, 'UPDATING');
    assert.equal((await eks.send(new DescribeUpdateCommand({ name: 'life', updateId: u1.id! }))).update?.status, 'InProgress');
    assert.equal(await waitForUpdate('life', u1.id!), 'Successful');
    const c2 = (await eks.send(new DescribeClusterCommand({ name: 'life' }))).cluster!;
    assert.equal(c2.status, 'ACTIVE');
    assert.deepEqual(c2.logging?.clusterLogging, [
      { types: ['api', 'audit'], enabled: true },
      { types: ['authenticator', 'controllerManager', 'scheduler'], enabled: false },
    ]);

    const ver = await eks.send(new UpdateClusterVersionCommand({ name: 'life', version: '1.35' }));
    assert.equal(ver.update?.type, 'VersionUpdate');
    assert.deepEqual(ver.update?.params, [{ type: 'Version', value: '1.35' }, { type: 'PlatformVersion', value: 'eks.9' }]);
    assert.equal(await waitForUpdate('life', ver.update!.id!), 'Successful');
    const c3 = (await eks.send(new DescribeClusterCommand({ name: 'life' }))).cluster!;
    assert.equal(c3.version, '1.35');
    assert.equal(c3.platformVersion, 'eks.9');
    assert.equal(c3.endpoint, c1.endpoint);

    const ids = (await eks.send(new ListUpdatesCommand({ name: 'life' }))).updateIds;
    assert.deepEqual(ids, [u1.id, ver.update!.id]);

    const del = await eks.send(new DeleteClusterCommand({ name: 'life' }));
    assert.equal(del.cluster?.status, 'DELETING');
    const gone = await waitUntilClusterDeleted({ client: eks, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { name: 'life' });
    assert.equal(gone.state, 'SUCCESS');
    assert.deepEqual(srv.ec2.deletedGroups, [vpc.clusterSecurityGroupId]);
    const err = await eks.send(new DescribeUpdateCommand({ name: 'life', updateId: u1.id! })).catch((e: unknown) => e as Error);
    assert.equal((err as Error).name, 'ResourceNotFoundException');
  });
});
