/**
 * Issue 6's scenario with only the aws CLI and stock kubectl against `eksplane server`: a cluster
 * with a 3-node managed node group over 3 AZs; nodes labelled with their zones; a Deployment
 * spread by topology rolls out with pod IPs from the subnets; it scales to 30 evenly; an
 * impossible pod stays Pending with the scheduler's message; a Service gets EndpointSlices;
 * a LoadBalancer Service gets an ELB hostname; rollout undo; a Job completes; a DaemonSet runs on every node; deleting the Deployment removes
 * its pods; UpdateNodegroupConfig to 6 adds nodes that take pods.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startEksE2e, until, type EksE2e } from './aws-harness.js';

let e: EksE2e;
before(async () => {
  e = await startEksE2e('eksplane-dataplane-');
});
after(() => e?.stop());

const aws = (...args: string[]) => e.aws(...args);
const kubectl = (...args: string[]) => e.kubectl(...args);
const json = <T = Record<string, unknown>>(...args: string[]): T => e.json<T>(...args);

interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}
interface Node {
  metadata: { name: string; labels: Record<string, string> };
  status: { conditions: { type: string; status: string }[] };
}
const ready = (o: { status: { conditions?: { type: string; status: string }[] } }) => !!o.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

function inCidr(ip: string, cidr: string): boolean {
  const toN = (s: string) => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toN(ip) / size) === Math.floor(toN(base) / size);
}

it('a managed node group over 3 AZs runs Deployments, Services, Jobs and DaemonSets as EKS does', async () => {
  const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
  const clusterRole = aws('iam', 'create-role', '--role-name', 'eks-cluster', '--assume-role-policy-document', trust('eks.amazonaws.com')).Role.Arn as string;
  const nodeRole = aws('iam', 'create-role', '--role-name', 'eks-node', '--assume-role-policy-document', trust('ec2.amazonaws.com')).Role.Arn as string;
  const all = aws('ec2', 'describe-subnets', '--filters', 'Name=default-for-az,Values=true').Subnets as { SubnetId: string; AvailabilityZone: string; CidrBlock: string }[];
  const subnets = all.sort((a, b) => a.AvailabilityZone.localeCompare(b.AvailabilityZone)).slice(0, 3);
  assert.equal(new Set(subnets.map((s) => s.AvailabilityZone)).size, 3);
  aws('eks', 'create-cluster', '--name', 'demo', '--role-arn', clusterRole, '--resources-vpc-config', `subnetIds=${subnets.map((s) => s.SubnetId).join(',')}`, '--access-config', 'authenticationMode=API_AND_CONFIG_MAP');
  await until('cluster ACTIVE', () => aws('eks', 'describe-cluster', '--name', 'demo').cluster.status === 'ACTIVE');
  aws('eks', 'create-nodegroup', '--cluster-name', 'demo', '--nodegroup-name', 'ng1', '--node-role', nodeRole, '--subnets', ...subnets.map((s) => s.SubnetId), '--instance-types', 'm5.large', '--scaling-config', 'minSize=1,maxSize=6,desiredSize=3');
  await until('node group ACTIVE', () => aws('eks', 'describe-nodegroup', '--cluster-name', 'demo', '--nodegroup-name', 'ng1').nodegroup.status === 'ACTIVE', 90_000);
  aws('eks', 'update-kubeconfig', '--name', 'demo', '--kubeconfig', e.kubeconfig);

  // Nodes: one per AZ, Ready, with EKS's labels.
  const nodes = await until('3 Ready nodes', () => {
    const items = json<{ items: Node[] }>('get', 'nodes').items;
    return items.length === 3 && items.every(ready) ? items : undefined;
  });
  assert.deepEqual(nodes.map((n) => n.metadata.labels['topology.kubernetes.io/zone']).sort(), subnets.map((s) => s.AvailabilityZone));
  assert.equal(nodes[0]!.metadata.labels['eks.amazonaws.com/nodegroup'], 'ng1');
  assert.equal(nodes[0]!.metadata.labels['node.kubernetes.io/instance-type'], 'm5.large');
  const zoneCol = kubectl('get', 'nodes', '-L', 'topology.kubernetes.io/zone');
  for (const s of subnets) assert.match(zoneCol, new RegExp(s.AvailabilityZone));
  // The control plane's components hold their leader Leases, as on EKS.
  const leases = kubectl('get', 'leases', '-n', 'kube-system', '-o', 'name');
  for (const l of ['kube-controller-manager', 'kube-scheduler']) assert.match(leases, new RegExp(`^lease.coordination.k8s.io/${l}$`, 'm'));

  // A Deployment spread over zones.
  e.apply(
    'web',
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80, name: http}]
        resources: {requests: {cpu: 50m, memory: 64Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`,
  );
  kubectl('rollout', 'status', 'deployment/web', '--timeout=90s');
  const zoneOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone']!]));
  const webPods = () => json<{ items: Pod[] }>('get', 'pods', '-l', 'app=web').items.filter((p) => p.status.phase === 'Running');
  const perZone = (pods: Pod[]) => {
    const counts: Record<string, number> = {};
    for (const p of pods) counts[zoneOf.get(p.spec.nodeName!) ?? '?'] = (counts[zoneOf.get(p.spec.nodeName!) ?? '?'] ?? 0) + 1;
    return Object.values(counts).sort();
  };
  assert.deepEqual(perZone(webPods()), [1, 1, 1]);
  for (const p of webPods()) assert.ok(subnets.some((s) => inCidr(p.status.podIP!, s.CidrBlock)), `pod IP ${p.status.podIP} in a node subnet`);

  kubectl('scale', 'deployment/web', '--replicas=30');
  kubectl('rollout', 'status', 'deployment/web', '--timeout=90s');
  assert.deepEqual(perZone(webPods()), [10, 10, 10]);

  // EndpointSlices list the ready pod IPs.
  const ips = new Set(webPods().map((p) => p.status.podIP));
  await until('EndpointSlices with the 30 pod IPs', () => {
    const slices = json<{ items: { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] }[] }>('get', 'endpointslices', '-l', 'kubernetes.io/service-name=web').items;
    const got = slices.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses));
    return got.length === 30 && got.every((ip) => ips.has(ip));
  });

  // A Service of type LoadBalancer gets an ELB hostname, as the AWS cloud provider gives it.
  kubectl('expose', 'deployment', 'web', '--name=web-lb', '--type=LoadBalancer', '--port=80', '--target-port=80');
  const lb = await until('a load balancer hostname', () => kubectl('get', 'svc', 'web-lb', '-o', 'jsonpath={.status.loadBalancer.ingress[0].hostname}'));
  assert.match(lb, /^a[0-9a-f]{31}-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);

  // A pod no node can hold stays Pending with the scheduler's message.
  kubectl('run', 'huge', '--image=nginx', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'huge', image: 'nginx', resources: { requests: { cpu: '64' } } }] } }));
  const msg = await until('FailedScheduling for huge', () => {
    const events = json<{ items: { reason: string; message: string }[] }>('get', 'events', '--field-selector', 'involvedObject.name=huge').items;
    return events.find((e) => e.reason === 'FailedScheduling')?.message;
  });
  assert.match(msg, /^0\/3 nodes are available: 3 Insufficient cpu\./);
  assert.equal(json<Pod>('get', 'pod', 'huge').status.phase, 'Pending');

  // A new image, then rollout undo back to the first.
  kubectl('set', 'image', 'deployment/web', 'web=nginx:1.26');
  kubectl('rollout', 'status', 'deployment/web', '--timeout=90s');
  kubectl('rollout', 'undo', 'deployment/web');
  kubectl('rollout', 'status', 'deployment/web', '--timeout=90s');
  const image = kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
  assert.equal(image, 'nginx:1.25');
  assert.match(kubectl('rollout', 'history', 'deployment/web'), /REVISION/);

  // A Job runs to completion.
  kubectl('create', 'job', 'pi', '--image=perl:5.34');
  kubectl('wait', '--for=condition=complete', 'job/pi', '--timeout=90s');

  // The HorizontalPodAutoscaler scales on the simulated CPU usage the pods report.
  kubectl('create', 'deployment', 'hot', '--image=nginx');
  kubectl('set', 'resources', 'deployment', 'hot', '--requests=cpu=100m');
  kubectl('rollout', 'status', 'deployment/hot', '--timeout=90s');
  kubectl('annotate', 'pods', '-l', 'app=hot', 'eksplane.io/cpu-usage=200m');
  kubectl('autoscale', 'deployment', 'hot', '--cpu-percent=50', '--min=1', '--max=3');
  await until('the HPA scales hot to 3', () => json<{ spec: { replicas: number } }>('get', 'deployment', 'hot').spec.replicas === 3, 90_000);
  // 200m used of 100m requested: 200% against the 50% target.
  assert.match(kubectl('get', 'hpa', 'hot'), /^hot\s+Deployment\/hot\s+cpu: 200%\/50%\s+1\s+3\s+\d+\s+/m);

  // A DaemonSet runs on every node (as do the aws-node and kube-proxy add-ons).
  e.apply(
    'ds',
    `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: busybox}]
`,
  );
  kubectl('rollout', 'status', 'daemonset/agent', '--timeout=90s');
  assert.equal(json<{ items: Pod[] }>('get', 'pods', '-l', 'app=agent').items.length, 3);
  await until('aws-node on every node', () => json<{ status: { numberReady?: number } }>('get', 'daemonset', 'aws-node', '-n', 'kube-system').status.numberReady === 3);

  // Deleting the Deployment garbage-collects its ReplicaSets and pods.
  kubectl('delete', 'deployment', 'web');
  await until('web pods gone', () => json<{ items: Pod[] }>('get', 'pods', '-l', 'app=web').items.length === 0, 90_000);

  // Six nodes: the new ones take pods.
  aws('eks', 'update-nodegroup-config', '--cluster-name', 'demo', '--nodegroup-name', 'ng1', '--scaling-config', 'minSize=1,maxSize=6,desiredSize=6');
  const six = await until('6 Ready nodes', () => {
    const items = json<{ items: Node[] }>('get', 'nodes').items;
    return items.length === 6 && items.every(ready) ? items : undefined;
  }, 90_000);
  const fresh = six.map((n) => n.metadata.name).filter((n) => !zoneOf.has(n));
  await until('agent pods on the new nodes', () => {
    const on = new Set(json<{ items: Pod[] }>('get', 'pods', '-l', 'app=agent').items.filter((p) => p.status.phase === 'Running').map((p) => p.spec.nodeName));
    return fresh.every((n) => on.has(n));
  });
  const free = aws('ec2', 'describe-subnets', '--subnet-ids', subnets[0]!.SubnetId).Subnets[0].AvailableIpAddressCount as number;
  assert.ok(free < 4091 - 2, `pod addresses count against the subnet (${free} left)`);
});
