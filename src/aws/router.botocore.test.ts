/**
 * botocore is the reference client of the wire formats: boto3 (installed with the aws CLI on
 * every machine here) calls the test server for each protocol, and its parsers must accept our
 * JSON and XML — outputs, modeled errors with their fields, and 501 NotImplemented answers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer } from './test-server.test-helper.js';

const SCRIPT = String.raw`
import json, sys, boto3, botocore.config
from botocore.exceptions import ClientError
url = sys.argv[1]
cfg = botocore.config.Config(retries={"max_attempts": 1})
def client(name):
    return boto3.client(name, endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test", config=cfg)
def err(fn, **kw):
    try:
        fn(**kw)
        return None
    except ClientError as e:
        r = e.response
        return {"code": r["Error"]["Code"], "message": r["Error"].get("Message"), "status": r["ResponseMetadata"]["HTTPStatusCode"], "requestId": r["ResponseMetadata"].get("RequestId"), "clusterName": r.get("clusterName")}
out = {}
eks, kms, iam, sts, asg, ec2 = (client(n) for n in ["eks", "kms", "iam", "sts", "autoscaling", "ec2"])
c = eks.describe_cluster(name="alpha")["cluster"]
out["eks"] = {"clusters": eks.list_clusters()["clusters"], "createdAt": c["createdAt"].isoformat(), "tags": c["tags"], "subnets": c["resourcesVpcConfig"]["subnetIds"],
  "notFound": err(eks.describe_cluster, name="nope"), "notImplemented": err(eks.delete_cluster, name="alpha")}
k = kms.create_key(Description="d")["KeyMetadata"]
out["kms"] = {"created": k["CreationDate"].isoformat(), "state": k["KeyState"], "blob": kms.encrypt(KeyId="k", Plaintext=b"hi")["CiphertextBlob"].decode(),
  "notFound": err(kms.describe_key, KeyId="k-1"), "notImplemented": err(kms.list_keys)}
users = [u["UserName"] for p in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2}) for u in p["Users"]]
lu = iam.list_users(MaxItems=1)
out["iam"] = {"users": users, "created": lu["Users"][0]["CreateDate"].isoformat(), "tags": lu["Users"][0]["Tags"], "truncated": lu["IsTruncated"], "requestId": lu["ResponseMetadata"]["RequestId"],
  "roles": iam.list_roles()["Roles"], "noSuchEntity": err(iam.get_role, RoleName="ghost"), "notImplemented": err(iam.create_user, UserName="u")}
ident = sts.get_caller_identity()
out["sts"] = {"account": ident["Account"], "arn": ident["Arn"]}
g = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
out["autoscaling"] = {"name": g["AutoScalingGroupName"], "desired": g["DesiredCapacity"], "azs": g["AvailabilityZones"], "propagate": g["Tags"][0]["PropagateAtLaunch"]}
vpcs = ec2.describe_vpcs(Filters=[{"Name": "state", "Values": ["available"]}])
out["ec2"] = {"vpcs": [v["VpcId"] for v in vpcs["Vpcs"]], "tags": vpcs["Vpcs"][0]["Tags"], "default": vpcs["Vpcs"][0]["IsDefault"], "requestId": vpcs["ResponseMetadata"]["RequestId"],
  "launch": ec2.describe_instances()["Reservations"][0]["Instances"][0]["LaunchTime"].isoformat(),
  "notFound": err(ec2.delete_vpc, VpcId="vpc-404"), "notImplemented": err(ec2.create_vpc, CidrBlock="10.0.0.0/16")}
print(json.dumps(out))
`;

let srv: Awaited<ReturnType<typeof startTestServer>>;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.stop());

const notImplemented = (op: string, svc: string) => ({ code: 'NotImplemented', message: `The operation ${op} of service ${svc} is not implemented by eksplane yet`, status: 501 });

it('boto3 parses every protocol: outputs, modeled errors and NotImplemented', async () => {
  const { stdout } = await promisify(execFile)('python3', ['-c', SCRIPT, srv.url], { env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } });
  const out = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
  const strip = (e: unknown) => {
    const { requestId, clusterName, ...rest } = e as Record<string, unknown>;
    assert.ok(requestId, 'botocore found the request id');
    return clusterName === null ? rest : { ...rest, clusterName };
  };
  const { eks, kms, iam, sts, autoscaling, ec2 } = out as Record<string, Record<string, unknown>>;
  assert.deepEqual(eks!.clusters, ['alpha', 'beta']);
  assert.equal(eks!.createdAt, '2026-01-02T03:04:05.678000+00:00');
  assert.deepEqual(eks!.tags, { team: 'infra', env: 'test' });
  assert.deepEqual(eks!.subnets, ['subnet-1', 'subnet-2']);
  assert.deepEqual(strip(eks!.notFound), { code: 'ResourceNotFoundException', message: 'No cluster found for name: nope.', status: 404, clusterName: 'nope' });
  assert.deepEqual(strip(eks!.notImplemented), notImplemented('DeleteCluster', 'eks'));

  assert.equal(kms!.created, '2026-01-02T03:04:05.678000+00:00');
  assert.equal(kms!.state, 'Enabled');
  assert.equal(kms!.blob, 'enc:hi');
  assert.deepEqual(strip(kms!.notFound), { code: 'NotFoundException', message: "Key 'arn:aws:kms:us-east-1:000000000000:key/k-1' does not exist", status: 400 });
  assert.deepEqual(strip(kms!.notImplemented), notImplemented('ListKeys', 'kms'));

  assert.deepEqual(iam!.users, ['ann', 'bob', 'cyd']);
  assert.equal(iam!.created, '2026-01-02T03:04:05.678000+00:00');
  assert.deepEqual(iam!.tags, [{ Key: 'k', Value: 'ann' }]);
  assert.equal(iam!.truncated, true);
  assert.ok(iam!.requestId);
  assert.deepEqual(iam!.roles, []);
  assert.deepEqual(strip(iam!.noSuchEntity), { code: 'NoSuchEntity', message: 'The role with name ghost cannot be found.', status: 404 });
  assert.deepEqual(strip(iam!.notImplemented), notImplemented('CreateUser', 'iam'));

  assert.deepEqual(sts, { account: '000000000000', arn: 'arn:aws:iam::000000000000:root' });
  assert.deepEqual(autoscaling, { name: 'eks-ng-1', desired: 2, azs: ['us-east-1a', 'us-east-1b'], propagate: true });

  assert.deepEqual(ec2!.vpcs, ['vpc-1']);
  assert.deepEqual(ec2!.tags, [{ Key: 'Name', Value: 'default' }]);
  assert.equal(ec2!.default, true);
  assert.ok(ec2!.requestId);
  assert.equal(ec2!.launch, '2026-01-02T03:04:05.678000+00:00');
  assert.deepEqual(strip(ec2!.notFound), { code: 'InvalidVpcID.NotFound', message: "The vpc ID 'vpc-404' does not exist", status: 400 });
  assert.deepEqual(strip(ec2!.notImplemented), notImplemented('CreateVpc', 'ec2'));
});
