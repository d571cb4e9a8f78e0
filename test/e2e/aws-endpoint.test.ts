/**
 * `eksplane server` answers /healthz, and AWS operations it does not implement yet get the
 * protocol's own error with HTTP 501 naming the operation, as the real aws CLI shows it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';

const ROOT = new URL('../..', import.meta.url).pathname;
let url = '';
let dir = '';
let proc: ReturnType<typeof spawn>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eksplane-aws-'));
  proc = spawn(process.execPath, [join(ROOT, 'bin/eksplane.js'), 'server', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
});

after(() => {
  proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const awsAs = (key: string, secret: string, ...args: string[]) =>
  spawnSync('aws', ['--endpoint-url', url, '--region', 'us-east-1', ...args], {
    encoding: 'utf8',
    env: { ...process.env, AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: secret, AWS_MAX_ATTEMPTS: '1', HOME: dir },
  });
const aws = (...args: string[]) => awsAs('test', 'test', ...args);

it('answers /healthz', async () => {
  const r = await fetch(`${url}/healthz`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok' });
});

it('names the operation it does not implement, in each protocol', () => {
  const ec2 = aws('ec2', 'describe-flow-logs');
  assert.notEqual(ec2.status, 0);
  assert.match(ec2.stderr, /\(NotImplemented\).*DescribeFlowLogs of service ec2 is not implemented by eksplane yet/);
  const eks = aws('eks', 'list-insights', '--cluster-name', 'x');
  assert.match(eks.stderr, /\(NotImplemented\).*ListInsights/);
});

it('runs a cluster\'s life through the aws CLI: IAM role, default VPC subnets, create, wait, kubectl, node group, delete', async () => {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = aws('iam', 'create-role', '--role-name', 'eks-cluster', '--assume-role-policy-document', trust);
  assert.equal(role.status, 0, role.stderr);
  const roleArn = JSON.parse(role.stdout).Role.Arn as string;
  const subnets = JSON.parse(aws('ec2', 'describe-subnets', '--filters', 'Name=default-for-az,Values=true').stdout).Subnets as { SubnetId: string; AvailabilityZone: string }[];
  assert.ok(subnets.length >= 3, 'a default subnet per AZ');
  const ids = subnets.slice(0, 2).map((x) => x.SubnetId).join(',');
  const created = aws('eks', 'create-cluster', '--name', 'demo', '--role-arn', roleArn, '--resources-vpc-config', `subnetIds=${ids}`);
  assert.equal(created.status, 0, created.stderr);
  assert.equal(JSON.parse(created.stdout).cluster.status, 'CREATING');
  // botocore's cluster_active waiter sleeps 30 s after a CREATING answer; poll faster here.
  for (let i = 0; i < 80 && JSON.parse(aws('eks', 'describe-cluster', '--name', 'demo').stdout).cluster.status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 250));
  const cluster = JSON.parse(aws('eks', 'describe-cluster', '--name', 'demo').stdout).cluster;
  assert.equal(cluster.status, 'ACTIVE');
  assert.match(cluster.endpoint, /^https:\/\//);
  assert.ok(cluster.certificateAuthority.data.length > 100);
  assert.deepEqual(JSON.parse(aws('eks', 'list-clusters').stdout).clusters, ['demo']);

  // The cluster is a real Kubernetes API: update-kubeconfig, then kubectl with `aws eks get-token` tokens.
  const kubeconfig = join(dir, 'kubeconfig');
  assert.equal(aws('eks', 'update-kubeconfig', '--name', 'demo', '--kubeconfig', kubeconfig).status, 0);
  const kubectlAs = (key: string, secret: string, ...args: string[]) =>
    spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { ...process.env, HOME: join(dir, 'kube-home'), AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: secret, AWS_DEFAULT_REGION: 'us-east-1' } });
  const ns = kubectlAs('test', 'test', 'get', 'ns', 'kube-system', '-o', 'name');
  assert.equal(ns.stdout.trim(), 'namespace/kube-system', ns.stderr);
  assert.equal(kubectlAs('test', 'test', 'create', 'configmap', 'hello', '--from-literal=a=b').status, 0);
  const who = kubectlAs('test', 'test', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}');
  assert.equal(who.stdout, 'kubernetes-admin', 'the creator, mapped as EKS does in CONFIG_MAP mode');
  // An IAM user without an access entry is not let in, as on EKS.
  assert.equal(aws('iam', 'create-user', '--user-name', 'stranger').status, 0);
  const key = JSON.parse(aws('iam', 'create-access-key', '--user-name', 'stranger').stdout).AccessKey;
  const refused = kubectlAs(key.AccessKeyId, key.SecretAccessKey, 'get', 'ns');
  assert.match(refused.stderr, /You must be logged in to the server \(Unauthorized\)/);
  // With an access entry and the view policy it may read but not write (API_AND_CONFIG_MAP mode first).
  const modeUpdate = aws('eks', 'update-cluster-config', '--name', 'demo', '--access-config', 'authenticationMode=API_AND_CONFIG_MAP');
  assert.equal(modeUpdate.status, 0, modeUpdate.stderr);
  for (let i = 0; i < 80 && JSON.parse(aws('eks', 'describe-cluster', '--name', 'demo').stdout).cluster.accessConfig.authenticationMode !== 'API_AND_CONFIG_MAP'; i++) await new Promise((r) => setTimeout(r, 250));
  const userArn = 'arn:aws:iam::000000000000:user/stranger';
  assert.equal(aws('eks', 'create-access-entry', '--cluster-name', 'demo', '--principal-arn', userArn).status, 0);
  const assoc = aws('eks', 'associate-access-policy', '--cluster-name', 'demo', '--principal-arn', userArn, '--policy-arn', 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', '--access-scope', 'type=cluster');
  assert.equal(assoc.status, 0, assoc.stderr);
  const reads = kubectlAs(key.AccessKeyId, key.SecretAccessKey, 'get', 'configmap', 'hello', '-o', 'name');
  assert.equal(reads.stdout.trim(), 'configmap/hello', reads.stderr);
  const writes = kubectlAs(key.AccessKeyId, key.SecretAccessKey, 'create', 'configmap', 'nope');
  assert.match(writes.stderr, /configmaps is forbidden: User "arn:aws:iam::000000000000:user\/stranger" cannot create resource "configmaps" in API group "" in the namespace "default"/);
  const canI = kubectlAs(key.AccessKeyId, key.SecretAccessKey, 'auth', 'can-i', 'create', 'pods');
  assert.equal(canI.stdout.trim(), 'no');
  const dup = aws('eks', 'create-cluster', '--name', 'demo', '--role-arn', roleArn, '--resources-vpc-config', `subnetIds=${ids}`);
  assert.match(dup.stderr, /\(ResourceInUseException\).*Cluster already exists with name: demo/);
  // A managed node group: an Auto Scaling group whose instances appear in EC2.
  const nodeTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const nodeRole = JSON.parse(aws('iam', 'create-role', '--role-name', 'eks-node', '--assume-role-policy-document', nodeTrust).stdout).Role.Arn as string;
  const ng = aws('eks', 'create-nodegroup', '--cluster-name', 'demo', '--nodegroup-name', 'ng1', '--node-role', nodeRole, '--subnets', ...subnets.slice(0, 2).map((x) => x.SubnetId), '--scaling-config', 'minSize=1,maxSize=4,desiredSize=2');
  assert.equal(ng.status, 0, ng.stderr);
  let status = '';
  for (let i = 0; i < 60 && status !== 'ACTIVE'; i++) {
    status = JSON.parse(aws('eks', 'describe-nodegroup', '--cluster-name', 'demo', '--nodegroup-name', 'ng1').stdout).nodegroup.status;
    if (status !== 'ACTIVE') await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(status, 'ACTIVE');
  const asgName = JSON.parse(aws('eks', 'describe-nodegroup', '--cluster-name', 'demo', '--nodegroup-name', 'ng1').stdout).nodegroup.resources.autoScalingGroups[0].name as string;
  const asg = JSON.parse(aws('autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', asgName).stdout).AutoScalingGroups[0];
  assert.equal(asg.DesiredCapacity, 2);
  const reservations = JSON.parse(aws('ec2', 'describe-instances', '--filters', 'Name=tag:eks:nodegroup-name,Values=ng1').stdout).Reservations as { Instances: { PrivateIpAddress: string }[] }[];
  assert.ok(reservations.flatMap((r) => r.Instances).length >= 1, 'node group instances are in EC2');
  const inUse = aws('eks', 'delete-cluster', '--name', 'demo');
  assert.match(inUse.stderr, /\(ResourceInUseException\)/);
  assert.equal(aws('eks', 'delete-nodegroup', '--cluster-name', 'demo', '--nodegroup-name', 'ng1').status, 0);
  for (let i = 0; i < 60 && aws('eks', 'describe-nodegroup', '--cluster-name', 'demo', '--nodegroup-name', 'ng1').status === 0; i++) await new Promise((r) => setTimeout(r, 250));

  assert.equal(aws('eks', 'delete-cluster', '--name', 'demo').status, 0);
  // (botocore's cluster_deleted waiter sleeps 30 s between polls; poll faster here.)
  for (let i = 0; i < 80 && aws('eks', 'describe-cluster', '--name', 'demo').status === 0; i++) await new Promise((r) => setTimeout(r, 250));
  assert.match(aws('eks', 'describe-cluster', '--name', 'demo').stderr, /\(ResourceNotFoundException\).*No cluster found for name: demo\./);
});

it('verifies signatures: unknown keys and wrong secrets are refused in each service\'s words', () => {
  const unknown = awsAs('AKIAUNKNOWNKEY000000', 'x', 'eks', 'list-clusters');
  assert.match(unknown.stderr, /\(UnrecognizedClientException\).*The security token included in the request is invalid/);
  const wrong = awsAs('test', 'not-the-secret', 'kms', 'list-keys');
  assert.match(wrong.stderr, /\(InvalidSignatureException\)/);
  const iamWrong = awsAs('test', 'not-the-secret', 'iam', 'list-users');
  assert.match(iamWrong.stderr, /\(SignatureDoesNotMatch\)/);
});
