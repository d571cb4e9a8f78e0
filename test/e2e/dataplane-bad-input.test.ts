/**
 * Issue 6's bad input, with only the aws CLI and stock kubectl against `eksplane server`, each
 * ending in the state and message Kubernetes or EKS gives, never a crash or a busy loop:
 * a pod whose nodeSelector no node matches and a Deployment whose required pod anti-affinity
 * cannot be met stay Pending with the scheduler's FailedScheduling message; pods beyond the free
 * addresses of a node group's /27 subnet stay ContainerCreating with the VPC CNI's
 * FailedCreatePodSandBox message while DescribeSubnets shows no address left; a node group over
 * a /28 subnet gets failed Auto Scaling launch activities with EC2's
 * InsufficientFreeAddressesInSubnet message; afterwards the idle server uses little CPU.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { sleep, startEksE2e, until, type EksE2e } from './aws-harness.js';

let e: EksE2e;
before(async () => {
  e = await startEksE2e('eksplane-bad-input-');
});
after(() => e?.stop());

const aws = (...args: string[]) => e.aws(...args);
const json = <T = Record<string, unknown>>(...args: string[]): T => e.json<T>(...args);
const apply = (name: string, yaml: string) => e.apply(name, yaml);

interface Pod {
  metadata: { name: string };
  status: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[]; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
}
interface Event {
  reason: string;
  message: string;
  involvedObject: { name: string };
}
const events = (reason: string) => json<{ items: Event[] }>('get', 'events', '--field-selector', `reason=${reason}`).items;
const podsOf = (app: string) => json<{ items: Pod[] }>('get', 'pods', '-l', `app=${app}`).items;

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) of the whole line are 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

it('unschedulable pods, impossible affinities, full subnets: the states and messages of EKS, no busy loop', async () => {
  const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
  const clusterRole = aws('iam', 'create-role', '--role-name', 'eks-cluster', '--assume-role-policy-document', trust('eks.amazonaws.com')).Role.Arn as string;
  const nodeRole = aws('iam', 'create-role', '--role-name', 'eks-node', '--assume-role-policy-document', trust('ec2.amazonaws.com')).Role.Arn as string;
  const defaults = (aws('ec2', 'describe-subnets', '--filters', 'Name=default-for-az,Values=true').Subnets as { SubnetId: string; AvailabilityZone: string; VpcId: string }[])
    .sort((a, b) => a.AvailabilityZone.localeCompare(b.AvailabilityZone))
    .slice(0, 2);
  const vpc = defaults[0]!.VpcId;
  aws('eks', 'create-cluster', '--name', 'bad', '--role-arn', clusterRole, '--resources-vpc-config', `subnetIds=${defaults.map((s) => s.SubnetId).join(',')}`, '--access-config', 'authenticationMode=API_AND_CONFIG_MAP');
  const small = aws('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '172.31.201.0/27', '--availability-zone', defaults[0]!.AvailabilityZone).Subnet as { SubnetId: string; AvailableIpAddressCount: number };
  assert.equal(small.AvailableIpAddressCount, 27, 'a /27 less the 5 addresses AWS reserves');
  await until('cluster ACTIVE', () => aws('eks', 'describe-cluster', '--name', 'bad').cluster.status === 'ACTIVE');
  aws('eks', 'create-nodegroup', '--cluster-name', 'bad', '--nodegroup-name', 'small', '--node-role', nodeRole, '--subnets', small.SubnetId, '--instance-types', 'm5.large', '--scaling-config', 'minSize=1,maxSize=1,desiredSize=1');
  await until('node group ACTIVE', () => aws('eks', 'describe-nodegroup', '--cluster-name', 'bad', '--nodegroup-name', 'small').nodegroup.status === 'ACTIVE', 60_000);
  aws('eks', 'update-kubeconfig', '--name', 'bad', '--kubeconfig', e.kubeconfig);
  await until('1 Ready node', () => json<{ items: Pod[] }>('get', 'nodes').items.filter((n) => n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === 1);

  // A pod no node can ever take.
  apply('nosel', 'apiVersion: v1\nkind: Pod\nmetadata: {name: nosel}\nspec:\n  nodeSelector: {disktype: ssd}\n  containers: [{name: app, image: nginx}]\n');
  const noselMsg = await until('FailedScheduling for nosel', () => events('FailedScheduling').find((e) => e.involvedObject.name === 'nosel')?.message);
  assert.equal(noselMsg, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
  const nosel = json<Pod>('get', 'pod', 'nosel');
  assert.equal(nosel.status.phase, 'Pending');
  const sched = nosel.status.conditions?.find((c) => c.type === 'PodScheduled');
  assert.deepEqual([sched?.status, sched?.reason], ['False', 'Unschedulable']);

  // Two replicas that refuse to share a host, with one host.
  apply('anti', `apiVersion: apps/v1
kind: Deployment
metadata: {name: anti}
spec:
  replicas: 2
  selector: {matchLabels: {app: anti}}
  template:
    metadata: {labels: {app: anti}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: anti}}}
      containers: [{name: app, image: nginx}]
`);
  const antiPods = await until('one anti pod Running, one Pending', () => {
    const items = podsOf('anti');
    const phases = items.map((p) => p.status.phase).sort();
    return phases.join() === 'Pending,Running' ? items : undefined;
  });
  const pending = antiPods.find((p) => p.status.phase === 'Pending')!;
  const antiMsg = await until('FailedScheduling for the second anti pod', () => events('FailedScheduling').find((e) => e.involvedObject.name === pending.metadata.name)?.message);
  assert.equal(antiMsg, "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");

  // More pods than the /27 has addresses: the CNI's failure, and DescribeSubnets at 0.
  apply('fill', `apiVersion: apps/v1
kind: Deployment
metadata: {name: fill}
spec:
  replicas: 24
  selector: {matchLabels: {app: fill}}
  template:
    metadata: {labels: {app: fill}}
    spec:
      containers: [{name: app, image: nginx}]
`);
  const stuck = await until('fill pods stuck ContainerCreating', () => {
    const items = podsOf('fill');
    const creating = items.filter((p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating');
    const running = items.filter((p) => p.status.phase === 'Running');
    return creating.length > 0 && running.length + creating.length === 24 && events('FailedCreatePodSandBox').length > 0 ? creating : undefined;
  }, 60_000);
  const sandbox = events('FailedCreatePodSandBox').find((e) => stuck.some((p) => p.metadata.name === e.involvedObject.name));
  assert.ok(sandbox, 'a stuck pod has the FailedCreatePodSandBox event');
  assert.match(sandbox.message, /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="aws-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container$/);
  const after = (aws('ec2', 'describe-subnets', '--subnet-ids', small.SubnetId).Subnets as { AvailableIpAddressCount: number }[])[0]!;
  assert.equal(after.AvailableIpAddressCount, 0);

  // A node group whose /28 cannot hold its instances: Auto Scaling's launches fail with EC2's error.
  const tiny = aws('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '172.31.202.0/28', '--availability-zone', defaults[1]!.AvailabilityZone).Subnet as { SubnetId: string; AvailableIpAddressCount: number };
  assert.equal(tiny.AvailableIpAddressCount, 11);
  aws('eks', 'create-nodegroup', '--cluster-name', 'bad', '--nodegroup-name', 'tiny', '--node-role', nodeRole, '--subnets', tiny.SubnetId, '--instance-types', 't3.medium', '--scaling-config', 'minSize=12,maxSize=12,desiredSize=12');
  const asg = await until('the node group has its Auto Scaling group', () => aws('eks', 'describe-nodegroup', '--cluster-name', 'bad', '--nodegroup-name', 'tiny').nodegroup.resources?.autoScalingGroups?.[0]?.name as string | undefined);
  const failedLaunch = await until('a failed launch activity', () =>
    (aws('autoscaling', 'describe-scaling-activities', '--auto-scaling-group-name', asg).Activities as { StatusCode: string; StatusMessage?: string; Description: string }[]).find((a) => a.StatusCode === 'Failed'),
  );
  assert.equal(failedLaunch.StatusMessage, `There are not enough free addresses in subnet '${tiny.SubnetId}' to satisfy the requested number of instances.`);
  assert.equal(failedLaunch.Description, `Launching a new EC2 instance.  Status Reason: ${failedLaunch.StatusMessage} Launching EC2 instance failed.`);
  // EKS gives up on the group with the launch failure as its health issue.
  const ng = await until('the node group CREATE_FAILED', () => {
    const n = aws('eks', 'describe-nodegroup', '--cluster-name', 'bad', '--nodegroup-name', 'tiny').nodegroup as { status: string; health: { issues: { code: string; message: string; resourceIds: string[] }[] } };
    assert.notEqual(n.status, 'ACTIVE', 'no node group is ACTIVE without its instances');
    return n.status === 'CREATE_FAILED' ? n : undefined;
  });
  assert.deepEqual(ng.health.issues.map((i) => [i.code, i.resourceIds]), [['AsgInstanceLaunchFailures', [asg]]]);
  assert.equal(ng.health.issues[0]!.message, `Could not launch On-Demand Instances. InsufficientFreeAddressesInSubnet - ${failedLaunch.StatusMessage} Launching EC2 instance failed.`);

  // Nothing spins: stuck sandboxes and failing launches back off. Under half a core over 10 s.
  const before = cpuSeconds(e.server.proc.pid!);
  await sleep(10_000);
  const used = cpuSeconds(e.server.proc.pid!) - before;
  assert.ok(used < 5, `the idle server used ${used.toFixed(2)} CPU seconds in 10 s`);
  assert.equal(e.server.proc.exitCode, null, 'the server is still up');
});
