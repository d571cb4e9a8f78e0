import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../../lib/clock.js';
import { openMemoryStore } from '../../store/memory/memory-store.js';
import type { Store } from '../../store/types.js';
import { AwsError, type Principal } from '../types.js';
import { createAuthorizer } from './authenticator.js';
import { iamApiOf } from './iam-api.js';
import { IamState } from './iam-state.js';

const A = '000000000000';
const EKS_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const ALLOW_EKS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'eks:*', Resource: '*' }] });

function isErr(code: string, status: number, message?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  };
}

describe('IamState', () => {
  let clock: ManualClock;
  let store: Store;
  let iam: IamState;
  let root: Principal;
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 1));
    store = await openMemoryStore();
    iam = new IamState(store, { clock });
    root = (await iam.resolveAccessKey('test'))!.principal;
  });

  it('creates, reads, lists and deletes users with IAM errors', async () => {
    const u = await iam.createUser(A, { userName: 'Bob', path: '/eng/', tags: [{ Key: 'team', Value: 'k8s' }] });
    assert.match(u.userId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(u.arn, 'arn:aws:iam::000000000000:user/eng/Bob');
    assert.equal(u.createDate, '2026-01-01T00:00:00Z');
    assert.equal((await iam.getUser(A, 'bob')).userName, 'Bob');
    await assert.rejects(iam.createUser(A, { userName: 'BOB' }), isErr('EntityAlreadyExists', 409, 'User with name BOB already exists.'));
    await assert.rejects(iam.getUser(A, 'nobody'), isErr('NoSuchEntity', 404, 'The user with name nobody cannot be found.'));
    await assert.rejects(iam.createUser(A, { userName: 'a b' }), isErr('ValidationError', 400));
    await assert.rejects(iam.createUser(A, { userName: 'x', path: 'eng' }), isErr('ValidationError', 400));
    assert.deepEqual((await iam.listUsers(A, '/eng/')).map((x) => x.userName), ['Bob']);
    assert.deepEqual(await iam.listUsers(A, '/ops/'), []);
    await iam.tagUser(A, 'Bob', [{ Key: 'team', Value: 'eks' }, { Key: 'x', Value: 'y' }]);
    await iam.untagUser(A, 'Bob', ['x']);
    assert.deepEqual((await iam.getUser(A, 'Bob')).tags, [{ Key: 'team', Value: 'eks' }]);
    await iam.deleteUser(A, 'Bob');
    await assert.rejects(iam.getUser(A, 'Bob'), isErr('NoSuchEntity', 404));
  });

  it('manages access keys: format, two per user, status, DeleteConflict', async () => {
    await iam.createUser(A, { userName: 'bob' });
    const k1 = await iam.createAccessKey(A, 'bob');
    assert.match(k1.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(k1.secretAccessKey.length, 40);
    assert.equal(k1.status, 'Active');
    const k2 = await iam.createAccessKey(A, 'bob');
    await assert.rejects(iam.createAccessKey(A, 'bob'), isErr('LimitExceeded', 409, 'Cannot exceed quota for AccessKeysPerUser: 2'));
    assert.equal((await iam.listAccessKeys(A, 'bob')).length, 2);
    assert.equal('secretAccessKey' in (await iam.listAccessKeys(A, 'bob'))[0]!, false);
    assert.equal((await iam.resolveAccessKey(k1.accessKeyId))?.principal.arn, 'arn:aws:iam::000000000000:user/bob');
    await iam.updateAccessKey(A, 'bob', k1.accessKeyId, 'Inactive');
    assert.equal(await iam.resolveAccessKey(k1.accessKeyId), undefined);
    await assert.rejects(iam.deleteUser(A, 'bob'), isErr('DeleteConflict', 409, 'Cannot delete entity, must delete access keys first.'));
    await assert.rejects(iam.deleteAccessKey(A, 'bob', 'AKIANOTAKEYNOTAKEY00'), isErr('NoSuchEntity', 404, 'The Access Key with id AKIANOTAKEYNOTAKEY00 cannot be found.'));
    await iam.deleteAccessKey(A, 'bob', k1.accessKeyId);
    await iam.deleteAccessKey(A, 'bob', k2.accessKeyId);
    await iam.deleteUser(A, 'bob');
    assert.equal(await iam.resolveAccessKey(k2.accessKeyId), undefined);
  });

  it('state survives a new IamState over the same store', async () => {
    await iam.createUser(A, { userName: 'bob' });
    const k = await iam.createAccessKey(A, 'bob');
    const again = new IamState(store, { clock });
    assert.equal((await again.resolveAccessKey(k.accessKeyId))?.secret, k.secretAccessKey);
  });

  it('managed policies: AWS ones by ARN, customer ones with versions', async () => {
    for (const n of ['AmazonEKSClusterPolicy', 'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonEKSServicePolicy', 'AmazonEKSVPCResourceController', 'AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'IAMFullAccess', 'AmazonEKSFargatePodExecutionRolePolicy', 'AmazonSSMManagedInstanceCore']) {
      assert.equal((await iam.getPolicy(`arn:aws:iam::aws:policy/${n}`)).policyName, n);
    }
    assert.equal((await iam.getPolicy('arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy')).path, '/service-role/');
    await assert.rejects(iam.getPolicy('arn:aws:iam::aws:policy/Nope'), isErr('NoSuchEntity', 404, 'Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.'));
    const p = await iam.createPolicy(A, { policyName: 'eks-admin', policyDocument: ALLOW_EKS, description: 'x' });
    assert.equal(p.arn, 'arn:aws:iam::000000000000:policy/eks-admin');
    await assert.rejects(iam.createPolicy(A, { policyName: 'eks-admin', policyDocument: ALLOW_EKS }), isErr('EntityAlreadyExists', 409, 'A policy called eks-admin already exists. Duplicate names are not allowed.'));
    await assert.rejects(iam.createPolicy(A, { policyName: 'bad', policyDocument: '{' }), isErr('MalformedPolicyDocument', 400, 'Syntax errors in policy.'));
    for (let i = 0; i < 4; i++) await iam.createPolicyVersion(p.arn, ALLOW_EKS, i === 3);
    await assert.rejects(iam.createPolicyVersion(p.arn, ALLOW_EKS), isErr('LimitExceeded', 409));
    assert.equal((await iam.getPolicy(p.arn)).defaultVersionId, 'v5');
    await assert.rejects(iam.deletePolicyVersion(p.arn, 'v5'), isErr('DeleteConflict', 409, 'Cannot delete the default version of a policy.'));
    await iam.setDefaultPolicyVersion(p.arn, 'v2');
    assert.equal((await iam.getPolicyVersion(p.arn, 'v2')).isDefaultVersion, true);
    await assert.rejects(iam.getPolicyVersion(p.arn, 'v9'), isErr('NoSuchEntity', 404));
    await assert.rejects(iam.deletePolicy(A, p.arn), isErr('DeleteConflict', 409));
    for (const v of ['v1', 'v3', 'v4', 'v5']) await iam.deletePolicyVersion(p.arn, v);
    await iam.createUser(A, { userName: 'bob' });
    await iam.attachUserPolicy(A, 'bob', p.arn);
    assert.equal((await iam.listPolicies(A, { scope: 'Local' }))[0]!.attachmentCount, 1);
    assert.deepEqual(await iam.policyEntities(A, p.arn), { users: ['bob'], roles: [], groups: [] });
    await assert.rejects(iam.deletePolicy(A, p.arn), isErr('DeleteConflict', 409, 'Cannot delete a policy attached to entities.'));
    await iam.detachUserPolicy(A, 'bob', p.arn);
    await iam.deletePolicy(A, p.arn);
    assert.ok((await iam.listPolicies(A, { scope: 'AWS' })).length >= 13);
  });

  it('attaches, detaches and inlines policies; deletion needs them gone', async () => {
    await iam.createUser(A, { userName: 'bob' });
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    await assert.rejects(iam.attachUserPolicy(A, 'bob', 'arn:aws:iam::aws:policy/Nope'), isErr('NoSuchEntity', 404));
    await assert.rejects(iam.attachUserPolicy(A, 'ghost', admin), isErr('NoSuchEntity', 404, 'The user with name ghost cannot be found.'));
    await iam.attachUserPolicy(A, 'bob', admin);
    await iam.attachUserPolicy(A, 'bob', admin);
    assert.deepEqual(await iam.listAttachedPolicies(A, 'user', 'bob'), [{ policyArn: admin, policyName: 'AdministratorAccess' }]);
    await assert.rejects(iam.deleteUser(A, 'bob'), isErr('DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.'));
    await iam.detachUserPolicy(A, 'bob', admin);
    await assert.rejects(iam.detachUserPolicy(A, 'bob', admin), isErr('NoSuchEntity', 404, `Policy ${admin} was not found.`));
    await iam.putInlinePolicy(A, 'user', 'bob', 'eks', ALLOW_EKS);
    assert.equal(await iam.getInlinePolicy(A, 'user', 'bob', 'eks'), ALLOW_EKS);
    assert.deepEqual(await iam.listInlinePolicies(A, 'user', 'bob'), ['eks']);
    await assert.rejects(iam.getInlinePolicy(A, 'user', 'bob', 'x'), isErr('NoSuchEntity', 404, 'The user policy with name x cannot be found.'));
    await assert.rejects(iam.putInlinePolicy(A, 'user', 'bob', 'bad', '{"Statement":[{"Effect":"Allow","Action":"*"}]}'), isErr('MalformedPolicyDocument', 400, 'Policy statement must contain resources.'));
    await assert.rejects(iam.deleteUser(A, 'bob'), isErr('DeleteConflict', 409, 'Cannot delete entity, must delete policies first.'));
    await iam.deleteInlinePolicy(A, 'user', 'bob', 'eks');
    await iam.deleteUser(A, 'bob');
  });

  it('groups: members, group policies, conflicts', async () => {
    await iam.createUser(A, { userName: 'bob' });
    await iam.createGroup(A, { groupName: 'devs' });
    await assert.rejects(iam.createGroup(A, { groupName: 'Devs' }), isErr('EntityAlreadyExists', 409, 'Group with name Devs already exists.'));
    await iam.addUserToGroup(A, 'devs', 'bob');
    assert.deepEqual((await iam.getGroup(A, 'devs')).users.map((u) => u.userName), ['bob']);
    assert.deepEqual((await iam.listGroupsForUser(A, 'bob')).map((g) => g.groupName), ['devs']);
    await assert.rejects(iam.deleteGroup(A, 'devs'), isErr('DeleteConflict', 409, 'Cannot delete entity, must remove users from group first.'));
    await assert.rejects(iam.deleteUser(A, 'bob'), isErr('DeleteConflict', 409));
    await iam.removeUserFromGroup(A, 'devs', 'bob');
    await iam.deleteGroup(A, 'devs');
    await assert.rejects(iam.getGroup(A, 'devs'), isErr('NoSuchEntity', 404, 'The group with name devs cannot be found.'));
  });

  it('roles, trust for service principals, instance profiles, OIDC providers', async () => {
    const r = await iam.createRole(A, { roleName: 'eks-cluster', assumeRolePolicyDocument: EKS_TRUST });
    assert.match(r.roleId, /^AROA/);
    assert.equal(r.maxSessionDuration, 3600);
    await assert.rejects(iam.createRole(A, { roleName: 'eks-cluster', assumeRolePolicyDocument: EKS_TRUST }), isErr('EntityAlreadyExists', 409, 'Role with name eks-cluster already exists.'));
    await assert.rejects(iam.createRole(A, { roleName: 'x', assumeRolePolicyDocument: ALLOW_EKS }), isErr('MalformedPolicyDocument', 400));
    await assert.rejects(iam.getRole(A, 'nope'), isErr('NoSuchEntity', 404, 'The role with name nope cannot be found.'));
    assert.equal(await iam.roleTrusts(r.arn, 'eks.amazonaws.com'), true);
    assert.equal(await iam.roleTrusts(r.arn, 'ec2.amazonaws.com'), false);
    assert.equal(await iam.roleTrusts('arn:aws:iam::000000000000:role/missing', 'eks.amazonaws.com'), false);
    const api = iamApiOf(iam);
    assert.deepEqual(await api.getRole(A, r.arn), { arn: r.arn, name: 'eks-cluster' });
    assert.equal(await api.getRole(A, 'arn:aws:iam::000000000000:role/missing'), undefined);
    assert.equal(await api.roleTrusts(A, r.arn, 'eks.amazonaws.com'), true);
    await iam.updateAssumeRolePolicy(A, 'eks-cluster', EKS_TRUST.replace('eks.amazonaws.com', 'ec2.amazonaws.com'));
    assert.equal(await iam.roleTrusts(r.arn, 'ec2.amazonaws.com'), true);
    await iam.attachRolePolicy(A, 'eks-cluster', 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy');
    const ip = await iam.createInstanceProfile(A, { instanceProfileName: 'nodes' });
    assert.equal(ip.arn, 'arn:aws:iam::000000000000:instance-profile/nodes');
    await iam.addRoleToInstanceProfile(A, 'nodes', 'eks-cluster');
    await assert.rejects(iam.addRoleToInstanceProfile(A, 'nodes', 'eks-cluster'), isErr('LimitExceeded', 409, 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1'));
    await assert.rejects(iam.deleteRole(A, 'eks-cluster'), isErr('DeleteConflict', 409, 'Cannot delete entity, must remove roles from instance profile first.'));
    await assert.rejects(iam.deleteInstanceProfile(A, 'nodes'), isErr('DeleteConflict', 409));
    await iam.removeRoleFromInstanceProfile(A, 'nodes', 'eks-cluster');
    await iam.deleteInstanceProfile(A, 'nodes');
    await assert.rejects(iam.deleteRole(A, 'eks-cluster'), isErr('DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.'));
    await iam.detachRolePolicy(A, 'eks-cluster', 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy');
    await iam.deleteRole(A, 'eks-cluster');
    const o = await iam.createOpenIdConnectProvider(A, { url: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC', clientIdList: ['sts.amazonaws.com'], thumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'] });
    assert.equal(o.arn, 'arn:aws:iam::000000000000:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC');
    await assert.rejects(iam.createOpenIdConnectProvider(A, { url: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC' }), isErr('EntityAlreadyExists', 409));
    assert.equal((await iam.getOpenIdConnectProvider(o.arn)).clientIdList[0], 'sts.amazonaws.com');
    await iam.deleteOpenIdConnectProvider(o.arn);
    await assert.rejects(iam.getOpenIdConnectProvider(o.arn), isErr('NoSuchEntity', 404, `OpenIDConnect Provider not found for arn ${o.arn}`));
  });

  it('assumeRole checks trust and identity policies and issues expiring sessions', async () => {
    await iam.createUser(A, { userName: 'bob' });
    const bob = (await iam.resolveAccessKey((await iam.createAccessKey(A, 'bob')).accessKeyId))!.principal;
    const byArn = await iam.createRole(A, { roleName: 'by-arn', assumeRolePolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: bob.arn }, Action: 'sts:AssumeRole' }] }), maxSessionDuration: 7200 });
    const byAccount = await iam.createRole(A, { roleName: 'by-account', assumeRolePolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' }] }) });
    const eksOnly = await iam.createRole(A, { roleName: 'eks-only', assumeRolePolicyDocument: EKS_TRUST });
    const denied = (arn: string) => isErr('AccessDenied', 403, `User: ${bob.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn} because no identity-based policy allows the sts:AssumeRole action`);

    const s = await iam.assumeRole(bob, byArn.arn, 'sess-1', 7200);
    assert.match(s.credentials.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(s.credentials.expiration, '2026-01-01T02:00:00Z');
    assert.equal(s.assumedRoleUser.arn, 'arn:aws:sts::000000000000:assumed-role/by-arn/sess-1');
    assert.equal(s.assumedRoleUser.assumedRoleId, `${byArn.roleId}:sess-1`);
    await assert.rejects(iam.assumeRole(bob, eksOnly.arn, 'x1'), denied(eksOnly.arn));
    await assert.rejects(iam.assumeRole(bob, 'arn:aws:iam::000000000000:role/missing', 'x1'), denied('arn:aws:iam::000000000000:role/missing'));
    await assert.rejects(iam.assumeRole(bob, byAccount.arn, 'x1'), denied(byAccount.arn));
    await iam.putInlinePolicy(A, 'user', 'bob', 'assume', JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: byAccount.arn }] }));
    assert.ok(await iam.assumeRole(bob, byAccount.arn, 'x1'));
    assert.ok(await iam.assumeRole(root, byAccount.arn, 'x1'));
    await assert.rejects(iam.assumeRole(bob, byArn.arn, 'x', 900), isErr('ValidationError', 400));
    await assert.rejects(iam.assumeRole(bob, byArn.arn, 'bad name', 900), isErr('ValidationError', 400));
    await assert.rejects(iam.assumeRole(bob, byArn.arn, 'ok', 600), isErr('ValidationError', 400, "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"));
    await assert.rejects(iam.assumeRole(bob, byAccount.arn, 'ok', 7200), isErr('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'));
    const chained = (await iam.resolveAccessKey(s.credentials.accessKeyId))!;
    assert.equal(chained.sessionToken, s.credentials.sessionToken);
    assert.equal(chained.expiration, Date.UTC(2026, 0, 1, 2));
    assert.equal(chained.principal.roleArn, byArn.arn);
    await iam.updateAssumeRolePolicy(A, 'by-account', JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: byArn.arn }, Action: 'sts:AssumeRole' }] }));
    await assert.rejects(iam.assumeRole(chained.principal, byAccount.arn, 'chain', 3601), isErr('ValidationError', 400, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'));
    assert.ok(await iam.assumeRole(chained.principal, byAccount.arn, 'chain', 3600));
    await assert.rejects(iam.getSessionToken(chained.principal), isErr('AccessDenied', 403, 'Cannot call GetSessionToken with session credentials'));

    clock.advance(7200_000);
    assert.ok(await iam.resolveAccessKey(s.credentials.accessKeyId), 'kept to answer ExpiredToken');
    assert.equal(await iam.purgeExpiredSessions(0), 3, 'the one-hour sessions');
    assert.ok(await iam.resolveAccessKey(s.credentials.accessKeyId), 'expires at this very instant');
    clock.advance(1);
    assert.equal(await iam.purgeExpiredSessions(0), 1);
    assert.equal(await iam.resolveAccessKey(s.credentials.accessKeyId), undefined);
  });

  it('getSessionToken and getCallerIdentity', async () => {
    await iam.createUser(A, { userName: 'bob' });
    const bob = (await iam.resolveAccessKey((await iam.createAccessKey(A, 'bob')).accessKeyId))!.principal;
    const c = await iam.getSessionToken(bob);
    assert.equal(c.expiration, '2026-01-01T12:00:00Z');
    const p = (await iam.resolveAccessKey(c.accessKeyId))!.principal;
    assert.equal(p.arn, bob.arn);
    assert.deepEqual(iam.getCallerIdentity(p), { UserId: bob.userId, Account: A, Arn: bob.arn });
    await assert.rejects(iam.getSessionToken(root, 7200), isErr('ValidationError', 400));
    assert.equal((await iam.resolveAccessKey((await iam.getSessionToken(root)).accessKeyId))!.principal.unrestricted, true);
  });

  it('other accounts get their own root keys', async () => {
    const { rootKey } = await iam.createAccount('111122223333');
    const r = (await iam.resolveAccessKey(rootKey.accessKeyId))!;
    assert.equal(r.principal.arn, 'arn:aws:iam::111122223333:root');
    assert.equal(r.principal.unrestricted, true);
    await assert.rejects(iam.createAccount('111122223333'), isErr('EntityAlreadyExists', 409));
  });
});

