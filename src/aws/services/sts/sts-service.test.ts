/**
 * STS through @aws-sdk/client-sts with SigV4-signed requests checked by the real authenticator:
 * caller identities of root, users and role sessions; AssumeRole with trust checks and temporary
 * credentials that sign later calls (to STS, KMS and IAM under the role's policies); GetSessionToken;
 * AssumeRoleWithWebIdentity (unsigned) against a registered OIDC provider; STS's errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { Principal } from '../../types.js';
import { ACCOUNT, type Creds, failure, startServicesServer, type ServicesServer } from '../iam/services.test-helper.js';

let srv: ServicesServer;
let sts: STSClient;
let root: Principal;

before(async () => {
  // IamState cannot issue web-identity sessions yet: this stand-in issues them through AssumeRole as
  // the root user, so the test roles' trust policies also name the account (see sts-service.ts).
  srv = await startServicesServer({ sessions: (iam) => ({ issueRoleSession: (arn, name, seconds, opts) => iam.assumeRole(root, arn, name, seconds, opts) }) });
  root = (await srv.iam.resolveAccessKey('test'))!.principal;
  sts = new STSClient(srv.config());
});
after(async () => {
  sts.destroy();
  await srv.stop();
});

async function expectError(p: Promise<unknown>, name: string, status: number, message?: string) {
  const e = await failure(p);
  assert.equal(e.name, name, e.message);
  assert.equal(e.$metadata?.httpStatusCode, status);
  if (message !== undefined) assert.equal(e.message, message);
}

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const sessionCreds = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Creds => ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

describe('STS', () => {
  it('answers GetCallerIdentity for root and for users', async () => {
    assert.deepEqual(await identity(sts), { UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    const creds = await srv.user('carol');
    const asCarol = new STSClient(srv.config(creds));
    const id = await identity(asCarol);
    asCarol.destroy();
    assert.equal(id.Arn, `arn:aws:iam::${ACCOUNT}:user/carol`);
    assert.match(id.UserId!, /^AIDA/);
  });

  it('assumes a role that trusts the caller; the session signs calls allowed by the role\'s policies', async () => {
    const dev = await srv.user('dev');
    await srv.iam.createRole(ACCOUNT, { roleName: 'kms-admin', assumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/dev` }, Action: 'sts:AssumeRole' }]) });
    await srv.iam.putInlinePolicy(ACCOUNT, 'role', 'kms-admin', 'kms', doc([{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]));
    const asDev = new STSClient(srv.config(dev));
    const out = await asDev.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/kms-admin`, RoleSessionName: 'alice@example.com', DurationSeconds: 900 }));
    asDev.destroy();
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/kms-admin/alice@example.com`);
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:alice@example\.com$/);
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    assert.ok(Math.abs(out.Credentials!.Expiration!.getTime() - (Date.now() + 900_000)) < 60_000);

    const creds = sessionCreds(out.Credentials);
    const asRole = new STSClient(srv.config(creds));
    const id = await identity(asRole);
    assert.deepEqual([id.Arn, id.UserId], [out.AssumedRoleUser?.Arn, out.AssumedRoleUser?.AssumedRoleId]);
    await expectError(asRole.send(new GetSessionTokenCommand({})), 'AccessDenied', 403, 'Cannot call GetSessionToken with session credentials');
    asRole.destroy();
    const kms = new KMSClient(srv.config(creds));
    assert.ok((await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId);
    kms.destroy();
    const iam = new IAMClient(srv.config(creds));
    await expectError(iam.send(new ListRolesCommand({})), 'AccessDenied', 403,
      `User: ${out.AssumedRoleUser?.Arn} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${ACCOUNT}:role/ because no identity-based policy allows the iam:ListRoles action`);
    const tampered = new STSClient(srv.config({ ...creds, sessionToken: 'wrong' }));
    await expectError(tampered.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
    tampered.destroy();
    iam.destroy();
  });

  it('refuses roles that do not trust the caller, and bad durations', async () => {
    const eve = await srv.user('eve', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await srv.iam.createRole(ACCOUNT, { roleName: 'private', assumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }]) });
    const asEve = new STSClient(srv.config(eve));
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/private`;
    const denied = await failure(asEve.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1' })));
    assert.deepEqual([denied.name, denied.$metadata?.httpStatusCode], ['AccessDenied', 403]);
    assert.match(denied.message, new RegExp(`^User: arn:aws:iam::${ACCOUNT}:user/eve is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/private`));
    await expectError(asEve.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/none`, RoleSessionName: 's1' })), 'AccessDenied', 403);
    asEve.destroy();
    await srv.iam.createRole(ACCOUNT, { roleName: 'short', assumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }]) });
    await expectError(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/short`, RoleSessionName: 's1', DurationSeconds: 100 })), 'ValidationError', 400,
      "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
    await expectError(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/short`, RoleSessionName: 's1', DurationSeconds: 7200 })), 'ValidationError', 400,
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  });

  it('issues session tokens acting as the same user', async () => {
    const frank = await srv.user('frank');
    const asFrank = new STSClient(srv.config(frank));
    const out = await asFrank.send(new GetSessionTokenCommand({ DurationSeconds: 1800 }));
    asFrank.destroy();
    const asSession = new STSClient(srv.config(sessionCreds(out.Credentials)));
    assert.equal((await identity(asSession)).Arn, `arn:aws:iam::${ACCOUNT}:user/frank`);
    asSession.destroy();
    await expectError(sts.send(new GetSessionTokenCommand({ DurationSeconds: 7200 })), 'ValidationError', 400,
      "1 validation error detected: Value '7200' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600");
  });
});

describe('STS authentication', () => {
  it('lets only the web-identity operations through unsigned', async () => {
    const post = (action: string) => fetch(srv.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=${action}&Version=2011-06-15` });
    const res = await post('GetCallerIdentity');
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    const web = await post('AssumeRoleWithWebIdentity');
    assert.equal(web.status, 400);
    assert.match(await web.text(), /<Code>ValidationError<\/Code>/);
  });
});

describe('STS AssumeRoleWithWebIdentity', () => {
  const issuer = 'https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF';
  const host = issuer.slice('https://'.length);
  const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`;
  const jwt = (claims: object) => [{ alg: 'RS256', kid: 'k1' }, claims].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') + '.c2lnbmF0dXJl';
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (over: object = {}) => ({ iss: issuer, sub: 'system:serviceaccount:default:app', aud: ['sts.amazonaws.com'], exp: now() + 3600, ...over });
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/irsa`;

  before(async () => {
    await srv.iam.createOpenIdConnectProvider(ACCOUNT, { url: issuer, clientIdList: ['sts.amazonaws.com'], thumbprintList: [] });
    await srv.iam.createRole(ACCOUNT, {
      roleName: 'irsa',
      assumeRolePolicyDocument: doc([
        { Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${host}:sub`]: 'system:serviceaccount:default:app', [`${host}:aud`]: 'sts.amazonaws.com' } } },
        { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
      ]),
    });
  });

  const anonymous = () => new STSClient({ endpoint: srv.url, region: 'us-east-1', maxAttempts: 1, credentials: async () => { throw new Error('no credentials needed'); } });

  it('exchanges a token of a registered issuer for role credentials, without signing', async () => {
    const client = anonymous();
    const out = await client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'pod-1', WebIdentityToken: jwt(claims()) }));
    client.destroy();
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/irsa/pod-1`);
    assert.deepEqual([out.SubjectFromWebIdentityToken, out.Provider, out.Audience], ['system:serviceaccount:default:app', issuer, 'sts.amazonaws.com']);
    const asPod = new STSClient(srv.config(sessionCreds(out.Credentials)));
    assert.equal((await identity(asPod)).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/irsa/pod-1`);
    asPod.destroy();
  });

  it('refuses unknown issuers, other audiences, expired tokens, untrusted subjects and garbage', async () => {
    const client = anonymous();
    const call = (token: string) => client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'pod-1', WebIdentityToken: token }));
    const other = 'https://oidc.eks.us-east-1.amazonaws.com/id/FFFF';
    await expectError(call(jwt(claims({ iss: other }))), 'InvalidIdentityTokenException', 400, `No OpenIDConnect provider found in your account for ${other}`);
    await expectError(call(jwt(claims({ aud: 'someone-else' }))), 'InvalidIdentityTokenException', 400, 'Incorrect token audience');
    const exp = now() - 10;
    const expired = await failure(call(jwt(claims({ exp }))));
    assert.deepEqual([expired.name, expired.$metadata?.httpStatusCode], ['ExpiredTokenException', 400]);
    assert.match(expired.message, new RegExp(`^Token expired: current date/time \\d+ must be before the expiration date/time ${exp}$`));
    await expectError(call(jwt(claims({ sub: 'system:serviceaccount:default:other' }))), 'AccessDenied', 403, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    await expectError(call('not.a-jwt'), 'InvalidIdentityTokenException', 400);
    client.destroy();
  });
});

async function identity(client: STSClient) {
  const { UserId, Account, Arn } = await client.send(new GetCallerIdentityCommand({}));
  return { UserId, Account, Arn };
}


