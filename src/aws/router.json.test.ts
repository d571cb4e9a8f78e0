/**
 * JSON 1.1 (KMS) through the real `@aws-sdk/client-kms`: X-Amz-Target dispatch, timestamps and
 * blobs both ways, modeled errors, 501 NotImplemented; raw requests get ValidationException and
 * SerializationException as KMS words them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand, KMSClient, ListKeysCommand, NotFoundException } from '@aws-sdk/client-kms';
import { clientConfig, startTestServer, T0 } from './test-server.test-helper.js';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let kms: KMSClient;

before(async () => {
  srv = await startTestServer();
  kms = new KMSClient(clientConfig(srv.url));
});
after(async () => {
  kms.destroy();
  await srv.stop();
});

const raw = (target: string, body: string) =>
  fetch(srv.url, {
    method: 'POST',
    headers: { 'x-amz-target': `TrentService.${target}`, 'content-type': 'application/x-amz-json-1.1', authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=x' },
    body,
  });

describe('KMS (JSON 1.1) through @aws-sdk/client-kms', () => {
  it('parses structures, timestamps as Dates, enums and lists', async () => {
    const out = await kms.send(new CreateKeyCommand({ Description: 'cluster secrets' }));
    const md = out.KeyMetadata!;
    assert.equal(md.Description, 'cluster secrets');
    assert.ok(md.CreationDate instanceof Date);
    assert.equal(md.CreationDate.getTime(), T0.getTime());
    assert.equal(md.KeyState, 'Enabled');
    assert.deepEqual(md.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
    assert.equal(md.Arn, 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  });

  it('carries blobs as base64 both ways', async () => {
    const out = await kms.send(new EncryptCommand({ KeyId: 'alias/x', Plaintext: Buffer.from('hello') }));
    assert.equal(Buffer.from(out.CiphertextBlob!).toString(), 'enc:hello');
    assert.equal(out.KeyId, 'alias/x');
  });

  it('answers modeled errors with their code, status and message', async () => {
    const err = await kms.send(new DescribeKeyCommand({ KeyId: 'k-1' })).catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundException);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, "Key 'arn:aws:kms:us-east-1:000000000000:key/k-1' does not exist");
  });

  it('answers 501 NotImplemented for an operation without a handler', async () => {
    const err = await kms.send(new ListKeysCommand({})).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'NotImplemented');
    assert.equal((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 501);
    assert.equal(err.message, 'The operation ListKeys of service kms is not implemented by eksplane yet');
  });
});

describe('KMS (JSON 1.1) raw requests', () => {
  it('a missing required member is ValidationException in Coral wording', async () => {
    const r = await raw('Encrypt', '{"KeyId": "k"}');
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.deepEqual(await r.json(), { __type: 'ValidationException', message: "1 validation error detected: Value null at 'plaintext' failed to satisfy constraint: Member must not be null" });
  });

  it('length and enum violations are listed together', async () => {
    const r = await raw('CreateKey', JSON.stringify({ Description: 'x'.repeat(8193), KeyUsage: 'NOPE' }));
    const body = (await r.json()) as { __type: string; message: string };
    assert.equal(body.__type, 'ValidationException');
    assert.match(body.message, /^2 validation errors detected: .*'description' failed to satisfy constraint: Member must have length less than or equal to 8192; Value 'NOPE' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: \[/);
  });

  it('malformed JSON, a non-object body and wrong types are SerializationException', async () => {
    for (const body of ['{', '[1]', '"x"', '{"Description": 7}']) {
      const r = await raw('CreateKey', body);
      assert.equal(r.status, 400, body);
      assert.equal(((await r.json()) as { __type: string }).__type, 'SerializationException', body);
    }
  });

  it('an unknown target is UnknownOperationException', async () => {
    const r = await raw('Frobnicate', '{}');
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { __type: string }).__type, 'UnknownOperationException');
  });
});
