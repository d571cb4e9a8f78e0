/**
 * A restart in the middle of EKS transitions resumes them: with default timings, `eksplane server`
 * is killed (SIGKILL, no shutdown code runs) right after these calls are acknowledged —
 *
 * - CreateCluster (cluster CREATING, its control plane being provisioned),
 * - UpdateNodegroupConfig on another, ACTIVE cluster (node group UPDATING, update InProgress),
 * - CreateAddon on that cluster (add-on CREATING),
 * - DeleteCluster of a third cluster (DELETING) —
 *
 * and started again on the same data directory and port. Every transition then finishes: the new
 * cluster is ACTIVE with an endpoint whose TLS certificate its CA data verifies, the node group is
 * ACTIVE with the update Successful and its Auto Scaling group at the new capacity (with exactly that
 * many instances, none launched twice), the add-on ACTIVE, the deleted cluster gone.
 *
 * The last one once found a hang: the DELETING cluster's step stops the control plane that
 * `ControlPlanes.start()` is still bringing up, and an Informer stopped while its first list was in
 * flight went on to open a watch nothing aborted.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, it } from 'node:test';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateAddonCommand,
  CreateClusterCommand,
  CreateNodegroupCommand,
  DeleteClusterCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  EKSClient,
  UpdateNodegroupConfigCommand,
} from '@aws-sdk/client-eks';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { removeDir, sleep, startAwsServer, type RunningAwsServer } from './aws-harness.js';
import { freePort } from './harness.js';

const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

function clients(url: string) {
  const cfg = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  return { eks: new EKSClient(cfg), iam: new IAMClient(cfg), ec2: new EC2Client(cfg), asg: new AutoScalingClient(cfg) };
}

/** Polls `read` every 100 ms until `done` holds for what it returns (or fails after `ms`). */
async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)} ${lastErr ?? ''}`);
    await sleep(100);
  }
}

const errorName = (p: Promise<unknown>) => p.then(() => 'none', (e: { name?: string }) => e.name ?? String(e));

/** GET `${endpoint}/version` trusting only `caData`: resolves the HTTP status (TLS verified). */
function probeEndpoint(endpoint: string, caData: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${endpoint}/version`, { ca: Buffer.from(caData, 'base64'), timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

let srv: RunningAwsServer | undefined;
let c: ReturnType<typeof clients>;
after(async () => {
  if (!srv) return;
  await srv.stop();
  removeDir(srv.dataDir);
});

it('SIGKILL while a cluster is CREATING, a node group UPDATING and an add-on CREATING: after restart all finish', { timeout: 120_000 }, async () => {
  const port = await freePort();
  srv = await startAwsServer({ port });
  const dataDir = srv.dataDir;
  c = clients(srv.url);
  const clusterRole = (await c.iam.send(new CreateRoleCommand({ RoleName: 'cluster', AssumeRolePolicyDocument: trust('eks.amazonaws.com') }))).Role!.Arn!;
  const nodeRole = (await c.iam.send(new CreateRoleCommand({ RoleName: 'node', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }))).Role!.Arn!;
  const subnets = (await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets!.slice(0, 3).map((s) => s.SubnetId!);
  const vpc = { subnetIds: subnets.slice(0, 2) };
  const clusterStatus = (name: string) => c.eks.send(new DescribeClusterCommand({ name })).then((r) => r.cluster!.status);

  // Two ACTIVE clusters: one keeps a node group, the other will be DELETING at the kill.
  await c.eks.send(new CreateClusterCommand({ name: 'steady', roleArn: clusterRole, resourcesVpcConfig: vpc }));
  await c.eks.send(new CreateClusterCommand({ name: 'doomed', roleArn: clusterRole, resourcesVpcConfig: vpc }));
  await until('steady ACTIVE', () => clusterStatus('steady'), (s) => s === 'ACTIVE');
  await until('doomed ACTIVE', () => clusterStatus('doomed'), (s) => s === 'ACTIVE');
  await c.eks.send(new CreateNodegroupCommand({ clusterName: 'steady', nodegroupName: 'ng', nodeRole, subnets, scalingConfig: { minSize: 1, maxSize: 5, desiredSize: 2 } }));
  const ng0 = await until('ng ACTIVE', () => c.eks.send(new DescribeNodegroupCommand({ clusterName: 'steady', nodegroupName: 'ng' })).then((r) => r.nodegroup!), (n) => n.status === 'ACTIVE');
  const asgName = ng0.resources!.autoScalingGroups![0]!.name!;

  // The burst: each call acknowledged, each resource seen mid-transition, then SIGKILL at once.
  const created = (await c.eks.send(new CreateClusterCommand({ name: 'fresh', roleArn: clusterRole, resourcesVpcConfig: vpc }))).cluster!;
  const update = (await c.eks.send(new UpdateNodegroupConfigCommand({ clusterName: 'steady', nodegroupName: 'ng', scalingConfig: { minSize: 1, maxSize: 5, desiredSize: 4 } }))).update!;
  const addon = (await c.eks.send(new CreateAddonCommand({ clusterName: 'steady', addonName: 'vpc-cni' }))).addon!;
  const deleting = (await c.eks.send(new DeleteClusterCommand({ name: 'doomed' }))).cluster!;
  const seen = {
    fresh: await clusterStatus('fresh'),
    ng: (await c.eks.send(new DescribeNodegroupCommand({ clusterName: 'steady', nodegroupName: 'ng' }))).nodegroup!.status,
    update: (await c.eks.send(new DescribeUpdateCommand({ name: 'steady', nodegroupName: 'ng', updateId: update.id! }))).update!.status,
    addon: (await c.eks.send(new DescribeAddonCommand({ clusterName: 'steady', addonName: 'vpc-cni' }))).addon!.status,
    doomed: await clusterStatus('doomed'),
  };
  srv.proc.kill('SIGKILL');
  await srv.stop();
  assert.deepEqual([created.status, update.status, addon.status, deleting.status], ['CREATING', 'InProgress', 'CREATING', 'DELETING'], 'the calls were acknowledged');
  assert.deepEqual(seen, { fresh: 'CREATING', ng: 'UPDATING', update: 'InProgress', addon: 'CREATING', doomed: 'DELETING' }, 'everything was mid-transition at the kill');
  assert.equal(srv.proc.signalCode, 'SIGKILL');

  srv = await startAwsServer({ dataDir, port });
  c = clients(srv.url);

  const fresh = await until('fresh ACTIVE', () => c.eks.send(new DescribeClusterCommand({ name: 'fresh' })).then((r) => r.cluster!), (x) => x.status === 'ACTIVE');
  assert.equal(fresh.arn, created.arn, 'the same cluster, not a new one');
  assert.match(fresh.endpoint!, /^https:\/\/127\.0\.0\.1:\d+$/);
  const status = await until('fresh control plane answering', () => probeEndpoint(fresh.endpoint!, fresh.certificateAuthority!.data!), (s) => s > 0);
  assert.ok([200, 401, 403].includes(status), `the cluster's API server answers over TLS verified by its CA data (${status})`);

  const done = await until('update Successful', () => c.eks.send(new DescribeUpdateCommand({ name: 'steady', nodegroupName: 'ng', updateId: update.id! })).then((r) => r.update!), (u) => u.status === 'Successful');
  assert.equal(done.params?.find((p) => p.type === 'DesiredSize')?.value, '4');
  const ng = await until('ng ACTIVE', () => c.eks.send(new DescribeNodegroupCommand({ clusterName: 'steady', nodegroupName: 'ng' })).then((r) => r.nodegroup!), (n) => n.status === 'ACTIVE');
  assert.deepEqual(ng.scalingConfig, { minSize: 1, maxSize: 5, desiredSize: 4 });
  assert.deepEqual(ng.resources!.autoScalingGroups!.map((g) => g.name), [asgName], 'still the one Auto Scaling group');
  const group = await until(
    'ASG at 4 instances',
    () => c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgName] })).then((r) => r.AutoScalingGroups![0]!),
    (g) => g.DesiredCapacity === 4 && g.Instances!.length === 4,
  );
  assert.equal(group.Instances!.length, 4);
  const running = await until(
    'four running node instances',
    () => c.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [asgName] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] })).then((r) => r.Reservations!.flatMap((x) => x.Instances!)),
    (xs) => xs.length === 4,
  );
  assert.equal(new Set(running.map((i) => i.InstanceId)).size, 4, 'no instance launched twice');

  const addonAfter = await until('add-on ACTIVE', () => c.eks.send(new DescribeAddonCommand({ clusterName: 'steady', addonName: 'vpc-cni' })).then((r) => r.addon!), (a) => a.status === 'ACTIVE');
  assert.equal(addonAfter.addonArn, addon.addonArn);
  assert.equal(await clusterStatus('steady'), 'ACTIVE');
});

it('…and the cluster that was DELETING at the kill is gone', { timeout: 30_000 }, async () => {
  assert.ok(srv, 'the first test started the server');
  await until('doomed gone', () => errorName(c.eks.send(new DescribeClusterCommand({ name: 'doomed' }))), (e) => e === 'ResourceNotFoundException', 15_000);
});
