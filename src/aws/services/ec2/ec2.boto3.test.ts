/**
 * A few EC2 calls through boto3 (a python3 subprocess), the client many users drive EKS tooling
 * with: the default VPC, VPC and subnet creation with an error's code and message, RunInstances and
 * a filtered DescribeInstances, and the instance_running waiter.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, it } from 'node:test';
import { startEc2Server, type Ec2TestServer } from './test-helper.js';

let srv: Ec2TestServer;

before(async () => {
  srv = await startEc2Server();
});
after(async () => {
  await srv.stop();
});

const SCRIPT = `
import json, sys, threading, boto3, botocore
ec2 = boto3.client('ec2', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')
out = {}
vpcs = ec2.describe_vpcs(Filters=[{'Name': 'is-default', 'Values': ['true']}])['Vpcs']
out['default'] = [v['CidrBlock'] for v in vpcs]
out['zones'] = sorted(s['AvailabilityZone'] for s in ec2.describe_subnets(Filters=[{'Name': 'default-for-az', 'Values': ['true']}])['Subnets'])
vpc = ec2.create_vpc(CidrBlock='10.20.0.0/16')['Vpc']['VpcId']
sub = ec2.create_subnet(VpcId=vpc, CidrBlock='10.20.1.0/24', AvailabilityZone='us-east-1c')['Subnet']
out['subnet'] = [sub['AvailabilityZone'], sub['AvailableIpAddressCount']]
try:
    ec2.create_subnet(VpcId=vpc, CidrBlock='10.20.1.0/25')
except botocore.exceptions.ClientError as e:
    out['error'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
res = ec2.run_instances(ImageId='ami-0123456789abcdef0', InstanceType='t3.medium', MinCount=2, MaxCount=2, SubnetId=sub['SubnetId'],
                        TagSpecifications=[{'ResourceType': 'instance', 'Tags': [{'Key': 'Name', 'Value': 'boto'}]}])
ids = [i['InstanceId'] for i in res['Instances']]
out['ips'] = [i['PrivateIpAddress'] for i in res['Instances']]
print(json.dumps(out), flush=True)
sys.stdin.readline()
ec2.get_waiter('instance_running').wait(InstanceIds=ids, WaiterConfig={'Delay': 0, 'MaxAttempts': 50})
found = ec2.describe_instances(Filters=[{'Name': 'tag:Name', 'Values': ['boto']}, {'Name': 'instance-state-name', 'Values': ['running']}])
print(json.dumps({'running': sorted(i['InstanceId'] for r in found['Reservations'] for i in r['Instances']) == sorted(ids)}))
`;

it('boto3 sees the default VPC, creates a subnet, gets EC2 errors, launches and waits for running', async () => {
  const child = spawn('python3', ['-c', SCRIPT, srv.url], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.split('\n').length === 2) {
      // The instances are pending; move the clock so the waiter sees them running.
      srv.clock.advance(1000);
      child.stdin.write('\n');
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  const [first, second] = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(first!.default, ['172.31.0.0/16']);
  assert.deepEqual(first!.zones, ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
  assert.deepEqual(first!.subnet, ['us-east-1c', 251]);
  assert.deepEqual(first!.error, ['InvalidSubnet.Conflict', "The CIDR '10.20.1.0/25' conflicts with another subnet", 400]);
  assert.deepEqual(first!.ips, ['10.20.1.4', '10.20.1.5']);
  assert.deepEqual(second, { running: true });
});
