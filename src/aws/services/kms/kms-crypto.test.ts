/**
 * KMS cryptography through @aws-sdk/client-kms: AES-256-GCM round trips with encryption context,
 * tampering and context mismatches (InvalidCiphertextException), IncorrectKeyException, ReEncrypt,
 * data keys, key usage, IAM denial for a user without kms:* permissions, key material never stored
 * in plaintext (and readable again after a "restart" with the same master secret only), and the
 * in-process KmsApi.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand, KMSClient, ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { openMemoryStore } from '../../../store/memory/memory-store.js';
import { ACCOUNT, failure, OffsetClock, startServicesServer, type ServicesServer } from '../iam/services.test-helper.js';
import { createKmsService } from './kms-service.js';

let srv: ServicesServer;
let kms: KMSClient;
const masterKey = randomBytes(32);

before(async () => {
  srv = await startServicesServer({ masterKey });
  kms = new KMSClient(srv.config());
});
after(async () => {
  kms.destroy();
  await srv.stop();
});

async function expectError(p: Promise<unknown>, name: string, status: number, message?: string) {
  const e = await failure(p);
  assert.equal(e.name, name, e.message);
  assert.equal(e.$metadata?.httpStatusCode, status);
  if (message !== undefined) assert.equal(e.message, message);
}

const newKey = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
const ctx = { cluster: 'prod', namespace: 'kube-system' };

describe('KMS encryption', () => {
  it('encrypts and decrypts with an encryption context; the blob names its key', async () => {
    const k = await newKey();
    const plaintext = Buffer.from('the quick brown fox');
    const enc = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: plaintext, EncryptionContext: ctx }));
    assert.equal(enc.KeyId, k.Arn);
    assert.equal(enc.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    const blob = enc.CiphertextBlob!;
    assert.ok(blob.length >= plaintext.length + 47);
    assert.ok(!Buffer.from(blob).includes(plaintext));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { namespace: 'kube-system', cluster: 'prod' } }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'the quick brown fox');
    assert.equal(dec.KeyId, k.Arn);
    assert.equal(dec.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    const again = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: plaintext, EncryptionContext: ctx }));
    assert.notDeepEqual(Buffer.from(again.CiphertextBlob!), Buffer.from(blob));
  });

  it('refuses tampered blobs, wrong or missing contexts and foreign bytes with InvalidCiphertextException', async () => {
    const k = await newKey();
    const blob = Buffer.from((await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x'.repeat(64)), EncryptionContext: ctx }))).CiphertextBlob!);
    await expectError(kms.send(new DecryptCommand({ CiphertextBlob: blob })), 'InvalidCiphertextException', 400);
    await expectError(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { ...ctx, cluster: 'dev' } })), 'InvalidCiphertextException', 400);
    for (const at of [5, 18, 25, 40, blob.length - 1]) {
      const bad = Buffer.from(blob);
      bad[at] = bad[at]! ^ 0x01;
      await expectError(kms.send(new DecryptCommand({ CiphertextBlob: bad, EncryptionContext: ctx })), 'InvalidCiphertextException', 400);
    }
    await expectError(kms.send(new DecryptCommand({ CiphertextBlob: randomBytes(80) })), 'InvalidCiphertextException', 400);
  });

  it('answers IncorrectKeyException when Decrypt or ReEncrypt names another key', async () => {
    const a = await newKey();
    const b = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/b-key', TargetKeyId: b.KeyId }));
    const blob = (await kms.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from('hi') }))).CiphertextBlob!;
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: a.Arn }))).Plaintext!).toString(), 'hi');
    const msg = 'The key ID in the request does not identify a CMK that can perform this operation.';
    await expectError(kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: b.KeyId })), 'IncorrectKeyException', 400, msg);
    await expectError(kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: 'alias/b-key' })), 'IncorrectKeyException', 400, msg);
    await expectError(kms.send(new ReEncryptCommand({ CiphertextBlob: blob, SourceKeyId: b.KeyId, DestinationKeyId: b.KeyId })), 'IncorrectKeyException', 400, msg);
  });

  it('re-encrypts under another key and context', async () => {
    const a = await newKey();
    const b = await newKey();
    const blob = (await kms.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from('moved'), EncryptionContext: ctx }))).CiphertextBlob!;
    const re = await kms.send(new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: ctx, DestinationKeyId: b.Arn, DestinationEncryptionContext: { v: '2' } }));
    assert.deepEqual([re.SourceKeyId, re.KeyId, re.SourceEncryptionAlgorithm, re.DestinationEncryptionAlgorithm], [a.Arn, b.Arn, 'SYMMETRIC_DEFAULT', 'SYMMETRIC_DEFAULT']);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { v: '2' } }));
    assert.deepEqual([Buffer.from(dec.Plaintext!).toString(), dec.KeyId], ['moved', b.Arn]);
  });

  it('generates data keys by KeySpec or NumberOfBytes, with or without plaintext', async () => {
    const k = await newKey();
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: k.KeyId, KeySpec: 'AES_256', EncryptionContext: ctx }));
    assert.equal(dk.Plaintext?.length, 32);
    assert.equal(dk.KeyId, k.Arn);
    const back = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ctx }));
    assert.deepEqual(Buffer.from(back.Plaintext!), Buffer.from(dk.Plaintext!));
    assert.equal((await kms.send(new GenerateDataKeyCommand({ KeyId: k.KeyId, NumberOfBytes: 16 }))).Plaintext?.length, 16);
    assert.equal((await kms.send(new GenerateDataKeyCommand({ KeyId: k.KeyId, KeySpec: 'AES_128' }))).Plaintext?.length, 16);
    const without = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: k.KeyId, KeySpec: 'AES_256' }));
    assert.ok(!('Plaintext' in without));
    assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: without.CiphertextBlob }))).Plaintext?.length, 32);
    const msg = 'Please specify either number of bytes or key spec.';
    await expectError(kms.send(new GenerateDataKeyCommand({ KeyId: k.KeyId })), 'ValidationException', 400, msg);
    await expectError(kms.send(new GenerateDataKeyCommand({ KeyId: k.KeyId, KeySpec: 'AES_256', NumberOfBytes: 32 })), 'ValidationException', 400, msg);
  });

  it('refuses keys of another usage with InvalidKeyUsageException, and unsupported specs', async () => {
    const mac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    assert.deepEqual(mac.MacAlgorithms, ['HMAC_SHA_256']);
    await expectError(kms.send(new EncryptCommand({ KeyId: mac.KeyId, Plaintext: Buffer.from('x') })), 'InvalidKeyUsageException', 400, `${mac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.`);
    await expectError(kms.send(new GenerateDataKeyCommand({ KeyId: mac.KeyId, KeySpec: 'AES_256' })), 'InvalidKeyUsageException', 400, `${mac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKey.`);
    await expectError(kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })), 'UnsupportedOperationException', 400);
    await expectError(kms.send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'SIGN_VERIFY' })), 'ValidationException', 400);
  });

  it('denies users without kms permissions with AccessDeniedException (400), and allows what their policy names', async () => {
    const k = await newKey();
    const other = await newKey();
    const creds = await srv.user('kms-user', [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: k.Arn }]);
    const asUser = new KMSClient(srv.config(creds));
    try {
      const e = await failure(asUser.send(new CreateKeyCommand({})));
      assert.equal(e.name, 'AccessDeniedException');
      assert.equal(e.$metadata?.httpStatusCode, 400);
      assert.equal(e.message, `User: arn:aws:iam::${ACCOUNT}:user/kms-user is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action`);
      assert.ok((await asUser.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('ok') }))).CiphertextBlob);
      const denied = await failure(asUser.send(new EncryptCommand({ KeyId: other.KeyId, Plaintext: Buffer.from('no') })));
      assert.equal(denied.name, 'AccessDeniedException');
      assert.match(denied.message, new RegExp(`kms:Encrypt on resource: ${other.Arn!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} because`));
    } finally {
      asUser.destroy();
    }
  });
});

describe('KMS key material at rest', () => {
  it('never stores key material in plaintext; only the same master secret reads it again', async () => {
    const k = await newKey();
    const blob = (await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('persisted') }))).CiphertextBlob!;
    const rec = (await srv.kms.state.findKey(ACCOUNT, 'us-east-1', k.KeyId!)).value;
    const material = srv.kms.state.material(rec, 1)!;
    assert.equal(material.length, 32);
    const dump = Buffer.concat((await srv.store.range('/aws/kms/')).kvs.map((kv) => Buffer.from(kv.value)));
    for (const form of [material, Buffer.from(material.toString('base64')), Buffer.from(material.toString('hex')), Buffer.from(material.toString('base64url'))]) assert.ok(!dump.includes(form));

    const restarted = createKmsService({ store: srv.store, clock: new OffsetClock(), masterKey });
    assert.equal((await restarted.api.decrypt(ACCOUNT, 'us-east-1', blob)).plaintext.toString(), 'persisted');
    const stranger = createKmsService({ store: srv.store, clock: new OffsetClock(), masterKey: randomBytes(32) });
    await assert.rejects(stranger.api.decrypt(ACCOUNT, 'us-east-1', blob));
  });
});

describe('KmsApi (in-process)', () => {
  it('encrypts, decrypts, generates data keys and describes keys by alias', async () => {
    const store = await openMemoryStore();
    const svc = createKmsService({ store, clock: new OffsetClock() });
    const { ciphertext, keyArn } = await svc.api.encrypt(ACCOUNT, 'eu-west-1', (await svc.state.createKey(ACCOUNT, 'eu-west-1', {})).keyId, Buffer.from('dek-seed'), { cluster: 'c1' });
    const keyId = keyArn.split('/')[1]!;
    await svc.state.createAlias(ACCOUNT, 'eu-west-1', 'alias/eks/c1', keyId);
    assert.deepEqual(await svc.api.describeKey(ACCOUNT, 'eu-west-1', 'alias/eks/c1'), { keyId, arn: keyArn, state: 'Enabled', enabled: true, keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', description: '' });
    assert.equal(await svc.api.describeKey(ACCOUNT, 'eu-west-1', 'alias/none'), undefined);
    assert.equal((await svc.api.decrypt(ACCOUNT, 'eu-west-1', ciphertext, { cluster: 'c1' }, 'alias/eks/c1')).plaintext.toString(), 'dek-seed');
    await assert.rejects(svc.api.decrypt(ACCOUNT, 'eu-west-1', ciphertext, { cluster: 'c2' }), { code: 'InvalidCiphertextException' });
    const dk = await svc.api.generateDataKey(ACCOUNT, 'eu-west-1', keyArn, 32);
    assert.deepEqual((await svc.api.decrypt(ACCOUNT, 'eu-west-1', dk.ciphertext)).plaintext, dk.plaintext);
    await svc.state.disableKey(ACCOUNT, 'eu-west-1', keyId);
    await assert.rejects(svc.api.encrypt(ACCOUNT, 'eu-west-1', keyId, Buffer.from('x')), { code: 'DisabledException', message: `${keyArn} is disabled.` });
  });
});
