/**
 * Managed node group scale-in, config and deletion as EKS does them, with only the aws CLI and
 * stock kubectl against `eksplane server`: the node group's Auto Scaling group carries EKS's
 * Terminate-LC-Hook; UpdateNodegroupConfig to desiredSize 2 holds one instance in
 * Terminating:Wait while its node is cordoned and drained within a PodDisruptionBudget (the
 * Deployment stays available, its pods move to the other nodes), then the instance terminates
 * and its Node goes; new labels and taints reach the existing nodes, removed ones leave them;
 * DeleteNodegroup drains every node before the instances go, and the Nodes are gone.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, it } from 'node:test';
import { startEksE2e, until, type EksE2e } from './aws-harness.js';

let e: EksE2e;
before(async () => {
  e = await startEksE2e('eksplane-ng-scale-');
});
after(() => e?.stop());

const aws = (...args: string[]) => e.aws(...args);
const kubectl = (...args: string[]) => e.kubectl(...args);
const json = <T = Record<string, unknown>>(...args: string[]): T => e.json<T>(...args);


interface Taint {
  key: string;
  value?: string;
  effect: string;
}
interface Node {
  metadata: { name: string; labels: Record<string, string> };
  spec: { unschedulable?: boolean; taints?: Taint[]; providerID?: string };
  status: { conditions: { type: string; status: string }[] };
}
interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { phase?: string };
}
const ready = (o: { status: { conditions?: { type: string; status: string }[] } }) => !!o.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const nodes = () => json<{ items: Node[] }>('get', 'nodes').items;

/** `kubectl get nodes --watch`: every version of every Node seen while it runs. */
function watchNodes(): { seen: Node[]; stop(): void } {
  const seen: Node[] = [];
  const child: ChildProcess = spawn('kubectl', ['--kubeconfig', e.kubeconfig, 'get', 'nodes', '--watch', '-o', 'json'], { env: e.env });
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    // kubectl writes one pretty-printed object per event; each ends with a "}" at column 0.
    let end: number;
    while ((end = buf.indexOf('\n}\n')) >= 0) {
      seen.push(JSON.parse(buf.slice(0, end + 2)) as Node);
      buf = buf.slice(end + 3);
    }
  });
  return { seen, stop: () => child.kill() };
}

