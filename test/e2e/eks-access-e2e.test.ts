/**
 * Issue 5's access scenario with only the aws CLI and stock kubectl against `eksplane server`: a
 * new VPC (10.20.0.0/16) with subnets in three AZs, a cluster role, create-cluster in
 * API_AND_CONFIG_MAP mode, update-kubeconfig and `kubectl get ns` through the IAM token; then a
 * role `dev` assumed by an IAM user (trust policy for the account root, sts:AssumeRole allowed by
 * the user's policy), mapped in `kube-system/aws-auth` mapRoles to `dev-user` in `dev-group`, with
 * `view` bound to that group in `default`: the assumed-role session is mapped back to the role
 * ARN as aws-iam-authenticator does, `kubectl auth whoami` shows the mapping, reads work and a
 * write is Forbidden in kube-apiserver's words.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { startAwsServer, type RunningAwsServer } from './aws-harness.js';

const ACCOUNT = '000000000000';
let server: RunningAwsServer;
let dir = '';
let base: NodeJS.ProcessEnv;
const kubeconfig = () => join(dir, 'kubeconfig');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eksplane-access-'));
  server = await startAwsServer({ dataDir: join(dir, 'data') });
  base = { ...process.env, HOME: join(dir, 'home'), AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_EC2_METADATA_DISABLED: 'true' };
  delete base.AWS_PROFILE;
  delete base.AWS_SESSION_TOKEN;
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Creds {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN?: string;
}
const ADMIN: Creds = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

function aws(creds: Creds, ...args: string[]) {
  const r = spawnSync('aws', ['--endpoint-url', server.url, '--output', 'json', ...args], { encoding: 'utf8', env: { ...base, ...creds } });
  assert.equal(r.status, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trimStart().startsWith('{') ? JSON.parse(r.stdout) : r.stdout;
}
const kubectlRaw = (creds: Creds, args: string[], input?: string) =>
  spawnSync('kubectl', ['--kubeconfig', kubeconfig(), '--request-timeout=10s', ...args], { encoding: 'utf8', input, env: { ...base, ...creds }, timeout: 60_000 });
function kubectl(creds: Creds, args: string[], input?: string): string {
  const r = kubectlRaw(creds, args, input);
  assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('an assumed IAM role mapped in aws-auth gets exactly the RBAC of its groups', async () => {
  // The network: a VPC of our own with a subnet in each of three AZs.
  const vpcId = aws(ADMIN, 'ec2', 'create-vpc', '--cidr-block', '10.20.0.0/16').Vpc.VpcId as string;
  const subnets = ['a', 'b', 'c'].map((az, i) => {
    const s = aws(ADMIN, 'ec2', 'create-subnet', '--vpc-id', vpcId, '--cidr-block', `10.20.${i * 64}.0/18`, '--availability-zone', `us-east-1${az}`).Subnet;
    assert.equal(s.AvailabilityZone, `us-east-1${az}`);
    return s.SubnetId as string;
  });
  const eksTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const clusterRole = aws(ADMIN, 'iam', 'create-role', '--role-name', 'eks-cluster', '--assume-role-policy-document', eksTrust).Role.Arn as string;

  const created = aws(ADMIN, 'eks', 'create-cluster', '--name', 'access', '--role-arn', clusterRole, '--resources-vpc-config', `subnetIds=${subnets.join(',')}`, '--access-config', 'authenticationMode=API_AND_CONFIG_MAP').cluster;
  assert.equal(created.accessConfig.authenticationMode, 'API_AND_CONFIG_MAP');
  let cluster: any;
  for (let i = 0; i < 150; i++) {
    cluster = aws(ADMIN, 'eks', 'describe-cluster', '--name', 'access').cluster;
    if (cluster.status === 'ACTIVE') break;
    await sleep(200);
  }
  assert.equal(cluster.status, 'ACTIVE');
  assert.equal(cluster.resourcesVpcConfig.vpcId, vpcId);
  assert.deepEqual([...cluster.resourcesVpcConfig.subnetIds].sort(), [...subnets].sort());
  aws(ADMIN, 'eks', 'update-kubeconfig', '--name', 'access', '--kubeconfig', kubeconfig());
  assert.match(kubectl(ADMIN, ['get', 'ns', '-o', 'name']), /namespace\/kube-system/);

  // The role `dev`, which an IAM user of this account may assume.
  const rootTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
  const devRole = aws(ADMIN, 'iam', 'create-role', '--role-name', 'dev', '--assume-role-policy-document', rootTrust).Role.Arn as string;
  assert.equal(devRole, `arn:aws:iam::${ACCOUNT}:role/dev`);
  aws(ADMIN, 'iam', 'create-user', '--user-name', 'alice');
  const mayAssume = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: devRole }] });
  aws(ADMIN, 'iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'assume-dev', '--policy-document', mayAssume);
  const key = aws(ADMIN, 'iam', 'create-access-key', '--user-name', 'alice').AccessKey;
  const alice: Creds = { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };

  // aws-auth maps the role; `view` is bound to its group in `default`.
  kubectl(ADMIN, ['apply', '-f', '-'], `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: ${devRole}
      username: dev-user
      groups:
        - dev-group
`);
  kubectl(ADMIN, ['create', 'rolebinding', 'dev-view', '--clusterrole=view', '--group=dev-group', '--namespace=default']);
  kubectl(ADMIN, ['create', 'configmap', 'seen', '--from-literal=a=b']);

  // The session: credentials from sts assume-role; kubectl gets its token from `aws eks get-token`.
  const assumed = aws(alice, 'sts', 'assume-role', '--role-arn', devRole, '--role-session-name', 'alice-laptop');
  assert.equal(assumed.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/dev/alice-laptop`);
  const dev: Creds = { AWS_ACCESS_KEY_ID: assumed.Credentials.AccessKeyId, AWS_SECRET_ACCESS_KEY: assumed.Credentials.SecretAccessKey, AWS_SESSION_TOKEN: assumed.Credentials.SessionToken };
  assert.equal(aws(dev, 'sts', 'get-caller-identity').Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/dev/alice-laptop`);

  const who = JSON.parse(kubectl(dev, ['auth', 'whoami', '-o', 'json']));
  assert.equal(who.status.userInfo.username, 'dev-user');
  assert.ok(who.status.userInfo.groups.includes('dev-group'), JSON.stringify(who.status.userInfo));
  assert.ok(who.status.userInfo.groups.includes('system:authenticated'), JSON.stringify(who.status.userInfo));
  assert.equal(kubectl(dev, ['get', 'configmap', 'seen', '-o', 'name']).trim(), 'configmap/seen');
  const pods = kubectlRaw(dev, ['get', 'pods']);
  assert.equal(pods.status, 0, pods.stderr);
  const write = kubectlRaw(dev, ['create', 'configmap', 'x']);
  assert.notEqual(write.status, 0);
  assert.match(write.stderr, /^error: failed to create configmap: configmaps is forbidden: User "dev-user" cannot create resource "configmaps" in API group "" in the namespace "default"/);
  assert.equal(kubectlRaw(dev, ['auth', 'can-i', 'create', 'configmaps']).stdout.trim(), 'no');
  // `view` is bound only in `default`.
  const elsewhere = kubectlRaw(dev, ['get', 'configmaps', '-n', 'kube-system']);
  assert.match(elsewhere.stderr, /configmaps is forbidden: User "dev-user" cannot list resource "configmaps" in API group "" in the namespace "kube-system"/);

  // alice's own credentials are not mapped: the IAM token authenticates no one in the cluster.
  const unmapped = kubectlRaw(alice, ['get', 'pods']);
  assert.match(unmapped.stderr, /You must be logged in to the server \(Unauthorized\)/);
});
