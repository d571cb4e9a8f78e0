/**
 * Fargate profiles through `@aws-sdk/client-eks` on a ManualClock: CREATING → ACTIVE →
 * DELETING → gone, defaults, every refusal with its exception, status and text, the
 * one-profile-DELETING rule (also under concurrent deletes), pagination, and a restart.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  CreateFargateProfileCommand,
  DeleteClusterCommand,
  DeleteFargateProfileCommand,
  DescribeFargateProfileCommand,
  ListFargateProfilesCommand,
  ListTagsForResourceCommand,
  paginateListFargateProfiles,
  UpdateClusterConfigCommand,
  type CreateFargateProfileCommandInput,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../../lib/clock.js';
import { clusterInput, EC2_ROLE, rejection, startEks, type EksTestServer } from '../eks.test-helper.js';
import { activeCluster, addRoles, FARGATE_ROLE, tick } from '../nodegroups/nodegroups.test-helper.js';
import { fargateExtension } from './index.js';

let clock: ManualClock;
let srv: EksTestServer;
const fpInput = (name: string, extra: Partial<CreateFargateProfileCommandInput> = {}): CreateFargateProfileCommandInput => ({
  clusterName: 'c',
  fargateProfileName: name,
  podExecutionRoleArn: FARGATE_ROLE,
  selectors: [{ namespace: 'default' }],
  ...extra,
});
const describeFp = async (name: string) => (await srv.eks.send(new DescribeFargateProfileCommand({ clusterName: 'c', fargateProfileName: name }))).fargateProfile!;

async function refuses(p: Promise<unknown>, name: string, status: number, message: string | RegExp): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, name, err.message);
  assert.equal(err.$metadata.httpStatusCode, status);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
}

beforeEach(async () => {
  clock = new ManualClock();
  srv = await startEks({ clock, extensions: [fargateExtension()] });
  addRoles(srv);
  await activeCluster(srv, clock, 'c');
});
afterEach(() => srv.stop());

describe('Fargate profiles', () => {
  it('CREATING → ACTIVE → DELETING → gone; subnets default to the cluster subnets', async () => {
    const { fargateProfile: fp } = await srv.eks.send(new CreateFargateProfileCommand(fpInput('fp', { selectors: [{ namespace: 'prod', labels: { app: 'web' } }], tags: { t: '1' } })));
    assert.equal(fp?.status, 'CREATING');
    assert.match(fp?.fargateProfileArn ?? '', /^arn:aws:eks:us-east-1:000000000000:fargateprofile\/c\/fp\/[0-9a-f-]{36}$/);
    assert.deepEqual(fp?.subnets, ['subnet-a', 'subnet-b']);
    assert.deepEqual(fp?.selectors, [{ namespace: 'prod', labels: { app: 'web' } }]);
    assert.deepEqual(fp?.health, { issues: [] });
    await tick(srv, clock, 999);
    assert.equal((await describeFp('fp')).status, 'CREATING');
    await tick(srv, clock, 1);
    assert.equal((await describeFp('fp')).status, 'ACTIVE');
    assert.deepEqual((await srv.eks.send(new ListTagsForResourceCommand({ resourceArn: fp!.fargateProfileArn! }))).tags, { t: '1' });
    assert.equal((await srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'fp' }))).fargateProfile?.status, 'DELETING');
    await tick(srv, clock, 1000);
    await refuses(srv.eks.send(new DescribeFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'fp' })), 'ResourceNotFoundException', 404, 'No Fargate Profile found with name: fp.');
  });

  it('refuses bad requests with EKS texts', async () => {
    await srv.eks.send(new CreateFargateProfileCommand(fpInput('fp')));
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { clusterName: 'nope' }))), 'ResourceNotFoundException', 404, 'No cluster found for name: nope.');
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('fp'))), 'ResourceInUseException', 409, 'A Fargate Profile already exists with this name in this cluster.');
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { selectors: [] }))), 'InvalidParameterException', 400, 'Fargate Profile requires at least one selector.');
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { selectors: [{ labels: { a: 'b' } }] }))), 'InvalidParameterException', 400, 'Fargate Profile must have at least one selector with at least one namespace value.');
    const labels = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, 'v']));
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { selectors: [{ namespace: 'a', labels }] }))), 'InvalidParameterException', 400, 'Request contains Selector with more than 5 Label pairs');
    const six = Array.from({ length: 6 }, (_, i) => ({ namespace: `ns${i}` }));
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { selectors: six }))), 'InvalidParameterException', 400, 'Request contains more than 5 Selectors');
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { podExecutionRoleArn: 'pods' }))), 'InvalidParameterException', 400, "Invalid Role Arn: 'pods'");
    await refuses(
      srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { podExecutionRoleArn: EC2_ROLE }))),
      'InvalidParameterException',
      400,
      `Role with arn: ${EC2_ROLE}, could not be assumed because it does not exist or the trusted entity is not correct`,
    );
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { subnets: ['subnet-q'] }))), 'InvalidParameterException', 400, /^The subnet ID 'subnet-q' does not exist/);
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { subnets: ['subnet-y'] }))), 'InvalidParameterException', 400, "Subnet subnet-y is not in the cluster's VPC vpc-default.");
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('bad name'))), 'InvalidParameterException', 400, /^Fargate Profile name bad name is invalid/);
    await srv.eks.send(new CreateClusterCommand(clusterInput('young')));
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('x', { clusterName: 'young' }))), 'InvalidRequestException', 400, "Cluster 'young' is not in ACTIVE status");
    await refuses(srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'fp' })), 'InvalidRequestException', 400, 'Fargate Profile is currently not in Active State.');
    await refuses(srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'nope' })), 'ResourceNotFoundException', 404, 'No Fargate Profile found with name: nope.');
    await refuses(srv.eks.send(new DeleteClusterCommand({ name: 'c' })), 'ResourceInUseException', 409, 'Cluster has Fargate Profiles in ACTIVE/CREATING state');
  });

  it('one profile DELETING at a time; no create or delete meanwhile; none during a cluster update', async () => {
    for (const n of ['a', 'b', 'c']) await srv.eks.send(new CreateFargateProfileCommand(fpInput(n)));
    await tick(srv, clock, 1000);
    await srv.eks.send(new UpdateClusterConfigCommand({ name: 'c', deletionProtection: true }));
    await refuses(srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'a' })), 'ResourceInUseException', 409, 'Cannot Delete Fargate Profile a because cluster c currently has an update in progress');
    await tick(srv, clock, 1000);
    await srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'a' }));
    await refuses(srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'a' })), 'InvalidRequestException', 400, 'Fargate Profile is currently not in Active State.');
    await refuses(srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'b' })), 'ResourceInUseException', 409, 'Cannot Delete Fargate Profile b because cluster c currently has Fargate profile a in status DELETING');
    await refuses(srv.eks.send(new CreateFargateProfileCommand(fpInput('d'))), 'ResourceInUseException', 409, 'Cannot Create Fargate Profile d because cluster c currently has Fargate profile a in status DELETING');
    await tick(srv, clock, 1000);
    // Two deletes at once: exactly one wins.
    const results = await Promise.allSettled(['b', 'c'].map((n) => srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: n }))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const statuses = [(await describeFp('b')).status, (await describeFp('c')).status].sort();
    assert.deepEqual(statuses, ['ACTIVE', 'DELETING']);
  });

  it('lists profiles in pages', async () => {
    for (const n of ['p1', 'p2', 'p3']) await srv.eks.send(new CreateFargateProfileCommand(fpInput(n)));
    const p1 = await srv.eks.send(new ListFargateProfilesCommand({ clusterName: 'c', maxResults: 2 }));
    assert.deepEqual(p1.fargateProfileNames, ['p1', 'p2']);
    const names: string[] = [];
    for await (const page of paginateListFargateProfiles({ client: srv.eks, pageSize: 1 }, { clusterName: 'c' })) names.push(...(page.fargateProfileNames ?? []));
    assert.deepEqual(names, ['p1', 'p2', 'p3']);
  });

  it('a pod execution role lost before activation fails the profile', async () => {
    await srv.eks.send(new CreateFargateProfileCommand(fpInput('fp')));
    srv.iam.roles.delete(FARGATE_ROLE);
    await tick(srv, clock, 1000);
    const fp = await describeFp('fp');
    assert.equal(fp.status, 'CREATE_FAILED');
    assert.equal(fp.health?.issues?.[0]?.code, 'AccessDenied');
  });

  it('a new service over the same store finishes CREATING and DELETING profiles', async () => {
    await srv.eks.send(new CreateFargateProfileCommand(fpInput('old')));
    await tick(srv, clock, 1000);
    await srv.eks.send(new CreateFargateProfileCommand(fpInput('new')));
    await srv.eks.send(new DeleteFargateProfileCommand({ clusterName: 'c', fargateProfileName: 'old' }));
    await srv.stop();
    clock.advance(2000);
    srv = await startEks({ clock, store: srv.store, ec2: srv.ec2, iam: srv.iam, extensions: [fargateExtension()] });
    await srv.svc.reconciler.idle();
    assert.equal((await describeFp('new')).status, 'ACTIVE');
    assert.deepEqual((await srv.eks.send(new ListFargateProfilesCommand({ clusterName: 'c' }))).fargateProfileNames, ['new']);
  });
});
