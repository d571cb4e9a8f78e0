/**
 * The router's injected identity: the authenticator sees the raw request and the target the
 * router found; a refusing authorizer yields each service's access-denied error; an AwsError thrown
 * by either reaches the client in the protocol's shape. Also STS's JSON answer for `Accept: application/json`.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AuthRequest } from './router.js';
import { clientConfig, startTestServer } from './test-server.test-helper.js';
import { AwsError } from './types.js';

let srv: Awaited<ReturnType<typeof startTestServer>>;
const seen: { target: { service: string; operation: string }; path: string; action?: string; arn?: string }[] = [];

before(async () => {
  srv = await startTestServer({
    async authenticate(req: AuthRequest, target) {
      seen.push({ target, path: req.path });
      if (String(req.headers.authorization ?? '').includes('Credential=bad/')) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
      return { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/dev', userId: 'AIDADEV', accessKeyId: 'AKIADEV', unrestricted: false };
    },
    async authorize(_p, action, arn) {
      seen.push({ target: { service: '', operation: '' }, path: '', action, arn });
      return !action.startsWith('ec2:') && !action.endsWith('DescribeCluster');
    },
  });
});
after(() => srv.stop());

it('passes the target to the authenticator and the principal to handlers', async () => {
  const sts = new STSClient(clientConfig(srv.url));
  const id = await sts.send(new GetCallerIdentityCommand({}));
  assert.deepEqual([id.Account, id.Arn, id.UserId], ['111122223333', 'arn:aws:iam::111122223333:user/dev', 'AIDADEV']);
  assert.deepEqual(seen.find((s) => s.target.operation === 'GetCallerIdentity')?.target, { service: 'sts', operation: 'GetCallerIdentity' });
  assert.ok(seen.some((s) => s.action === 'sts:GetCallerIdentity'));
  sts.destroy();
});

it('a refusing authorizer yields the service access-denied error', async () => {
  const eks = new EKSClient(clientConfig(srv.url));
  const err = (await eks.send(new DescribeClusterCommand({ name: 'alpha' })).catch((e: unknown) => e)) as Error & { $metadata: { httpStatusCode: number } };
  assert.equal(err.name, 'AccessDeniedException');
  assert.equal(err.$metadata.httpStatusCode, 403);
  assert.equal(err.message, 'User: arn:aws:iam::111122223333:user/dev is not authorized to perform: eks:DescribeCluster on resource: *');
  const ec2 = new EC2Client(clientConfig(srv.url));
  const e2 = (await ec2.send(new DescribeVpcsCommand({})).catch((e: unknown) => e)) as Error;
  assert.equal(e2.name, 'UnauthorizedOperation');
  eks.destroy();
  ec2.destroy();
});

it('an AwsError from the authenticator reaches the client', async () => {
  const eks = new EKSClient({ ...clientConfig(srv.url), credentials: { accessKeyId: 'bad', secretAccessKey: 'x' } });
  const err = (await eks.send(new DescribeClusterCommand({ name: 'alpha' })).catch((e: unknown) => e)) as Error & { $metadata: { httpStatusCode: number } };
  assert.equal(err.name, 'UnrecognizedClientException');
  assert.equal(err.$metadata.httpStatusCode, 403);
  eks.destroy();
});

it('STS answers JSON when asked with Accept: application/json', async () => {
  const r = await fetch(`${srv.url}/?Action=GetCallerIdentity&Version=2011-06-15`, { headers: { accept: 'application/json' } });
  assert.equal(r.status, 200);
  const body = (await r.json()) as { GetCallerIdentityResponse: { GetCallerIdentityResult: Record<string, string>; ResponseMetadata: { RequestId: string } } };
  assert.deepEqual(body.GetCallerIdentityResponse.GetCallerIdentityResult, { UserId: 'AIDADEV', Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/dev' });
  assert.equal(body.GetCallerIdentityResponse.ResponseMetadata.RequestId, r.headers.get('x-amzn-requestid'));
});