describe('createAuthorizer', () => {
  it('denies by policy with each service\'s code and message, allows what policies allow', async () => {
    const clock = new ManualClock();
    const iam = new IamState(await openMemoryStore(), { clock });
    const authorize = createAuthorizer({ iam });
    await iam.createUser(A, { userName: 'bob' });
    const bob = (await iam.resolveAccessKey((await iam.createAccessKey(A, 'bob')).accessKeyId))!.principal;
    const cluster = 'arn:aws:eks:us-east-1:000000000000:cluster/x';
    await assert.rejects(authorize(bob, 'eks:CreateCluster', cluster), isErr('AccessDeniedException', 403, `User: arn:aws:iam::000000000000:user/bob is not authorized to perform: eks:CreateCluster on resource: ${cluster}`));
    await assert.rejects(authorize(bob, 'iam:ListUsers'), isErr('AccessDenied', 403, 'User: arn:aws:iam::000000000000:user/bob is not authorized to perform: iam:ListUsers because no identity-based policy allows the iam:ListUsers action'));
    await assert.rejects(authorize(bob, 'ec2:DescribeVpcs'), isErr('UnauthorizedOperation', 403, 'You are not authorized to perform this operation. User: arn:aws:iam::000000000000:user/bob is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action'));
    await assert.rejects(authorize(bob, 'kms:Decrypt', 'arn:aws:kms:us-east-1:000000000000:key/k'), isErr('AccessDeniedException', 400));
    await assert.rejects(authorize(bob, 'autoscaling:DescribeAutoScalingGroups'), isErr('AccessDenied', 403));

    await iam.attachUserPolicy(A, 'bob', 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy');
    assert.equal(await authorize(bob, 'ec2:DescribeVpcs'), true);
    await assert.rejects(authorize(bob, 'eks:CreateCluster', cluster), isErr('AccessDeniedException', 403));
    await iam.createGroup(A, { groupName: 'eks-admins' });
    await iam.putInlinePolicy(A, 'group', 'eks-admins', 'eks', ALLOW_EKS);
    await iam.addUserToGroup(A, 'eks-admins', 'bob');
    assert.equal(await authorize(bob, 'eks:CreateCluster', cluster), true);
    await iam.putInlinePolicy(A, 'user', 'bob', 'no-delete', JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'eks:Delete*', Resource: 'arn:aws:eks:*:*:cluster/x' }] }));
    await assert.rejects(authorize(bob, 'eks:DeleteCluster', cluster), isErr('AccessDeniedException', 403, `User: arn:aws:iam::000000000000:user/bob is not authorized to perform: eks:DeleteCluster on resource: ${cluster} with an explicit deny in an identity-based policy`));
    assert.equal(await authorize(bob, 'eks:DeleteCluster', 'arn:aws:eks:us-east-1:000000000000:cluster/y'), true);

    await iam.createRole(A, { roleName: 'readers', assumeRolePolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' }] }) });
    await iam.attachRolePolicy(A, 'readers', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const root = (await iam.resolveAccessKey('test'))!.principal;
    const session = await iam.assumeRole(root, 'arn:aws:iam::000000000000:role/readers', 'rr', 900, { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'eks:Describe*', Resource: '*' }] }) });
    const reader = (await iam.resolveAccessKey(session.credentials.accessKeyId))!.principal;
    assert.equal(await authorize(reader, 'eks:DescribeCluster', cluster), true);
    await assert.rejects(authorize(reader, 'eks:ListClusters'), isErr('AccessDeniedException', 403), 'the session policy narrows the role');
    await assert.rejects(authorize(reader, 'eks:CreateCluster', cluster), (e: AwsError) => e.message.startsWith('User: arn:aws:sts::000000000000:assumed-role/readers/rr is not authorized'));
    assert.equal(await authorize(root, 'iam:DeleteAccountPasswordPolicy'), true);
  });
});
