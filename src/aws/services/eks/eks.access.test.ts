/**
 * Access entries and access policies through `@aws-sdk/client-eks`: the creator's admin entry in
 * API modes, default usernames and groups per type, associate / re-associate / disassociate,
 * filters and pagination, tags on an access entry ARN, and the refusals with EKS's texts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  CreateClusterCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DisassociateAccessPolicyCommand,
  ListAccessEntriesCommand,
  ListAccessPoliciesCommand,
  ListAssociatedAccessPoliciesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateAccessEntryCommand,
  UpdateClusterConfigCommand,
  paginateListAccessPolicies,
  type EKSClient,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../lib/clock.js';
import type { Authenticator } from '../../router.js';
import { ADMIN_ROLE, clusterInput, EC2_ROLE, rejection, startEks, type EksTestServer } from './eks.test-helper.js';
import { MSG } from './errors.js';

const clock = new ManualClock();
let srv: EksTestServer;
let eks: EKSClient;
const ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
const VIEW_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const USER = 'arn:aws:iam::000000000000:user/alice';

/** Signs in as an assumed role, so the creator entry is the role's. */
const asAdminRole: Authenticator = async () => ({
  account: '000000000000',
  arn: 'arn:aws:sts::000000000000:assumed-role/admin/session-1',
  userId: 'AROAADMIN:session-1',
  accessKeyId: 'ASIATEST',
  unrestricted: true,
  roleArn: ADMIN_ROLE,
});

async function settle(ms: number): Promise<void> {
  await srv.svc.reconciler.idle();
  clock.advance(ms);
  await srv.svc.reconciler.idle();
}

before(async () => {
  srv = await startEks({ clock, authenticate: asAdminRole });
  eks = srv.eks;
  await eks.send(new CreateClusterCommand(clusterInput('api', { accessConfig: { authenticationMode: 'API' } })));
  await eks.send(new CreateClusterCommand(clusterInput('cm')));
  await settle(1000);
});
after(async () => {
  await srv.stop();
});

