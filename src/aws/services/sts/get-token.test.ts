/**
 * `aws eks get-token` against the STS endpoint: the real CLI presigns GetCallerIdentity for the
 * test server (AWS_ENDPOINT_URL_STS), and the decoded URL, fetched as aws-iam-authenticator
 * replays it (GET, `x-k8s-aws-id`, `Accept: application/json`), answers the caller's identity as
 * JSON — for a user, and for a role the CLI assumed first (`--role-arn`, a signed AssumeRole POST).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ACCOUNT, type Creds, startServicesServer, type ServicesServer } from '../iam/services.test-helper.js';

let srv: ServicesServer;
before(async () => {
  srv = await startServicesServer();
});
after(() => srv.stop());

async function getToken(creds: Creds, extra: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)('aws', ['eks', 'get-token', '--cluster-name', 'demo', '--region', 'us-east-1', '--output', 'json', ...extra], {
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_ENDPOINT_URL_STS: srv.url,
    },
  });
  const out = JSON.parse(stdout) as { kind: string; status: { token: string } };
  assert.equal(out.kind, 'ExecCredential');
  assert.match(out.status.token, /^k8s-aws-v1\./);
  return out.status.token;
}

const urlOf = (token: string) => Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');

interface CallerJson {
  GetCallerIdentityResponse: { GetCallerIdentityResult: { Account: string; Arn: string; UserId: string }; ResponseMetadata: { RequestId: string } };
}

describe('aws eks get-token tokens replayed to STS', () => {
  it('answers the presigned GET with the caller as JSON, and refuses it for another cluster', async () => {
    const creds = await srv.user('kube-admin');
    const url = urlOf(await getToken(creds));
    assert.match(url, new RegExp(`^${srv.url}/\\?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-SignedHeaders=host%3Bx-k8s-aws-id`));
    const res = await fetch(url, { headers: { 'x-k8s-aws-id': 'demo', accept: 'application/json' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as CallerJson;
    const result = body.GetCallerIdentityResponse.GetCallerIdentityResult;
    assert.deepEqual([result.Account, result.Arn], [ACCOUNT, `arn:aws:iam::${ACCOUNT}:user/kube-admin`]);
    assert.match(result.UserId, /^AIDA/);
    assert.equal(body.GetCallerIdentityResponse.ResponseMetadata.RequestId, res.headers.get('x-amzn-requestid'));

    const xml = await fetch(url, { headers: { 'x-k8s-aws-id': 'demo' } });
    assert.equal(xml.status, 200);
    assert.match(await xml.text(), new RegExp(`<Arn>arn:aws:iam::${ACCOUNT}:user/kube-admin</Arn>`));

    const other = await fetch(url, { headers: { 'x-k8s-aws-id': 'other-cluster', accept: 'application/json' } });
    assert.equal(other.status, 403);
    assert.match(await other.text(), /SignatureDoesNotMatch/);
  });

  it('names the assumed role when the CLI assumes one first (--role-arn)', async () => {
    const creds = await srv.user('ops');
    await srv.iam.createRole(ACCOUNT, { roleName: 'eks-admin', assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ops` }, Action: 'sts:AssumeRole' }] }) });
    const url = urlOf(await getToken(creds, ['--role-arn', `arn:aws:iam::${ACCOUNT}:role/eks-admin`]));
    assert.match(url, /X-Amz-Security-Token=/);
    const res = await fetch(url, { headers: { 'x-k8s-aws-id': 'demo', accept: 'application/json' } });
    assert.equal(res.status, 200);
    const result = ((await res.json()) as CallerJson).GetCallerIdentityResponse.GetCallerIdentityResult;
    assert.equal(result.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/eks-admin/EKSGetTokenAuth`);
    assert.match(result.UserId, /^AROA[A-Z2-7]{17}:EKSGetTokenAuth$/);
  });
});
