/**
 * Listing and reading through `@aws-sdk/client-eks`: ListClusters pagination (SDK paginator and
 * raw tokens), ListUpdates pagination, DescribeClusterVersions with each filter, tags on a
 * cluster, and CreateCluster's networking defaults (service CIDR by VPC range, IPv6, custom CIDR).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  ListClustersCommand,
  ListTagsForResourceCommand,
  ListUpdatesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateClusterConfigCommand,
  paginateListClusters,
  type DescribeClusterVersionsCommandInput,
  type EKSClient,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../lib/clock.js';
import { clusterInput, rejection, startEks, type EksTestServer } from './eks.test-helper.js';
import { MSG } from './errors.js';

const clock = new ManualClock();
let srv: EksTestServer;
let eks: EKSClient;

before(async () => {
  srv = await startEks({ clock });
  eks = srv.eks;
});
after(async () => {
  await srv.stop();
});

describe('ListClusters', () => {
  it('pages with maxResults and nextToken, in name order', async () => {
    const names = ['c1', 'c2', 'c3', 'c4', 'c5'];
    for (const n of [...names].reverse()) await eks.send(new CreateClusterCommand(clusterInput(n)));
    const first = await eks.send(new ListClustersCommand({ maxResults: 2 }));
    assert.deepEqual(first.clusters, ['c1', 'c2']);
    assert.ok(first.nextToken);
    const second = await eks.send(new ListClustersCommand({ maxResults: 2, nextToken: first.nextToken }));
    assert.deepEqual(second.clusters, ['c3', 'c4']);
    const third = await eks.send(new ListClustersCommand({ maxResults: 2, nextToken: second.nextToken }));
    assert.deepEqual(third.clusters, ['c5']);
    assert.equal(third.nextToken, undefined);
    const seen: string[] = [];
    for await (const page of paginateListClusters({ client: eks, pageSize: 3 }, {})) seen.push(...(page.clusters ?? []));
    assert.deepEqual(seen, names);
    assert.deepEqual((await eks.send(new ListClustersCommand({}))).clusters, names);
  });

  it('regions are separate', async () => {
    const { EKSClient: Client, ListClustersCommand: List } = await import('@aws-sdk/client-eks');
    const other = new Client({ endpoint: srv.url, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    assert.deepEqual((await other.send(new List({}))).clusters, []);
    other.destroy();
  });
});

describe('ListUpdates', () => {
  it('pages update ids in creation order', async () => {
    await srv.svc.reconciler.idle();
    clock.advance(1000);
    await srv.svc.reconciler.idle();
    const ids: string[] = [];
    for (const enable of [true, false, true]) {
      const u = await eks.send(new UpdateClusterConfigCommand({ name: 'c1', logging: { clusterLogging: [{ types: ['audit'], enabled: enable }] } }));
      ids.push(u.update!.id!);
      clock.advance(1000);
      await srv.svc.reconciler.idle();
    }
    const p1 = await eks.send(new ListUpdatesCommand({ name: 'c1', maxResults: 2 }));
    assert.deepEqual(p1.updateIds, ids.slice(0, 2));
    const p2 = await eks.send(new ListUpdatesCommand({ name: 'c1', maxResults: 2, nextToken: p1.nextToken }));
    assert.deepEqual(p2.updateIds, ids.slice(2));
    assert.equal(p2.nextToken, undefined);
    assert.deepEqual((await eks.send(new ListUpdatesCommand({ name: 'c1', nodegroupName: 'ng' }))).updateIds, []);
  });
});

describe('DescribeClusterVersions', () => {
  it('lists supported versions newest first, with their dates and platform versions', async () => {
    const { clusterVersions } = await eks.send(new DescribeClusterVersionsCommand({}));
    assert.deepEqual(clusterVersions?.map((v) => v.clusterVersion), ['1.35', '1.34', '1.33', '1.32', '1.31', '1.30']);
    const v = clusterVersions![1]!;
    assert.equal(v.clusterType, 'eks');
    assert.equal(v.defaultVersion, true);
    assert.equal(v.defaultPlatformVersion, 'eks.19');
    assert.equal(v.kubernetesPatchVersion, '1.34.4');
    assert.equal(v.versionStatus, 'STANDARD_SUPPORT');
    assert.equal(v.releaseDate?.toISOString(), '2025-10-02T00:00:00.000Z');
    assert.equal(v.endOfStandardSupportDate?.toISOString(), '2026-12-02T00:00:00.000Z');
    assert.equal(v.endOfExtendedSupportDate?.toISOString(), '2027-12-02T00:00:00.000Z');
  });

  it('filters: defaultOnly, includeAll, versionStatus, status, clusterVersions, clusterType; paginates', async () => {
    const ver = async (input: DescribeClusterVersionsCommandInput) =>
      (await eks.send(new DescribeClusterVersionsCommand(input))).clusterVersions?.map((v) => v.clusterVersion);
    assert.deepEqual(await ver({ defaultOnly: true }), ['1.34']);
    assert.deepEqual(await ver({ includeAll: true }), ['1.35', '1.34', '1.33', '1.32', '1.31', '1.30', '1.29']);
    assert.deepEqual(await ver({ versionStatus: 'EXTENDED_SUPPORT' }), ['1.32', '1.31', '1.30']);
    assert.deepEqual(await ver({ status: 'standard-support' }), ['1.35', '1.34', '1.33']);
    assert.deepEqual(await ver({ versionStatus: 'UNSUPPORTED' }), ['1.29']);
    assert.deepEqual(await ver({ clusterVersions: ['1.31', '1.29'] }), ['1.31', '1.29']);
    assert.deepEqual(await ver({ clusterType: 'eks-local-outposts' }), []);
    const p1 = await eks.send(new DescribeClusterVersionsCommand({ maxResults: 4 }));
    assert.equal(p1.clusterVersions?.length, 4);
    const p2 = await eks.send(new DescribeClusterVersionsCommand({ maxResults: 4, nextToken: p1.nextToken }));
    assert.deepEqual(p2.clusterVersions?.map((v) => v.clusterVersion), ['1.31', '1.30']);
    assert.equal(p2.nextToken, undefined);
  });
});

describe('cluster tags and networking defaults', () => {
  it('tags, untags and lists tags of a cluster; DescribeCluster shows them', async () => {
    const arn = 'arn:aws:eks:us-east-1:000000000000:cluster/c2';
    await eks.send(new TagResourceCommand({ resourceArn: arn, tags: { a: '1', b: '2' } }));
    await eks.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    assert.deepEqual((await eks.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { b: '2' });
    assert.deepEqual((await eks.send(new DescribeClusterCommand({ name: 'c2' }))).cluster?.tags, { b: '2' });
  });

  it('service CIDR: 172.20.0.0/16 in a 10/8 VPC, custom when valid; IPv6 clusters', async () => {
    const ten = await eks.send(new CreateClusterCommand(clusterInput('ten', { resourcesVpcConfig: { subnetIds: ['subnet-x', 'subnet-y'] } })));
    assert.equal(ten.cluster?.kubernetesNetworkConfig?.serviceIpv4Cidr, '172.20.0.0/16');
    assert.equal(ten.cluster?.resourcesVpcConfig?.vpcId, 'vpc-ten');
    const custom = await eks.send(new CreateClusterCommand(clusterInput('custom', { kubernetesNetworkConfig: { serviceIpv4Cidr: '192.168.128.0/20' } })));
    assert.equal(custom.cluster?.kubernetesNetworkConfig?.serviceIpv4Cidr, '192.168.128.0/20');
    const bad = await rejection(eks.send(new CreateClusterCommand(clusterInput('bad', { kubernetesNetworkConfig: { serviceIpv4Cidr: '172.31.0.0/16' } }))));
    assert.equal(bad.message, MSG.invalidServiceCidr('172.31.0.0/16'));
    const v6 = await eks.send(new CreateClusterCommand(clusterInput('six', { kubernetesNetworkConfig: { ipFamily: 'ipv6' } })));
    assert.equal(v6.cluster?.kubernetesNetworkConfig?.ipFamily, 'ipv6');
    assert.match(v6.cluster?.kubernetesNetworkConfig?.serviceIpv6Cidr ?? '', /^fd[0-9a-f]{2}:[0-9a-f]{4}:[0-9a-f]{4}::\/108$/);
    assert.deepEqual(v6.cluster?.resourcesVpcConfig?.publicAccessCidrs, ['0.0.0.0/0', '::/0']);
    const cidrs = await rejection(eks.send(new CreateClusterCommand(clusterInput('cidr', { resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'], publicAccessCidrs: ['1.2.3.4/33', '::/0'] } }))));
    assert.equal(cidrs.message, MSG.invalidCidrs(['1.2.3.4/33', '::/0']));
  });
});
