/**
 * EC2's query dialect through the real `@aws-sdk/client-ec2`: `Name.N` input lists named by
 * queryName / capitalized locationName, XML outputs with `<item>` lists named by locationName and
 * `<requestId>`, EC2's error document, 501 NotImplemented; raw requests get MissingParameter and
 * InvalidParameterValue.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateVpcCommand, DeleteVpcCommand, DescribeInstancesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { clientConfig, startTestServer, T0 } from './test-server.test-helper.js';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let ec2: EC2Client;

before(async () => {
  srv = await startTestServer();
  ec2 = new EC2Client(clientConfig(srv.url));
});
after(async () => {
  ec2.destroy();
  await srv.stop();
});

const form = (params: Record<string, string>) =>
  fetch(srv.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x' },
    body: new URLSearchParams({ Version: '2016-11-15', ...params }).toString(),
  });

describe('EC2 through @aws-sdk/client-ec2', () => {
  it('DescribeVpcs: input lists and filters, output item lists, nested sets and tags', async () => {
    const all = await ec2.send(new DescribeVpcsCommand({}));
    assert.deepEqual(all.Vpcs?.map((v) => v.VpcId), ['vpc-1', 'vpc-2']);
    const v = all.Vpcs![0]!;
    assert.equal(v.IsDefault, true);
    assert.deepEqual(v.Tags, [{ Key: 'Name', Value: 'default' }]);
    assert.equal(v.CidrBlockAssociationSet?.[0]?.CidrBlockState?.State, 'associated');
    assert.deepEqual(all.Vpcs![1]!.Tags, []);
    const byId = await ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-2'] }));
    assert.deepEqual(byId.Vpcs?.map((x) => x.VpcId), ['vpc-2']);
    const filtered = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }));
    assert.deepEqual(filtered.Vpcs?.map((x) => x.VpcId), ['vpc-1']);
  });

  it('DescribeInstances: reservations with timestamps', async () => {
    const out = await ec2.send(new DescribeInstancesCommand({}));
    const i = out.Reservations?.[0]?.Instances?.[0];
    assert.equal(i?.InstanceId, 'i-1');
    assert.equal(i?.LaunchTime?.getTime(), T0.getTime());
    assert.deepEqual(i?.State, { Code: 16, Name: 'running' });
  });

  it('errors carry EC2 codes such as InvalidVpcID.NotFound', async () => {
    const err = await ec2.send(new DeleteVpcCommand({ VpcId: 'vpc-404' })).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'InvalidVpcID.NotFound');
    assert.equal(err.message, "The vpc ID 'vpc-404' does not exist");
    assert.equal((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 400);
  });

  it('answers 501 NotImplemented for an operation without a handler', async () => {
    const err = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' })).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'NotImplemented');
    assert.equal((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 501);
    assert.equal(err.message, 'The operation CreateVpc of service ec2 is not implemented by eksplane yet');
  });
});

describe('EC2 raw requests', () => {
  it('the success document carries requestId first, in the 2016-11-15 namespace', async () => {
    const r = await form({ Action: 'DescribeVpcs', 'VpcId.1': 'vpc-1' });
    assert.equal(r.status, 200);
    const xml = await r.text();
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeVpcsResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]+<\/requestId><vpcSet><item><cidrBlockAssociationSet><item><associationId>a-1<\/associationId>.*<vpcId>vpc-1<\/vpcId>.*<\/item><\/vpcSet><\/DescribeVpcsResponse>$/);
  });

  it('a missing required parameter is MissingParameter', async () => {
    const r = await form({ Action: 'DeleteVpc' });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>MissingParameter<\/Code><Message>The request must contain the parameter VpcId<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]+<\/RequestID><\/Response>$/);
  });

  it('a bad enum or type is InvalidParameterValue', async () => {
    const r = await form({ Action: 'DescribeVpcAttribute', VpcId: 'vpc-1', Attribute: 'colour' });
    assert.match(await r.text(), /<Code>InvalidParameterValue<\/Code><Message>Value \(colour\) for parameter Attribute is invalid\. It must satisfy enum value set: \[/);
    const t = await form({ Action: 'DescribeVpcs', MaxResults: 'ten' });
    assert.match(await t.text(), /<Code>InvalidParameterValue<\/Code><Message>Value \(ten\) for parameter MaxResults is invalid/);
  });
});
