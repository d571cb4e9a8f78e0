/**
 * IAM, STS and KMS through the Python clients, in subprocesses: the `aws` CLI decodes the
 * URL-encoded policy documents IAM returns (get-role-policy, get-role, get-policy-version) back
 * into documents, and boto3 drives the basic calls of the three services — including assumed-role
 * sessions and the errors botocore parses.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ACCOUNT, startServicesServer, type ServicesServer } from './services.test-helper.js';

let srv: ServicesServer;
before(async () => {
  srv = await startServicesServer();
});
after(() => srv.stop());

const env = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)('aws', [...args, '--endpoint-url', srv.url, '--region', 'us-east-1', '--output', 'json'], { env: env() });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'ReadSecrets', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: 'arn:aws:kms:*:*:key/*', Condition: { StringEquals: { 'kms:EncryptionContext:cluster': 'prod & co' } } }] };

describe('the aws CLI', () => {
  it('round-trips policy documents: get-role, get-role-policy and get-policy-version decode them', async () => {
    await aws('iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', JSON.stringify(TRUST));
    await aws('iam', 'put-role-policy', '--role-name', 'cli-role', '--policy-name', 'secrets', '--policy-document', JSON.stringify(POLICY));
    const rp = await aws('iam', 'get-role-policy', '--role-name', 'cli-role', '--policy-name', 'secrets');
    assert.deepEqual(rp, { RoleName: 'cli-role', PolicyName: 'secrets', PolicyDocument: POLICY });
    const role = (await aws('iam', 'get-role', '--role-name', 'cli-role')).Role as Record<string, unknown>;
    assert.deepEqual(role.AssumeRolePolicyDocument, TRUST);
    const created = (await aws('iam', 'create-policy', '--policy-name', 'cli-policy', '--policy-document', JSON.stringify(POLICY))).Policy as { Arn: string };
    const version = (await aws('iam', 'get-policy-version', '--policy-arn', created.Arn, '--version-id', 'v1')).PolicyVersion as Record<string, unknown>;
    assert.deepEqual(version.Document, POLICY);
  });
});

const SCRIPT = String.raw`
import json, sys, boto3, botocore.config
from botocore.exceptions import ClientError
url = sys.argv[1]
cfg = botocore.config.Config(retries={"max_attempts": 1})
def client(name, **creds):
    creds = creds or {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    return boto3.client(name, endpoint_url=url, region_name="us-east-1", config=cfg, **creds)
def err(fn, **kw):
    try:
        fn(**kw)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"].get("Message"), e.response["ResponseMetadata"]["HTTPStatusCode"]]
iam, sts, kms = client("iam"), client("sts"), client("kms")
out = {}
user = iam.create_user(UserName="py-user")["User"]
key = iam.create_access_key(UserName="py-user")["AccessKey"]
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"}]}
role = iam.create_role(RoleName="py-role", Path="/py/", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
iam.put_role_policy(RoleName="py-role", PolicyName="kms", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}))
out["iam"] = {"userArn": user["Arn"], "trust": role["AssumeRolePolicyDocument"], "inline": iam.get_role_policy(RoleName="py-role", PolicyName="kms")["PolicyDocument"],
  "roles": [r["RoleName"] for p in iam.get_paginator("list_roles").paginate(PathPrefix="/py/", PaginationConfig={"PageSize": 1}) for r in p["Roles"]],
  "noSuchEntity": err(iam.get_role, RoleName="ghost")}
as_user = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
creds = as_user.assume_role(RoleArn=role["Arn"], RoleSessionName="py")["Credentials"]
session = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"], "aws_session_token": creds["SessionToken"]}
out["sts"] = {"root": sts.get_caller_identity()["Arn"], "user": as_user.get_caller_identity()["Arn"], "role": client("sts", **session).get_caller_identity()["Arn"],
  "denied": err(sts.assume_role, RoleArn="arn:aws:iam::000000000000:role/ghost", RoleSessionName="xx")}
rkms = client("kms", **session)
k = rkms.create_key(Description="from a role session")["KeyMetadata"]
rkms.create_alias(AliasName="alias/py", TargetKeyId=k["KeyId"])
blob = rkms.encrypt(KeyId="alias/py", Plaintext=b"hello", EncryptionContext={"a": "b"})["CiphertextBlob"]
dec = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
dk = kms.generate_data_key(KeyId=k["Arn"], KeySpec="AES_256")
out["kms"] = {"state": k["KeyState"], "plaintext": dec["Plaintext"].decode(), "keyId": dec["KeyId"], "dataKey": len(dk["Plaintext"]),
  "aliases": [a["AliasName"] for a in kms.list_aliases(KeyId=k["KeyId"])["Aliases"]],
  "badContext": err(kms.decrypt, CiphertextBlob=blob, EncryptionContext={"a": "c"}), "notFound": err(kms.describe_key, KeyId="alias/nope"),
  "denied": err(client("kms", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]).create_key)}
print(json.dumps(out, default=str))
`;

describe('boto3', () => {
  it('drives IAM, STS and KMS, including role sessions and parsed errors', async () => {
    const { stdout } = await promisify(execFile)('python3', ['-c', SCRIPT, srv.url], { env: env() });
    const out = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    const userArn = `arn:aws:iam::${ACCOUNT}:user/py-user`;
    assert.equal(out.iam!.userArn, userArn);
    assert.deepEqual(out.iam!.trust, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn }, Action: 'sts:AssumeRole' }] });
    assert.deepEqual(out.iam!.inline, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
    assert.deepEqual(out.iam!.roles, ['py-role']);
    assert.deepEqual(out.iam!.noSuchEntity, ['NoSuchEntity', 'The role with name ghost cannot be found.', 404]);
    assert.deepEqual([out.sts!.root, out.sts!.user, out.sts!.role], [`arn:aws:iam::${ACCOUNT}:root`, userArn, `arn:aws:sts::${ACCOUNT}:assumed-role/py-role/py`]);
    assert.deepEqual((out.sts!.denied as unknown[]).slice(0, 1).concat((out.sts!.denied as unknown[]).slice(2)), ['AccessDenied', 403]);
    const kms = out.kms!;
    assert.deepEqual([kms.state, kms.plaintext, kms.dataKey, kms.aliases], ['Enabled', 'hello', 32, ['alias/py']]);
    assert.match(String(kms.keyId), /^arn:aws:kms:us-east-1:000000000000:key\//);
    assert.deepEqual(kms.badContext, ['InvalidCiphertextException', '', 400]);
    assert.deepEqual(kms.notFound, ['NotFoundException', `Alias arn:aws:kms:us-east-1:${ACCOUNT}:alias/nope is not found.`, 404]);
    assert.deepEqual(kms.denied, ['AccessDeniedException', `User: ${userArn} is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action`, 400]);
  });
});
