/**
 * rest-json through the real `@aws-sdk/client-eks`: outputs with nested shapes, timestamps, lists
 * and maps parse as the SDK expects; errors carry their code, HTTP status, message and EKS's context
 * fields; unimplemented operations answer 501 NotImplemented; raw requests get validation errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateClusterCommand, DeleteClusterCommand, DescribeClusterCommand, EKSClient, ListClustersCommand, ResourceNotFoundException, TagResourceCommand } from '@aws-sdk/client-eks';
import { clientConfig, startTestServer, T0 } from './test-server.test-helper.js';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let eks: EKSClient;

before(async () => {
  srv = await startTestServer();
  eks = new EKSClient(clientConfig(srv.url));
});
after(async () => {
  eks.destroy();
  await srv.stop();
});

describe('EKS (rest-json) through @aws-sdk/client-eks', () => {
  it('parses lists and query-string inputs', async () => {
    const first = await eks.send(new ListClustersCommand({}));
    assert.deepEqual(first.clusters, ['alpha', 'beta']);
    assert.equal(first.nextToken, 'page2');
    const second = await eks.send(new ListClustersCommand({ nextToken: 'page2', maxResults: 10 }));
    assert.equal(second.nextToken, undefined);
    assert.equal(second.$metadata.httpStatusCode, 200);
    assert.ok(second.$metadata.requestId);
  });

  it('parses nested shapes, timestamps as Dates and maps', async () => {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'alpha' }));
    assert.ok(cluster);
    assert.ok(cluster.createdAt instanceof Date);
    assert.equal(cluster.createdAt.getTime(), T0.getTime());
    assert.equal(cluster.arn, 'arn:aws:eks:us-east-1:000000000000:cluster/alpha');
    assert.deepEqual(cluster.resourcesVpcConfig?.subnetIds, ['subnet-1', 'subnet-2']);
    assert.deepEqual(cluster.logging?.clusterLogging?.[0], { types: ['api', 'audit'], enabled: false });
    assert.deepEqual(cluster.tags, { team: 'infra', env: 'test' });
    assert.equal((cluster as Record<string, unknown>).undeclared, undefined);
  });

  it('answers errors with code, status, message and context fields', async () => {
    const err = await eks.send(new DescribeClusterCommand({ name: 'nope' })).catch((e: unknown) => e);
    assert.ok(err instanceof ResourceNotFoundException);
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(err.message, 'No cluster found for name: nope.');
    assert.equal(err.clusterName, 'nope');
  });

  it('turns a handler bug into a 500 InternalFailure without leaking its text', async () => {
    const err = await eks.send(new CreateClusterCommand({ name: 'x', roleArn: 'arn:aws:iam::000000000000:role/r', resourcesVpcConfig: {} })).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'InternalFailure');
    assert.equal((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 500);
    assert.doesNotMatch(err.message, /boom/);
  });

  it('decodes a resource ARN label with slashes and colons', async () => {
    const out = await eks.send(new TagResourceCommand({ resourceArn: 'arn:aws:eks:us-east-1:000000000000:cluster/alpha', tags: { a: 'b' } }));
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  it('answers 501 NotImplemented naming an unimplemented operation', async () => {
    const err = await eks.send(new DeleteClusterCommand({ name: 'alpha' })).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'NotImplemented');
    assert.equal((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 501);
    assert.equal(err.message, 'The operation DeleteCluster of service eks is not implemented by eksplane yet');
  });
});

describe('EKS (rest-json) raw requests', () => {
  const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/eks/aws4_request, SignedHeaders=host, Signature=x', 'content-type': 'application/json' };

  it('a missing required body member is InvalidParameterException with EKS wording and context fields', async () => {
    const r = await fetch(`${srv.url}/clusters/alpha/updates`, { method: 'POST', headers: signed, body: '{}' });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('x-amzn-errortype'), 'InvalidParameterException');
    assert.ok(r.headers.get('x-amzn-requestid'));
    assert.deepEqual(await r.json(), { clusterName: null, nodegroupName: null, fargateProfileName: null, addonName: null, subscriptionId: null, message: 'version is required' });
  });

  it('range, length and enum violations use the Coral wording', async () => {
    const r = await fetch(`${srv.url}/clusters?maxResults=1000`, { headers: signed });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { message: string }).message, "1 validation error detected: Value '1000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100");
    const body = JSON.stringify({ addonName: 'vpc-cni', resolveConflicts: 'bogus' });
    const a = await fetch(`${srv.url}/clusters/alpha/addons`, { method: 'POST', headers: signed, body });
    assert.equal(a.headers.get('x-amzn-errortype'), 'InvalidParameterException');
    assert.equal(((await a.json()) as { message: string }).message, "1 validation error detected: Value 'bogus' at 'resolveConflicts' failed to satisfy constraint: Member must satisfy enum value set: [OVERWRITE, NONE, PRESERVE]");
  });

  it('malformed JSON and wrong types are SerializationException', async () => {
    const bad = await fetch(`${srv.url}/clusters`, { method: 'POST', headers: signed, body: '{"name": ' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-amzn-errortype'), 'SerializationException');
    const typed = await fetch(`${srv.url}/clusters`, { method: 'POST', headers: signed, body: '{"name": 5, "roleArn": "r", "resourcesVpcConfig": {}}' });
    assert.equal(typed.headers.get('x-amzn-errortype'), 'SerializationException');
    assert.match(((await typed.json()) as { message: string }).message, /'name'/);
  });

  it('an unknown route is 404 UnknownOperationException; an unknown service is 400 UnknownService', async () => {
    const r = await fetch(`${srv.url}/no/such/route`, { headers: signed });
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    const s3 = await fetch(`${srv.url}/bucket`, { headers: { authorization: signed.authorization.replace('/eks/', '/s3/') } });
    assert.equal(s3.status, 400);
    assert.equal(s3.headers.get('x-amzn-errortype'), 'UnknownService');
  });

  it('finds the service of an unsigned request from its path', async () => {
    const r = await fetch(`${srv.url}/clusters`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { clusters: ['alpha', 'beta'], nextToken: 'page2' });
  });
});
