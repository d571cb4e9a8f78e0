/**
 * EKS Pod Identity associations through `@aws-sdk/client-eks`: ids and ARNs in EKS's formats,
 * one association per service account (also under concurrent creates), filters and pagination,
 * updates, deletes, every refusal, tags, and removal with the cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  CreatePodIdentityAssociationCommand,
  DeleteClusterCommand,
  DeletePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  ListPodIdentityAssociationsCommand,
  ListTagsForResourceCommand,
  paginateListPodIdentityAssociations,
  TagResourceCommand,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../../lib/clock.js';
import { clusterInput, EC2_ROLE, rejection, startEks, type EksTestServer } from '../eks.test-helper.js';
import { activeCluster, addRoles, POD_ROLE, POD_ROLE_2, tick } from '../nodegroups/nodegroups.test-helper.js';
import { podIdentityExtension } from './index.js';

const clock = new ManualClock();
let srv: EksTestServer;
const create = (namespace: string, serviceAccount: string, extra: Record<string, unknown> = {}) =>
  srv.eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'c', namespace, serviceAccount, roleArn: POD_ROLE, ...extra }));

async function refuses(p: Promise<unknown>, name: string, status: number, message: string | RegExp): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, name, err.message);
  assert.equal(err.$metadata.httpStatusCode, status);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
}

before(async () => {
  srv = await startEks({ clock, extensions: [podIdentityExtension()] });
  addRoles(srv);
  await activeCluster(srv, clock, 'c');
});
after(() => srv.stop());

describe('pod identity associations', () => {
  it('creates, describes, updates and deletes an association', async () => {
    const { association: a } = await create('default', 'app', { tags: { k: 'v' } });
    assert.match(a?.associationId ?? '', /^a-[a-z0-9]{17}$/);
    assert.equal(a?.associationArn, `arn:aws:eks:us-east-1:000000000000:podidentityassociation/c/${a?.associationId}`);
    assert.equal(a?.roleArn, POD_ROLE);
    assert.equal(a?.disableSessionTags, false);
    assert.deepEqual(a?.tags, { k: 'v' });
    const id = a!.associationId!;
    const d = (await srv.eks.send(new DescribePodIdentityAssociationCommand({ clusterName: 'c', associationId: id }))).association!;
    assert.equal(d.serviceAccount, 'app');
    clock.advance(1000);
    const u = (await srv.eks.send(new UpdatePodIdentityAssociationCommand({ clusterName: 'c', associationId: id, roleArn: POD_ROLE_2, targetRoleArn: 'arn:aws:iam::111111111111:role/target' }))).association!;
    assert.equal(u.roleArn, POD_ROLE_2);
    assert.match(u.externalId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(u.modifiedAt!.getTime() > u.createdAt!.getTime());
    await srv.eks.send(new TagResourceCommand({ resourceArn: a!.associationArn!, tags: { k2: 'v2' } }));
    assert.deepEqual((await srv.eks.send(new ListTagsForResourceCommand({ resourceArn: a!.associationArn! }))).tags, { k: 'v', k2: 'v2' });
    const del = (await srv.eks.send(new DeletePodIdentityAssociationCommand({ clusterName: 'c', associationId: id }))).association!;
    assert.equal(del.associationId, id);
    await refuses(srv.eks.send(new DescribePodIdentityAssociationCommand({ clusterName: 'c', associationId: id })), 'ResourceNotFoundException', 404, `No Pod Identity Association found for id: ${id}.`);
    // The service account is free again.
    const again = (await create('default', 'app')).association!;
    await srv.eks.send(new DeletePodIdentityAssociationCommand({ clusterName: 'c', associationId: again.associationId! }));
  });

  it('one association per namespace and service account, also for concurrent requests', async () => {
    const first = (await create('ns1', 'sa')).association!;
    await refuses(create('ns1', 'sa', { roleArn: POD_ROLE_2 }), 'ResourceInUseException', 409, `Association already exists: ${first.associationId}`);
    assert.ok((await create('ns2', 'sa')).association);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => create('race', 'sa')));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal((await srv.eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'c', namespace: 'race' }))).associations?.length, 1);
  });

  it('returns the same association for a retried request', async () => {
    const a = (await create('idem', 'sa', { clientRequestToken: 'tok' })).association!;
    const b = (await create('idem', 'sa', { clientRequestToken: 'tok' })).association!;
    assert.equal(a.associationId, b.associationId);
  });

  it('lists with namespace / service account filters and pages', async () => {
    for (const sa of ['s1', 's2', 's3']) await create('list', sa);
    const byNs = (await srv.eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'c', namespace: 'list' }))).associations!;
    assert.deepEqual(byNs.map((a) => a.serviceAccount).sort(), ['s1', 's2', 's3']);
    assert.deepEqual(Object.keys(byNs[0]!).sort(), ['associationArn', 'associationId', 'clusterName', 'namespace', 'serviceAccount']);
    const one = (await srv.eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'c', namespace: 'list', serviceAccount: 's2' }))).associations!;
    assert.equal(one.length, 1);
    const seen: string[] = [];
    for await (const page of paginateListPodIdentityAssociations({ client: srv.eks, pageSize: 2 }, { clusterName: 'c', namespace: 'list' })) {
      assert.ok((page.associations?.length ?? 0) <= 2);
      seen.push(...(page.associations ?? []).map((a) => a.serviceAccount!));
    }
    assert.deepEqual(seen.sort(), ['s1', 's2', 's3']);
  });

  it('refuses bad requests with EKS texts', async () => {
    await refuses(create('x', 'y', { clusterName: 'nope' }), 'ResourceNotFoundException', 404, 'No cluster found for name: nope.');
    await refuses(create('x', 'y', { roleArn: 'arn:aws:iam::000000000000:role/missing' }), 'InvalidParameterException', 400, 'Role provided in the request does not exist');
    await refuses(create('x', 'y', { roleArn: EC2_ROLE }), 'InvalidParameterException', 400, 'Trust policy of the role provided is invalid. Follow the official documentation to resolve the issue.');
    await refuses(create('x', 'y', { roleArn: 'role' }), 'InvalidParameterException', 400, "Invalid Role Arn: 'role'");
    await refuses(create('x', 'y', { policy: '{}' }), 'InvalidParameterException', 400, 'disableSessionTags must be set to true when a policy is specified.');
    await refuses(srv.eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'c', namespace: 'x', roleArn: POD_ROLE } as never)), 'InvalidParameterException', 400, 'serviceAccount is required');
    await refuses(srv.eks.send(new DescribePodIdentityAssociationCommand({ clusterName: 'c', associationId: 'a-short' })), 'InvalidParameterException', 400, 'The parameter associationId should be 19 characters long.');
    await refuses(srv.eks.send(new DeletePodIdentityAssociationCommand({ clusterName: 'c', associationId: 'a-0000000000000000x' })), 'ResourceNotFoundException', 404, 'No Pod Identity Association found for id: a-0000000000000000x.');
    const a = (await create('upd', 'sa')).association!;
    await refuses(srv.eks.send(new UpdatePodIdentityAssociationCommand({ clusterName: 'c', associationId: a.associationId! })), 'InvalidParameterException', 400, 'At least one of roleArn, targetRoleArn, disableSessionTags or policy must be specified.');
    await refuses(srv.eks.send(new UpdatePodIdentityAssociationCommand({ clusterName: 'c', associationId: a.associationId!, roleArn: EC2_ROLE })), 'InvalidParameterException', 400, 'Trust policy of the role provided is invalid. Follow the official documentation to resolve the issue.');
    await srv.eks.send(new CreateClusterCommand(clusterInput('young')));
    await refuses(create('x', 'y', { clusterName: 'young' }), 'InvalidRequestException', 400, "Cluster 'young' is not in ACTIVE status");
  });

  it('goes away with its cluster', async () => {
    await activeCluster(srv, clock, 'tmp');
    await srv.eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'tmp', namespace: 'a', serviceAccount: 'b', roleArn: POD_ROLE }));
    await srv.eks.send(new DeleteClusterCommand({ name: 'tmp' }));
    await tick(srv, clock, 1000);
    await activeCluster(srv, clock, 'tmp');
    assert.deepEqual((await srv.eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'tmp' }))).associations, []);
    assert.ok((await srv.eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'tmp', namespace: 'a', serviceAccount: 'b', roleArn: POD_ROLE }))).association);
  });
});
