import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { ManualClock } from '../../lib/clock.js';
import { openMemoryStore } from '../../store/memory/memory-store.js';
import { AwsError } from '../types.js';
import { canonicalizeArn, createEksToken, EKS_TOKEN_PREFIX, verifyEksToken, verifyPresignedStsUrl } from './eks-token.js';
import { IamState } from './iam-state.js';

const A = '000000000000';

/** Runs the real `aws eks get-token` with only these credentials in its environment. */
function awsGetToken(cluster: string, env: Record<string, string>): string {
  const r = spawnSync('aws', ['eks', 'get-token', '--cluster-name', cluster, '--region', 'us-east-1', '--output', 'json'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { kind: string; status: { token: string } };
  assert.equal(out.kind, 'ExecCredential');
  return out.status.token;
}

function decode(token: string): string {
  return Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8');
}

describe('aws eks get-token tokens', () => {
  const clock = new ManualClock(Date.now());
  let iam: IamState;
  let key: { accessKeyId: string; secretAccessKey: string };

  before(async () => {
    iam = new IamState(await openMemoryStore(), { clock });
    await iam.createUser(A, { userName: 'dev' });
    key = await iam.createAccessKey(A, 'dev');
  });

  it('verifies a real CLI token as a presigned STS GetCallerIdentity with x-k8s-aws-id', async () => {
    const token = awsGetToken('demo', { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey });
    const url = decode(token);
    assert.match(url, /^https:\/\/sts\.us-east-1\.amazonaws\.com\/\?Action=GetCallerIdentity&Version=2011-06-15&.*X-Amz-SignedHeaders=host%3Bx-k8s-aws-id/);
    const principal = await verifyPresignedStsUrl(url, { 'x-k8s-aws-id': 'demo' }, { iam, clock });
    assert.equal(principal.arn, `arn:aws:iam::${A}:user/dev`);
    const res = await verifyEksToken(token, { iam, clock, clusterId: 'demo' });
    assert.ok(res.ok, JSON.stringify(res));
    assert.equal(res.identity.canonicalArn, `arn:aws:iam::${A}:user/dev`);
    assert.equal(res.identity.accessKeyId, key.accessKeyId);
    assert.equal(res.identity.userId.slice(0, 4), 'AIDA');
  });

  it('binds the token to its cluster and to 15 minutes (X-Amz-Expires=60 is ignored, as STS does)', async () => {
    const token = awsGetToken('demo', { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey });
    const other = await verifyEksToken(token, { iam, clock, clusterId: 'other' });
    assert.equal(other.ok, false);
    assert.match(!other.ok ? other.reason : '', /^SignatureDoesNotMatch: The request signature we calculated/);
    const at = (ms: number) => new ManualClock(clock.now() + ms);
    assert.equal((await verifyEksToken(token, { iam, clock: at(10 * 60_000), clusterId: 'demo' })).ok, true);
    const late = await verifyEksToken(token, { iam, clock: at(16 * 60_000), clusterId: 'demo' });
    assert.match(!late.ok ? late.reason : '', /^SignatureDoesNotMatch: Signature expired: \d{8}T\d{6}Z is now earlier than/);
    await assert.rejects(verifyPresignedStsUrl(decode(token), {}, { iam, clock: at(16 * 60_000), clusterId: 'demo' }), (e: AwsError) => e.code === 'SignatureDoesNotMatch' && e.status === 403);
  });

  it('accepts tokens for the emulator\'s own http endpoint and session credentials', async () => {
    await iam.createRole(A, { roleName: 'admins', assumeRolePolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' }] }) });
    const root = (await iam.resolveAccessKey('test'))!.principal;
    const { credentials: c } = await iam.assumeRole(root, `arn:aws:iam::${A}:role/admins`, 'alice@example.com');
    const token = awsGetToken('demo', { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_SESSION_TOKEN: c.sessionToken, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566' });
    assert.match(decode(token), /^http:\/\/127\.0\.0\.1:4566\/\?Action=GetCallerIdentity&.*X-Amz-Security-Token=/);
    const res = await verifyEksToken(token, { iam, clock, clusterId: 'demo' });
    assert.ok(res.ok, JSON.stringify(res));
    assert.equal(res.identity.arn, `arn:aws:sts::${A}:assumed-role/admins/alice@example.com`);
    assert.equal(res.identity.canonicalArn, `arn:aws:iam::${A}:role/admins`);
    assert.equal(res.identity.sessionName, 'alice@example.com');
    assert.equal(res.identity.userId.slice(0, 4), 'AROA');
  });

  it('refuses malformed tokens with aws-iam-authenticator\'s reasons', async () => {
    const good = createEksToken({ accessKeyId: 'test', secretAccessKey: 'test' }, 'demo', 'us-east-1', { date: clock.now() });
    assert.equal((await verifyEksToken(good, { iam, clock, clusterId: 'demo' })).ok, true);
    const url = decode(good);
    const tok = (u: string) => EKS_TOKEN_PREFIX + Buffer.from(u).toString('base64url');
    const reason = async (t: string) => {
      const r = await verifyEksToken(t, { iam, clock, clusterId: 'demo' });
      assert.equal(r.ok, false);
      return r.ok ? '' : r.reason;
    };
    assert.match(await reason('Bearer ' + good), /missing expected "k8s-aws-v1\." prefix/);
    assert.match(await reason(EKS_TOKEN_PREFIX + 'x'.repeat(5000)), /too large/);
    assert.match(await reason(EKS_TOKEN_PREFIX + '!!!'), /illegal base64/);
    assert.match(await reason(tok(url + '&Foo=bar')), /non-whitelisted query parameter "Foo"/);
    assert.match(await reason(tok(url + '&Action=GetCallerIdentity')), /multiple values/);
    assert.match(await reason(tok(url.replace('Action=GetCallerIdentity', 'Action=GetSessionToken'))), /unexpected action/);
    assert.match(await reason(tok(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=901'))), /invalid X-Amz-Expires/);
    assert.match(await reason(tok(url.replace('https:', 'ftp:'))), /unexpected scheme/);
    const noHeader = createEksToken({ accessKeyId: 'test', secretAccessKey: 'test' }, 'demo', 'us-east-1', { date: clock.now() });
    assert.match(await reason(tok(decode(noHeader).replace('host%3Bx-k8s-aws-id', 'host'))), /did not sign the x-k8s-aws-id header/);
    assert.match(await reason(createEksToken({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }, 'demo', 'us-east-1')), /^InvalidClientTokenId: The security token included in the request is invalid\.$/);
  });

  it('canonicalizes assumed-role ARNs as aws-iam-authenticator', () => {
    assert.equal(canonicalizeArn('arn:aws:sts::111122223333:assumed-role/my-role/i-0abc'), 'arn:aws:iam::111122223333:role/my-role');
    assert.equal(canonicalizeArn('arn:aws:iam::111122223333:user/admin'), 'arn:aws:iam::111122223333:user/admin');
    assert.equal(canonicalizeArn('arn:aws:iam::111122223333:root'), 'arn:aws:iam::111122223333:root');
  });
});
