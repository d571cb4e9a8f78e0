/**
 * KMS through @aws-sdk/client-kms with SigV4-signed requests checked by the real authenticator:
 * the key life (Enabled ⇄ Disabled → PendingDeletion → Disabled / deleted on the clock), every
 * identifier form, aliases, tags, policies, rotation status, and each error with its code, HTTP
 * status and message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, DescribeKeyCommand, DisableKeyCommand, DisableKeyRotationCommand,
  EnableKeyCommand, EnableKeyRotationCommand, EncryptCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient, ListAliasesCommand, ListKeysCommand,
  ListResourceTagsCommand, paginateListKeys, PutKeyPolicyCommand, ScheduleKeyDeletionCommand, TagResourceCommand, UntagResourceCommand, UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { ACCOUNT, failure, startServicesServer, type ServicesServer } from '../iam/services.test-helper.js';

let srv: ServicesServer;
let kms: KMSClient;
const DAY = 86_400_000;

before(async () => {
  srv = await startServicesServer();
  kms = new KMSClient(srv.config());
});
after(async () => {
  kms.destroy();
  await srv.stop();
});

async function expectError(p: Promise<unknown>, name: string, status: number, message?: string | RegExp) {
  const e = await failure(p);
  assert.equal(e.name, name, e.message);
  assert.equal(e.$metadata?.httpStatusCode, status);
  if (typeof message === 'string') assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
}

const newKey = async (description = 'k') => (await kms.send(new CreateKeyCommand({ Description: description }))).KeyMetadata!;

describe('KMS keys', () => {
  it('creates symmetric keys with description, tags and policy, and describes them by every identifier', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
    const md = (await kms.send(new CreateKeyCommand({ Description: 'etcd secrets', Tags: [{ TagKey: 'team', TagValue: 'eks' }], Policy: policy }))).KeyMetadata!;
    assert.match(md.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(md.Arn, `arn:aws:kms:us-east-1:${ACCOUNT}:key/${md.KeyId}`);
    assert.deepEqual([md.AWSAccountId, md.Enabled, md.KeyState, md.KeyUsage, md.KeySpec, md.CustomerMasterKeySpec, md.Origin, md.KeyManager, md.MultiRegion], [ACCOUNT, true, 'Enabled', 'ENCRYPT_DECRYPT', 'SYMMETRIC_DEFAULT', 'SYMMETRIC_DEFAULT', 'AWS_KMS', 'CUSTOMER', false]);
    assert.deepEqual(md.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
    assert.ok(md.CreationDate instanceof Date && Math.abs(md.CreationDate.getTime() - Date.now()) < 60_000);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/etcd', TargetKeyId: md.KeyId }));
    for (const id of [md.KeyId!, md.Arn!, 'alias/etcd', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/etcd`]) {
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.Arn, md.Arn, id);
    }
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: md.KeyId, PolicyName: 'default' }))).Policy, policy);
    assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId: md.KeyId }))).Tags, [{ TagKey: 'team', TagValue: 'eks' }]);
  });

  it('answers NotFoundException for unknown keys, aliases and malformed ids', async () => {
    const ghost = '11111111-2222-3333-4444-555555555555';
    await expectError(kms.send(new DescribeKeyCommand({ KeyId: ghost })), 'NotFoundException', 404, `Key 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${ghost}' does not exist`);
    await expectError(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' })), 'NotFoundException', 404, `Alias arn:aws:kms:us-east-1:${ACCOUNT}:alias/nope is not found.`);
    await expectError(kms.send(new DescribeKeyCommand({ KeyId: 'not-a-key' })), 'NotFoundException', 404, 'Invalid keyId not-a-key');
    await expectError(kms.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${ghost}` })), 'NotFoundException', 404, `Key 'arn:aws:kms:eu-west-1:${ACCOUNT}:key/${ghost}' does not exist`);
  });

  it('lists keys page by page (Limit, Marker, Truncated) and through the paginator', async () => {
    for (let i = 0; i < 3; i++) await newKey(`page-${i}`);
    const first = await kms.send(new ListKeysCommand({ Limit: 2 }));
    assert.equal(first.Keys?.length, 2);
    assert.equal(first.Truncated, true);
    const second = await kms.send(new ListKeysCommand({ Limit: 2, Marker: first.NextMarker }));
    assert.ok(!second.Keys!.some((k) => first.Keys!.some((f) => f.KeyId === k.KeyId)));
    const all: string[] = [];
    for await (const page of paginateListKeys({ client: kms, pageSize: 2 }, {})) all.push(...page.Keys!.map((k) => k.KeyArn!));
    assert.equal(new Set(all).size, all.length);
    assert.ok(all.length >= 4);
    await expectError(kms.send(new ListKeysCommand({ Marker: 'garbage!' })), 'InvalidMarkerException', 400);
  });

  it('goes Enabled → Disabled → Enabled → PendingDeletion → Disabled, with each state\'s errors', async () => {
    const k = await newKey();
    const arn = k.Arn!;
    const plaintext = Buffer.from('secret');
    await kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
    assert.deepEqual(pick((await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!), ['Disabled', false]);
    await expectError(kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: plaintext })), 'DisabledException', 409, `${arn} is disabled.`);
    await expectError(kms.send(new EnableKeyRotationCommand({ KeyId: k.KeyId })), 'DisabledException', 409, `${arn} is disabled.`);
    await expectError(kms.send(new CancelKeyDeletionCommand({ KeyId: k.KeyId })), 'KMSInvalidStateException', 409, `${arn} is not pending deletion.`);
    await kms.send(new EnableKeyCommand({ KeyId: k.KeyId }));
    await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: plaintext }));

    for (const days of [6, 31]) await expectError(kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: days })), 'ValidationException', 400, `PendingWindowInDays should be between 7 and 30, but it is ${days}`);
    const before = Date.now();
    const sched = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    assert.deepEqual([sched.KeyId, sched.KeyState, sched.PendingWindowInDays], [arn, 'PendingDeletion', 7]);
    assert.ok(Math.abs(sched.DeletionDate!.getTime() - (before + 7 * DAY)) < 60_000);
    const md = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
    assert.deepEqual(pick(md), ['PendingDeletion', false]);
    assert.equal(md.DeletionDate?.getTime(), sched.DeletionDate?.getTime());
    for (const p of [kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: plaintext })), kms.send(new EnableKeyCommand({ KeyId: k.KeyId })), kms.send(new DisableKeyCommand({ KeyId: k.KeyId })),
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId })), kms.send(new UpdateKeyDescriptionCommand({ KeyId: k.KeyId, Description: 'x' }))]) {
      await expectError(p, 'KMSInvalidStateException', 409, `${arn} is pending deletion.`);
    }
    assert.equal((await kms.send(new CancelKeyDeletionCommand({ KeyId: k.KeyId }))).KeyId, arn);
    const back = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
    assert.deepEqual(pick(back), ['Disabled', false]);
    assert.equal(back.DeletionDate, undefined);
  });

  it('deletes a key (and its aliases) once its deletion date passes on the clock', async () => {
    const k = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: k.Arn }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    srv.kmsClock.offsetMs = 7 * DAY - 60_000;
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/doomed' }))).KeyMetadata?.KeyState, 'PendingDeletion');
    srv.kmsClock.offsetMs = 7 * DAY + 1000;
    try {
      await expectError(kms.send(new DescribeKeyCommand({ KeyId: k.KeyId })), 'NotFoundException', 404, `Key '${k.Arn}' does not exist`);
      assert.ok(!(await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.some((x) => x.KeyId === k.KeyId));
      assert.ok(!(await kms.send(new ListAliasesCommand({}))).Aliases!.some((a) => a.AliasName === 'alias/doomed'));
    } finally {
      srv.kmsClock.offsetMs = 0;
    }
  });

  it('reports, enables and disables rotation; updates descriptions; keeps the default key policy', async () => {
    const k = await newKey();
    assert.deepEqual(rotation(await kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }))), [false, undefined]);
    await kms.send(new EnableKeyRotationCommand({ KeyId: k.KeyId, RotationPeriodInDays: 180 }));
    const on = await kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }));
    assert.deepEqual(rotation(on), [true, 180]);
    assert.equal(on.KeyId, k.Arn);
    assert.ok(Math.abs(on.NextRotationDate!.getTime() - (Date.now() + 180 * DAY)) < 60_000);
    await kms.send(new DisableKeyRotationCommand({ KeyId: k.KeyId }));
    assert.deepEqual(rotation(await kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }))), [false, undefined]);

    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: k.KeyId, Description: 'renamed' }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata?.Description, 'renamed');

    const policy = (await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }))).Policy!;
    assert.deepEqual(JSON.parse(policy), { Version: '2012-10-17', Id: 'key-default-1', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
    await expectError(kms.send(new PutKeyPolicyCommand({ KeyId: k.KeyId, PolicyName: 'default', Policy: '{not json' })), 'MalformedPolicyDocumentException', 400);
    await expectError(kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId, PolicyName: 'other' })), 'NotFoundException', 404, 'No such policy exists');
    const next = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    await kms.send(new PutKeyPolicyCommand({ KeyId: k.KeyId, Policy: next }));
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }))).Policy, next);
  });

  it('tags and untags keys', async () => {
    const k = await newKey();
    await kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'b', TagValue: '1' }, { TagKey: 'a', TagValue: '2' }] }));
    await kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'b', TagValue: '3' }] }));
    assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'a', TagValue: '2' }, { TagKey: 'b', TagValue: '3' }]);
    await kms.send(new UntagResourceCommand({ KeyId: k.KeyId, TagKeys: ['a'] }));
    assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'b', TagValue: '3' }]);
    await expectError(kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: '1' }] })), 'TagException', 400);
  });
});

describe('KMS aliases', () => {
  it('creates, updates, lists and deletes aliases with KMS\'s errors', async () => {
    const a = await newKey('a');
    const b = await newKey('b');
    const aliasArn = `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app`;
    await expectError(kms.send(new CreateAliasCommand({ AliasName: 'app', TargetKeyId: a.KeyId })), 'ValidationException', 400, 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
    await expectError(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/ebs', TargetKeyId: a.KeyId })), 'NotAuthorizedException', 400);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: a.KeyId }));
    await expectError(kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: b.KeyId })), 'AlreadyExistsException', 409, `An alias with the name ${aliasArn} already exists`);
    await expectError(kms.send(new CreateAliasCommand({ AliasName: 'alias/app2', TargetKeyId: 'alias/app' })), 'ValidationException', 400, 'Aliases must refer to keys. Not aliases');
    const listed = (await kms.send(new ListAliasesCommand({ KeyId: a.KeyId }))).Aliases!;
    assert.deepEqual(listed.map((x) => [x.AliasName, x.AliasArn, x.TargetKeyId]), [['alias/app', aliasArn, a.KeyId]]);
    assert.ok(listed[0]!.CreationDate instanceof Date);
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/app', TargetKeyId: b.Arn }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/app' }))).KeyMetadata?.KeyId, b.KeyId);
    await expectError(kms.send(new UpdateAliasCommand({ AliasName: 'alias/none', TargetKeyId: b.KeyId })), 'NotFoundException', 404, `Alias arn:aws:kms:us-east-1:${ACCOUNT}:alias/none is not found.`);
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/app' }));
    await expectError(kms.send(new DeleteAliasCommand({ AliasName: 'alias/app' })), 'NotFoundException', 404, `Alias ${aliasArn} is not found.`);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: a.KeyId }));
    await expectError(kms.send(new CreateAliasCommand({ AliasName: 'alias/late', TargetKeyId: a.KeyId })), 'KMSInvalidStateException', 409, `${a.Arn} is pending deletion.`);
  });
});

function pick(md: { KeyState?: string; Enabled?: boolean }) {
  return [md.KeyState, md.Enabled];
}

function rotation(r: { KeyRotationEnabled?: boolean; RotationPeriodInDays?: number }) {
  return [r.KeyRotationEnabled, r.RotationPeriodInDays];
}
