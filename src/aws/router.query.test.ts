/**
 * The query protocol (IAM, STS, Auto Scaling) through the real SDK clients: form inputs with
 * `.member.N` lists, XML outputs with result wrappers, `<member>` lists, timestamps and booleans,
 * errors by their wire code (`NoSuchEntity`), 501 NotImplemented; raw requests get
 * `ValidationError` in Coral wording, `InvalidAction` and `MissingAction`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateUserCommand, GetRoleCommand, IAMClient, ListRolesCommand, ListUsersCommand, NoSuchEntityException, paginateListUsers } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig, startTestServer, T0 } from './test-server.test-helper.js';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let iam: IAMClient;
let sts: STSClient;
let asg: AutoScalingClient;

before(async () => {
  srv = await startTestServer();
  iam = new IAMClient(clientConfig(srv.url));
  sts = new STSClient(clientConfig(srv.url));
  asg = new AutoScalingClient(clientConfig(srv.url));
});
after(async () => {
  for (const c of [iam, sts, asg]) c.destroy();
  await srv.stop();
});

const form = (service: string, params: Record<string, string>) =>
  fetch(srv.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x` },
    body: new URLSearchParams(params).toString(),
  });

describe('IAM, STS and Auto Scaling (query) through the SDK clients', () => {
  it('IAM ListUsers: lists, nested tags, timestamps, pagination members', async () => {
    const page = await iam.send(new ListUsersCommand({ MaxItems: 2 }));
    assert.equal(page.Users?.length, 2);
    assert.equal(page.IsTruncated, true);
    assert.equal(page.Marker, '2');
    const u = page.Users![0]!;
    assert.equal(u.UserName, 'ann');
    assert.ok(u.CreateDate instanceof Date);
    assert.equal(u.CreateDate.getTime(), T0.getTime());
    assert.deepEqual(u.Tags, [{ Key: 'k', Value: 'ann' }]);
    const names: string[] = [];
    for await (const p of paginateListUsers({ client: iam, pageSize: 2 }, {})) names.push(...(p.Users ?? []).map((x) => x.UserName!));
    assert.deepEqual(names, ['ann', 'bob', 'cyd']);
  });

  it('IAM: an empty list is an empty element', async () => {
    const out = await iam.send(new ListRolesCommand({}));
    assert.deepEqual(out.Roles, []);
    assert.equal(out.IsTruncated, false);
  });

  it('IAM errors travel by their wire code', async () => {
    const err = await iam.send(new GetRoleCommand({ RoleName: 'ghost' })).catch((e: unknown) => e);
    assert.ok(err instanceof NoSuchEntityException);
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(err.message, 'The role with name ghost cannot be found.');
  });

  it('IAM: 501 NotImplemented names the operation', async () => {
    const err = await iam.send(new CreateUserCommand({ UserName: 'u' })).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'NotImplemented');
    assert.equal((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 501);
    assert.equal(err.message, 'The operation CreateUser of service iam is not implemented by eksplane yet');
  });

  it('STS GetCallerIdentity and AssumeRole', async () => {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.deepEqual([id.Account, id.Arn, id.UserId], ['000000000000', 'arn:aws:iam::000000000000:root', '000000000000']);
    assert.ok(id.$metadata.requestId);
    const role = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 'sess' }));
    assert.equal(role.Credentials?.Expiration?.getTime(), T0.getTime());
    assert.equal(role.AssumedRoleUser?.Arn, 'arn:aws:sts::000000000000:assumed-role/r/sess');
  });

  it('Auto Scaling DescribeAutoScalingGroups: nested lists, numbers, booleans', async () => {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['eks-ng-1'] }));
    const g = out.AutoScalingGroups![0]!;
    assert.deepEqual([g.MinSize, g.MaxSize, g.DesiredCapacity], [1, 3, 2]);
    assert.deepEqual(g.AvailabilityZones, ['us-east-1a', 'us-east-1b']);
    assert.equal(g.CreatedTime?.getTime(), T0.getTime());
    assert.equal(g.Instances?.[0]?.ProtectedFromScaleIn, false);
    assert.equal(g.Tags?.[0]?.PropagateAtLaunch, true);
    assert.equal(g.LaunchTemplate?.Version, '$Latest');
  });
});

describe('query raw requests', () => {
  it('XML success documents have the result wrapper, metadata and request id headers', async () => {
    const r = await form('sts', { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    assert.equal(r.status, 200);
    const id = r.headers.get('x-amzn-requestid');
    assert.equal(r.headers.get('x-amz-request-id'), id);
    const xml = await r.text();
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><UserId>000000000000<\/UserId><Account>000000000000<\/Account><Arn>arn:aws:iam::000000000000:root<\/Arn><\/GetCallerIdentityResult>/);
    assert.ok(xml.endsWith(`</GetCallerIdentityResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`));
  });

  it('a missing required member is ValidationError in Coral wording', async () => {
    const r = await form('iam', { Action: 'GetRole', Version: '2010-05-08' });
    assert.equal(r.status, 400);
    const xml = await r.text();
    assert.match(xml, /<ErrorResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>1 validation error detected: Value null at &apos;roleName&apos; failed to satisfy constraint: Member must not be null<\/Message><\/Error><RequestId>[0-9a-f-]+<\/RequestId><\/ErrorResponse>$/);
  });

  it('patterns and list members are checked with their Coral paths', async () => {
    const r = await form('iam', { Action: 'GetRole', Version: '2010-05-08', RoleName: 'bad name!' });
    assert.match(await r.text(), /Value &apos;bad name!&apos; at &apos;roleName&apos; failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\+/);
    const t = await form('iam', { Action: 'ListUsers', Version: '2010-05-08', MaxItems: 'many' });
    assert.match(await t.text(), /<Code>ValidationError<\/Code><Message>1 validation error detected: Value &apos;many&apos; at &apos;maxItems&apos; failed to satisfy constraint: Member must be of type integer/);
  });

  it('an unknown Action is InvalidAction; a missing one MissingAction', async () => {
    const r = await form('iam', { Action: 'Frobnicate', Version: '2010-05-08' });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /<Code>InvalidAction<\/Code><Message>The action Frobnicate is not valid for this web service.<\/Message>/);
    const m = await form('iam', { Version: '2010-05-08' });
    assert.match(await m.text(), /<Code>MissingAction<\/Code>/);
  });

  it('finds the service of an unsigned request from Action and Version', async () => {
    const r = await fetch(`${srv.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<Account>000000000000<\/Account>/);
  });
});