describe('access entries', () => {
  it('the creator gets an admin entry in API modes, none in CONFIG_MAP', async () => {
    const list = await eks.send(new ListAccessEntriesCommand({ clusterName: 'api' }));
    assert.deepEqual(list.accessEntries, [ADMIN_ROLE]);
    const { accessEntry } = await eks.send(new DescribeAccessEntryCommand({ clusterName: 'api', principalArn: ADMIN_ROLE }));
    assert.equal(accessEntry?.type, 'STANDARD');
    assert.equal(accessEntry?.username, 'arn:aws:sts::000000000000:assumed-role/admin/{{SessionName}}');
    assert.deepEqual(accessEntry?.kubernetesGroups, []);
    assert.match(accessEntry?.accessEntryArn ?? '', /^arn:aws:eks:us-east-1:000000000000:access-entry\/api\/role\/000000000000\/admin\/[0-9a-f-]{36}$/);
    const pols = await eks.send(new ListAssociatedAccessPoliciesCommand({ clusterName: 'api', principalArn: ADMIN_ROLE }));
    assert.equal(pols.associatedAccessPolicies?.length, 1);
    assert.equal(pols.associatedAccessPolicies?.[0]?.policyArn, ADMIN_POLICY);
    assert.deepEqual(pols.associatedAccessPolicies?.[0]?.accessScope, { type: 'cluster', namespaces: [] });
    const err = await rejection(eks.send(new ListAccessEntriesCommand({ clusterName: 'cm' })));
    assert.equal(err.name, 'InvalidRequestException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.");
  });

  it('create, describe, update, associate, disassociate and delete an entry', async () => {
    const created = await eks.send(new CreateAccessEntryCommand({ clusterName: 'api', principalArn: USER, kubernetesGroups: ['devs'], tags: { owner: 'alice' } }));
    assert.equal(created.accessEntry?.username, USER);
    assert.deepEqual(created.accessEntry?.kubernetesGroups, ['devs']);
    assert.ok(created.accessEntry?.createdAt instanceof Date);
    const dup = await rejection(eks.send(new CreateAccessEntryCommand({ clusterName: 'api', principalArn: USER })));
    assert.equal(dup.name, 'ResourceInUseException');
    assert.equal(dup.$metadata.httpStatusCode, 409);
    assert.equal(dup.message, 'The specified access entry resource is already in use on this cluster.');

    clock.advance(5000);
    const upd = await eks.send(new UpdateAccessEntryCommand({ clusterName: 'api', principalArn: USER, username: 'alice', kubernetesGroups: ['devs', 'ops'] }));
    assert.equal(upd.accessEntry?.username, 'alice');
    assert.equal(upd.accessEntry!.modifiedAt!.getTime() - upd.accessEntry!.createdAt!.getTime(), 5000);

    const a1 = await eks.send(new AssociateAccessPolicyCommand({ clusterName: 'api', principalArn: USER, policyArn: VIEW_POLICY, accessScope: { type: 'namespace', namespaces: ['dev-*'] } }));
    assert.equal(a1.clusterName, 'api');
    assert.equal(a1.principalArn, USER);
    assert.deepEqual(a1.associatedAccessPolicy?.accessScope, { type: 'namespace', namespaces: ['dev-*'] });
    clock.advance(1000);
    const a2 = await eks.send(new AssociateAccessPolicyCommand({ clusterName: 'api', principalArn: USER, policyArn: VIEW_POLICY, accessScope: { type: 'cluster' } }));
    assert.equal(a2.associatedAccessPolicy?.associatedAt?.getTime(), a1.associatedAccessPolicy?.associatedAt?.getTime());
    assert.equal(a2.associatedAccessPolicy!.modifiedAt!.getTime() - a1.associatedAccessPolicy!.modifiedAt!.getTime(), 1000);
    const filtered = await eks.send(new ListAccessEntriesCommand({ clusterName: 'api', associatedPolicyArn: VIEW_POLICY }));
    assert.deepEqual(filtered.accessEntries, [USER]);

    await eks.send(new DisassociateAccessPolicyCommand({ clusterName: 'api', principalArn: USER, policyArn: VIEW_POLICY }));
    assert.deepEqual((await eks.send(new ListAssociatedAccessPoliciesCommand({ clusterName: 'api', principalArn: USER }))).associatedAccessPolicies, []);
    const gone = await rejection(eks.send(new DisassociateAccessPolicyCommand({ clusterName: 'api', principalArn: USER, policyArn: VIEW_POLICY })));
    assert.equal(gone.name, 'ResourceNotFoundException');
    assert.equal(gone.message, MSG.policyNotAssociated(VIEW_POLICY));

    const arn = created.accessEntry!.accessEntryArn!;
    await eks.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'test' } }));
    assert.deepEqual((await eks.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { owner: 'alice', env: 'test' });

    await eks.send(new DeleteAccessEntryCommand({ clusterName: 'api', principalArn: USER }));
    const nf = await rejection(eks.send(new DescribeAccessEntryCommand({ clusterName: 'api', principalArn: USER })));
    assert.equal(nf.name, 'ResourceNotFoundException');
    assert.equal(nf.$metadata.httpStatusCode, 404);
    assert.equal(nf.message, "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.");
  });

  it('node entry types get node identities and take no policies', async () => {
    const { accessEntry } = await eks.send(new CreateAccessEntryCommand({ clusterName: 'api', principalArn: EC2_ROLE, type: 'EC2_LINUX' }));
    assert.equal(accessEntry?.username, 'system:node:{{EC2PrivateDNSName}}');
    assert.deepEqual(accessEntry?.kubernetesGroups, ['system:nodes']);
    assert.equal(accessEntry?.type, 'EC2_LINUX');
    const err = await rejection(eks.send(new AssociateAccessPolicyCommand({ clusterName: 'api', principalArn: EC2_ROLE, policyArn: VIEW_POLICY, accessScope: { type: 'cluster' } })));
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.message, 'This operation can only be performed on Access Entries with a type of "STANDARD".');
    const upd = await rejection(eks.send(new UpdateAccessEntryCommand({ clusterName: 'api', principalArn: EC2_ROLE, kubernetesGroups: ['x'] })));
    assert.equal(upd.message, 'This operation can only be performed on Access Entries with a type of "STANDARD".');
  });

  it('refuses invalid principals, service-linked roles, unknown policies, bad scopes and reserved usernames', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ principalArn: 'arn:aws:iam::000000000000:group/devs' }, 'The specified principalArn is invalid: invalid principal.'],
      [{ principalArn: 'arn:aws:iam::000000000000:role/does-not-exist' }, 'The specified principalArn is invalid: invalid principal.'],
      [{ principalArn: 'arn:aws:iam::000000000000:role/aws-service-role/emr-containers.amazonaws.com/AWSServiceRoleForAmazonEMRContainers' },
        'The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role'],
      [{ principalArn: USER, username: 'system:admin' }, MSG.reservedUsername('system:admin')],
      [{ principalArn: USER, type: 'FARGATE_LINUX' }, MSG.nonStandardNeedsRole('FARGATE_LINUX')],
      [{ principalArn: EC2_ROLE, type: 'BOGUS' }, MSG.invalidAccessEntryType('BOGUS')],
      [{ principalArn: EC2_ROLE, type: 'EC2_LINUX', kubernetesGroups: ['x'] }, MSG.nonStandardNoGroups('EC2_LINUX')],
    ];
    for (const [input, message] of cases) {
      const err = await rejection(eks.send(new CreateAccessEntryCommand({ clusterName: 'api', ...(input as { principalArn: string }) })));
      assert.equal(err.name, 'InvalidParameterException', message);
      assert.equal(err.message, message);
    }
    const bogus = 'arn:aws:eks::aws:cluster-access-policy/NoSuchPolicy';
    const p = await rejection(eks.send(new AssociateAccessPolicyCommand({ clusterName: 'api', principalArn: ADMIN_ROLE, policyArn: bogus, accessScope: { type: 'cluster' } })));
    assert.equal(p.message, MSG.invalidPolicyArn(bogus));
    const ns = await rejection(eks.send(new AssociateAccessPolicyCommand({ clusterName: 'api', principalArn: ADMIN_ROLE, policyArn: VIEW_POLICY, accessScope: { type: 'namespace' } })));
    assert.equal(ns.message, MSG.namespaceScopeNeedsNamespaces);
  });

  it('moving CONFIG_MAP → API_AND_CONFIG_MAP opens access entries', async () => {
    const u = await eks.send(new UpdateClusterConfigCommand({ name: 'cm', accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' } }));
    assert.deepEqual(u.update?.params, [{ type: 'AuthenticationMode', value: 'API_AND_CONFIG_MAP' }]);
    await settle(1000);
    const { accessEntry } = await eks.send(new CreateAccessEntryCommand({ clusterName: 'cm', principalArn: EC2_ROLE, type: 'FARGATE_LINUX' }));
    assert.equal(accessEntry?.username, 'system:node:{{SessionName}}');
  });

  it('ListAccessPolicies lists the 19 EKS access policies, paginated', async () => {
    const names: string[] = [];
    for await (const page of paginateListAccessPolicies({ client: eks, pageSize: 5 }, {})) {
      assert.ok((page.accessPolicies?.length ?? 0) <= 5);
      for (const p of page.accessPolicies ?? []) {
        assert.equal(p.arn, `arn:aws:eks::aws:cluster-access-policy/${p.name}`);
        names.push(p.name!);
      }
    }
    assert.equal(names.length, 19);
    assert.equal(names[0], 'AmazonEKSAdminPolicy');
    assert.ok(names.includes('AmazonEKSClusterAdminPolicy'));
    const all = await eks.send(new ListAccessPoliciesCommand({}));
    assert.equal(all.nextToken, undefined);
  });
});