it('scale-in and DeleteNodegroup drain nodes through the termination hook; labels and taints reach the nodes', async () => {
  const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
  const clusterRole = aws('iam', 'create-role', '--role-name', 'eks-cluster', '--assume-role-policy-document', trust('eks.amazonaws.com')).Role.Arn as string;
  const nodeRole = aws('iam', 'create-role', '--role-name', 'eks-node', '--assume-role-policy-document', trust('ec2.amazonaws.com')).Role.Arn as string;
  const all = aws('ec2', 'describe-subnets', '--filters', 'Name=default-for-az,Values=true').Subnets as { SubnetId: string; AvailabilityZone: string }[];
  const subnets = all.sort((a, b) => a.AvailabilityZone.localeCompare(b.AvailabilityZone)).slice(0, 3).map((s) => s.SubnetId);
  aws('eks', 'create-cluster', '--name', 'scale', '--role-arn', clusterRole, '--resources-vpc-config', `subnetIds=${subnets.join(',')}`);
  await until('cluster ACTIVE', () => aws('eks', 'describe-cluster', '--name', 'scale').cluster.status === 'ACTIVE');
  aws('eks', 'create-nodegroup', '--cluster-name', 'scale', '--nodegroup-name', 'ng', '--node-role', nodeRole, '--subnets', ...subnets, '--instance-types', 'm5.large', '--scaling-config', 'minSize=1,maxSize=4,desiredSize=3');
  const describe = () => aws('eks', 'describe-nodegroup', '--cluster-name', 'scale', '--nodegroup-name', 'ng').nodegroup;
  await until('node group ACTIVE', () => describe().status === 'ACTIVE', 90_000);
  aws('eks', 'update-kubeconfig', '--name', 'scale', '--kubeconfig', e.kubeconfig);
  await until('3 Ready nodes', () => nodes().length === 3 && nodes().every(ready));

  const asgName = describe().resources.autoScalingGroups[0].name as string;
  const hooks = aws('autoscaling', 'describe-lifecycle-hooks', '--auto-scaling-group-name', asgName).LifecycleHooks;
  assert.deepEqual(hooks.map((h: Record<string, unknown>) => [h.LifecycleHookName, h.LifecycleTransition, h.HeartbeatTimeout]), [['Terminate-LC-Hook', 'autoscaling:EC2_INSTANCE_TERMINATING', 1800]]);

  e.apply(
    'web',
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
      containers:
      - {name: web, image: nginx:1.25, resources: {requests: {cpu: 50m, memory: 64Mi}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 5
  selector: {matchLabels: {app: web}}
`,
  );
  kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
  await until('budget allows one disruption', () => json<{ status?: { disruptionsAllowed?: number } }>('get', 'pdb', 'web').status?.disruptionsAllowed === 1);

  // Scale-in: one instance waits on the hook while its node is drained within the budget.
  const watch = watchNodes();
  let minHealthy = 6;
  aws('eks', 'update-nodegroup-config', '--cluster-name', 'scale', '--nodegroup-name', 'ng', '--scaling-config', 'minSize=1,maxSize=4,desiredSize=2');
  const waiting = await until('an instance in Terminating:Wait', () => {
    const g = aws('autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', asgName).AutoScalingGroups[0];
    return (g.Instances as { InstanceId: string; LifecycleState: string }[]).find((i) => i.LifecycleState === 'Terminating:Wait');
  });
  await until('2 nodes left', () => {
    minHealthy = Math.min(minHealthy, json<{ status?: { currentHealthy?: number } }>('get', 'pdb', 'web').status?.currentHealthy ?? 0);
    return nodes().length === 2;
  }, 60_000);
  const victim = watch.seen.find((n) => n.spec.providerID?.endsWith(`/${waiting.InstanceId}`) && n.spec.unschedulable);
  assert.ok(victim, 'the instance\'s node was cordoned before it went');
  assert.ok(minHealthy >= 5, `the budget held: at least 5 healthy pods throughout (saw ${minHealthy})`);
  const state = aws('ec2', 'describe-instances', '--instance-ids', waiting.InstanceId).Reservations[0].Instances[0].State.Name;
  assert.ok(['shutting-down', 'terminated'].includes(state), state);
  kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
  const pods = json<{ items: Pod[] }>('get', 'pods', '-l', 'app=web').items;
  assert.equal(pods.filter((p) => p.status.phase === 'Running').length, 6);
  assert.ok(pods.every((p) => p.spec.nodeName !== victim.metadata.name), 'no pod left on the drained node');
  await until('node group ACTIVE', () => describe().status === 'ACTIVE');

  // Labels and taints from UpdateNodegroupConfig on the existing nodes.
  aws('eks', 'update-nodegroup-config', '--cluster-name', 'scale', '--nodegroup-name', 'ng', '--labels', JSON.stringify({ addOrUpdateLabels: { tier: 'gold' } }), '--taints', JSON.stringify({ addOrUpdateTaints: [{ key: 'dedicated', value: 'gold', effect: 'NO_SCHEDULE' }] }));
  await until('label and taint on both nodes', () => {
    const items = nodes();
    return items.length === 2 && items.every((n) => n.metadata.labels.tier === 'gold' && n.spec.taints?.some((t) => t.key === 'dedicated' && t.value === 'gold' && t.effect === 'NoSchedule'));
  });
  await until('node group ACTIVE', () => describe().status === 'ACTIVE');
  aws('eks', 'update-nodegroup-config', '--cluster-name', 'scale', '--nodegroup-name', 'ng', '--labels', JSON.stringify({ removeLabels: ['tier'] }), '--taints', JSON.stringify({ removeTaints: [{ key: 'dedicated', value: 'gold', effect: 'NO_SCHEDULE' }] }));
  await until('label and taint gone from both nodes', () => nodes().every((n) => n.metadata.labels.tier === undefined && !n.spec.taints?.some((t) => t.key === 'dedicated')));
  await until('node group ACTIVE', () => describe().status === 'ACTIVE');

  // DeleteNodegroup: every node is drained before its instance goes.
  kubectl('delete', 'pdb', 'web');
  const left = nodes().map((n) => n.metadata.name);
  aws('eks', 'delete-nodegroup', '--cluster-name', 'scale', '--nodegroup-name', 'ng');
  await until('all Nodes gone', () => nodes().length === 0, 60_000);
  await until('node group gone', () => !aws('eks', 'list-nodegroups', '--cluster-name', 'scale').nodegroups.includes('ng'), 30_000);
  watch.stop();
  for (const name of left) assert.ok(watch.seen.some((n) => n.metadata.name === name && n.spec.unschedulable), `${name} was cordoned before it went`);
  assert.ok(json<{ items: Pod[] }>('get', 'pods', '-l', 'app=web').items.every((p) => !p.spec.nodeName), 'the web pods were evicted; their replacements wait for nodes');
});
