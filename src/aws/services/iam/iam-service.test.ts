/**
 * IAM through @aws-sdk/client-iam with SigV4-signed requests checked by the real authenticator and
 * authorizer: users and their keys acting under their policies, roles and trust policies, managed
 * and inline policies (documents URL-encoded as IAM returns them), instance profiles, OIDC
 * providers, service-linked roles, paginators, and IAM's errors with code, status and message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand, CreateInstanceProfileCommand, CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand, CreatePolicyVersionCommand, CreateRoleCommand, CreateServiceLinkedRoleCommand, CreateUserCommand, DeleteInstanceProfileCommand, DeleteOpenIDConnectProviderCommand,
  DeletePolicyCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DeleteServiceLinkedRoleCommand, DeleteUserCommand, DetachRolePolicyCommand, GetInstanceProfileCommand,
  GetOpenIDConnectProviderCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, GetServiceLinkedRoleDeletionStatusCommand, GetUserCommand,
  IAMClient, ListAccessKeysCommand, ListAttachedRolePoliciesCommand, ListEntitiesForPolicyCommand, ListInstanceProfilesForRoleCommand, ListOpenIDConnectProvidersCommand,
  ListPoliciesCommand, ListPolicyVersionsCommand, ListRolePoliciesCommand, ListRoleTagsCommand, ListUsersCommand, paginateListRoles, paginateListUsers, PutRolePolicyCommand,
  PutUserPolicyCommand, RemoveRoleFromInstanceProfileCommand, TagRoleCommand, UpdateAccessKeyCommand, UpdateAssumeRolePolicyCommand, UpdateOpenIDConnectProviderThumbprintCommand,
  UpdateRoleCommand, UpdateRoleDescriptionCommand, UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { ACCOUNT, failure, startServicesServer, type ServicesServer } from './services.test-helper.js';

let srv: ServicesServer;
let iam: IAMClient;

before(async () => {
  srv = await startServicesServer();
  iam = new IAMClient(srv.config());
});
after(async () => {
  iam.destroy();
  await srv.stop();
});

async function expectError(p: Promise<unknown>, name: string, status: number, message?: string) {
  const e = await failure(p);
  assert.equal(e.name, name, e.message);
  assert.equal(e.$metadata?.httpStatusCode, status);
  if (message !== undefined) assert.equal(e.message, message);
}

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const EKS_TRUST = doc([{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
const decode = (s: string | undefined) => JSON.parse(decodeURIComponent(s ?? ''));

describe('IAM users and access keys', () => {
  it('creates a user and a key that signs calls allowed or denied by the user\'s policies', async () => {
    const u = (await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/eng/', Tags: [{ Key: 'team', Value: 'k8s' }] }))).User!;
    assert.equal(u.Arn, `arn:aws:iam::${ACCOUNT}:user/eng/alice`);
    assert.match(u.UserId!, /^AIDA/);
    assert.deepEqual(u.Tags, [{ Key: 'team', Value: 'k8s' }]);
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    assert.deepEqual([key.UserName, key.Status, key.AccessKeyId?.slice(0, 4), key.SecretAccessKey?.length], ['alice', 'Active', 'AKIA', 40]);
    const alice = new IAMClient(srv.config({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    try {
      await expectError(alice.send(new ListUsersCommand({})), 'AccessDenied', 403,
        `User: arn:aws:iam::${ACCOUNT}:user/eng/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ because no identity-based policy allows the iam:ListUsers action`);
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'read', PolicyDocument: doc([{ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }]) }));
      assert.ok((await alice.send(new ListUsersCommand({}))).Users!.some((x) => x.UserName === 'alice'));
      const self = (await alice.send(new GetUserCommand({}))).User!;
      assert.deepEqual([self.UserName, self.Arn], ['alice', u.Arn]);
      assert.deepEqual((await alice.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId), [key.AccessKeyId]);
      await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: (await iam.send(new CreatePolicyCommand({ PolicyName: 'no-users', PolicyDocument: doc([{ Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*' }]) }))).Policy!.Arn }));
      await expectError(alice.send(new ListUsersCommand({})), 'AccessDenied', 403,
        `User: arn:aws:iam::${ACCOUNT}:user/eng/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ with an explicit deny in an identity-based policy`);
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: key.AccessKeyId, Status: 'Inactive' }));
      await expectError(alice.send(new GetUserCommand({})), 'InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
    } finally {
      alice.destroy();
    }
  });

  it('answers the root identity to GetUser without a name, and IAM errors for users', async () => {
    const root = (await iam.send(new GetUserCommand({}))).User!;
    assert.deepEqual([root.Arn, root.UserId], [`arn:aws:iam::${ACCOUNT}:root`, ACCOUNT]);
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await expectError(iam.send(new CreateUserCommand({ UserName: 'BOB' })), 'EntityAlreadyExistsException', 409, 'User with name BOB already exists.');
    await expectError(iam.send(new GetUserCommand({ UserName: 'nobody' })), 'NoSuchEntityException', 404, 'The user with name nobody cannot be found.');
    await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    await expectError(iam.send(new DeleteUserCommand({ UserName: 'bob' })), 'DeleteConflictException', 409, 'Cannot delete entity, must delete access keys first.');
    await expectError(iam.send(new UpdateUserCommand({ UserName: 'bob', NewUserName: 'robert' })), 'NotImplemented', 501);
  });

  it('pages ListUsers and ListRoles with Marker/MaxItems through the SDK paginators', async () => {
    for (let i = 0; i < 5; i++) {
      await iam.send(new CreateUserCommand({ UserName: `page-user-${i}`, Path: '/paged/' }));
      await iam.send(new CreateRoleCommand({ RoleName: `page-role-${i}`, Path: '/paged/', AssumeRolePolicyDocument: EKS_TRUST }));
    }
    const first = await iam.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
    assert.deepEqual([first.Users?.length, first.IsTruncated, typeof first.Marker], [2, true, 'string']);
    assert.equal(first.Users![0]!.Tags, undefined);
    const users: string[] = [];
    for await (const p of paginateListUsers({ client: iam, pageSize: 2 }, { PathPrefix: '/paged/' })) users.push(...p.Users!.map((u) => u.UserName!));
    assert.deepEqual(users, [0, 1, 2, 3, 4].map((i) => `page-user-${i}`));
    const roles: string[] = [];
    let pages = 0;
    for await (const p of paginateListRoles({ client: iam, pageSize: 3 }, { PathPrefix: '/paged/' })) {
      pages++;
      roles.push(...p.Roles!.map((r) => r.RoleName!));
    }
    assert.deepEqual([roles, pages], [[0, 1, 2, 3, 4].map((i) => `page-role-${i}`), 2]);
  });
});

describe('IAM roles and policies', () => {
  it('creates roles with URL-encoded trust policies, updates them and their settings', async () => {
    const r = (await iam.send(new CreateRoleCommand({ RoleName: 'cluster', AssumeRolePolicyDocument: EKS_TRUST, Description: 'EKS cluster role' }))).Role!;
    assert.equal(r.Arn, `arn:aws:iam::${ACCOUNT}:role/cluster`);
    assert.match(r.AssumeRolePolicyDocument!, /^%7B%22Version%22%3A%222012-10-17%22/);
    assert.deepEqual(decode(r.AssumeRolePolicyDocument), JSON.parse(EKS_TRUST));
    assert.equal(r.MaxSessionDuration, 3600);
    const ec2 = doc([{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' }]);
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'cluster', PolicyDocument: encodeURIComponent(ec2) }));
    assert.deepEqual(decode((await iam.send(new GetRoleCommand({ RoleName: 'cluster' }))).Role?.AssumeRolePolicyDocument), JSON.parse(ec2));
    await iam.send(new UpdateRoleCommand({ RoleName: 'cluster', MaxSessionDuration: 7200 }));
    assert.equal((await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'cluster', Description: 'new' }))).Role?.Description, 'new');
    assert.equal((await iam.send(new GetRoleCommand({ RoleName: 'cluster' }))).Role?.MaxSessionDuration, 7200);
    await iam.send(new TagRoleCommand({ RoleName: 'cluster', Tags: [{ Key: 'k', Value: 'v' }] }));
    assert.deepEqual((await iam.send(new ListRoleTagsCommand({ RoleName: 'cluster' }))).Tags, [{ Key: 'k', Value: 'v' }]);
    await expectError(iam.send(new GetRoleCommand({ RoleName: 'ghost' })), 'NoSuchEntityException', 404, 'The role with name ghost cannot be found.');
    await expectError(iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]) })), 'MalformedPolicyDocumentException', 400, 'Has prohibited field Resource.');
  });

  it('manages customer policies with versions, attachments and AWS managed policies', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'node', AssumeRolePolicyDocument: EKS_TRUST }));
    const v1 = doc([{ Effect: 'Allow', Action: 'eks:Describe*', Resource: '*' }]);
    const p = (await iam.send(new CreatePolicyCommand({ PolicyName: 'describe', Path: '/eks/', PolicyDocument: v1, Description: 'd' }))).Policy!;
    assert.deepEqual([p.Arn, p.DefaultVersionId, p.AttachmentCount, p.IsAttachable], [`arn:aws:iam::${ACCOUNT}:policy/eks/describe`, 'v1', 0, true]);
    const v2 = doc([{ Effect: 'Allow', Action: 'eks:*', Resource: '*' }]);
    assert.equal((await iam.send(new CreatePolicyVersionCommand({ PolicyArn: p.Arn, PolicyDocument: v2, SetAsDefault: true }))).PolicyVersion?.VersionId, 'v2');
    assert.deepEqual((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: p.Arn }))).Versions!.map((v) => [v.VersionId, v.IsDefaultVersion, v.Document]), [['v2', true, undefined], ['v1', false, undefined]]);
    assert.deepEqual(decode((await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: 'v1' }))).PolicyVersion?.Document), JSON.parse(v1));
    const managed = 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy';
    for (const arn of [p.Arn!, managed]) await iam.send(new AttachRolePolicyCommand({ RoleName: 'node', PolicyArn: arn }));
    assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'node' }))).AttachedPolicies!.map((a) => a.PolicyName).sort(), ['AmazonEKSClusterPolicy', 'describe']);
    assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'node', PathPrefix: '/eks/' }))).AttachedPolicies!.map((a) => a.PolicyArn), [p.Arn]);
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: p.Arn }))).Policy?.AttachmentCount, 1);
    assert.deepEqual((await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: managed }))).PolicyRoles!.map((r) => r.RoleName), ['node']);
    assert.ok((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies!.some((x) => x.Arn === p.Arn));
    assert.ok((await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }))).Policies!.every((x) => x.Arn!.startsWith('arn:aws:iam::aws:')));
    await expectError(iam.send(new DeletePolicyCommand({ PolicyArn: p.Arn })), 'DeleteConflictException', 409, 'Cannot delete a policy attached to entities.');
    await expectError(iam.send(new DeleteRoleCommand({ RoleName: 'node' })), 'DeleteConflictException', 409, 'Cannot delete entity, must detach all policies first.');
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'node', PolicyArn: managed }));
    await expectError(iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/none` })), 'NoSuchEntityException', 404, `Policy arn:aws:iam::${ACCOUNT}:policy/none does not exist or is not attachable.`);
  });

  it('puts, reads (URL-encoded), lists and deletes inline role policies', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'inline', AssumeRolePolicyDocument: EKS_TRUST }));
    const policy = doc([{ Sid: 'S3 read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }]);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'p1', PolicyDocument: policy }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'inline', PolicyName: 'p1' }));
    assert.deepEqual([got.RoleName, got.PolicyName], ['inline', 'p1']);
    assert.ok(got.PolicyDocument!.includes('%20') && !got.PolicyDocument!.includes(' '));
    assert.deepEqual(decode(got.PolicyDocument), JSON.parse(policy));
    assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'inline' }))).PolicyNames, ['p1']);
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'inline', PolicyName: 'p1' }));
    await expectError(iam.send(new GetRolePolicyCommand({ RoleName: 'inline', PolicyName: 'p1' })), 'NoSuchEntityException', 404, 'The role policy with name p1 cannot be found.');
  });
});

describe('IAM instance profiles, OIDC providers and service-linked roles', () => {
  it('puts a role in an instance profile and takes it out', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: EKS_TRUST }));
    const p = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'worker-profile' }))).InstanceProfile!;
    assert.deepEqual([p.Arn, p.Roles], [`arn:aws:iam::${ACCOUNT}:instance-profile/worker-profile`, []]);
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'worker-profile', RoleName: 'worker' }));
    const got = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'worker-profile' }))).InstanceProfile!;
    assert.deepEqual(got.Roles!.map((r) => r.RoleName), ['worker']);
    assert.deepEqual(decode(got.Roles![0]!.AssumeRolePolicyDocument), JSON.parse(EKS_TRUST));
    assert.deepEqual((await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'worker' }))).InstanceProfiles!.map((x) => x.InstanceProfileName), ['worker-profile']);
    await expectError(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'worker-profile', RoleName: 'worker' })), 'LimitExceededException', 409, 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
    await expectError(iam.send(new DeleteRoleCommand({ RoleName: 'worker' })), 'DeleteConflictException', 409, 'Cannot delete entity, must remove roles from instance profile first.');
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'worker-profile', RoleName: 'worker' }));
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'worker-profile' }));
    await expectError(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'worker-profile' })), 'NoSuchEntityException', 404, 'Instance Profile worker-profile cannot be found.');
  });

  it('registers an EKS cluster issuer as an OIDC provider', async () => {
    const url = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789';
    const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'] }))).OpenIDConnectProviderArn!;
    assert.equal(arn, `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789`);
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual([got.Url, got.ClientIDList], ['oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789', ['sts.amazonaws.com']]);
    await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: ['a'.repeat(40)] }));
    assert.deepEqual((await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).ThumbprintList, ['a'.repeat(40)]);
    assert.ok((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!.some((p) => p.Arn === arn));
    await expectError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ThumbprintList: [] })), 'EntityAlreadyExistsException', 409, `Provider with url ${url} already exists.`);
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    await expectError(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), 'NoSuchEntityException', 404, `OpenIDConnect Provider not found for arn ${arn}`);
  });

  it('creates and deletes service-linked roles', async () => {
    const r = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'eks.amazonaws.com' }))).Role!;
    assert.deepEqual([r.RoleName, r.Path, r.Arn], ['AWSServiceRoleForAmazonEKS', '/aws-service-role/eks.amazonaws.com/', `arn:aws:iam::${ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS`]);
    assert.deepEqual(decode(r.AssumeRolePolicyDocument).Statement[0].Principal, { Service: ['eks.amazonaws.com'] });
    await expectError(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'eks.amazonaws.com' })), 'EntityAlreadyExistsException', 409);
    const task = (await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: r.RoleName }))).DeletionTaskId!;
    assert.match(task, /^task\/aws-service-role\/eks\.amazonaws\.com\/AWSServiceRoleForAmazonEKS\/[0-9a-f-]{36}$/);
    assert.equal((await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: task }))).Status, 'SUCCEEDED');
    await expectError(iam.send(new GetRoleCommand({ RoleName: r.RoleName })), 'NoSuchEntityException', 404);
  });
});
