/**
 * One size of the data-plane bench, run by bench/dataplane/run.ts in a child process of its own
 * (so the memory it reports is this size's alone): N m5.2xlarge machines, then Deployments
 * totalling N × pods-per-node replicas, timed phase by phase until every pod is Running and
 * Ready or the time limit passes. Progress goes to stdout; the last line is `RESULT <json>`
 * (a SizeResult).
 *
 *   node --expose-gc --import tsx bench/dataplane/size.ts --nodes 200 [--pods-per-node 30] [--deployments 100] [--timeout-s 220] [--no-security]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { ApiServer } from '../../src/apiserver/api-server.js';
import { builtinIndexes, builtinResources } from '../../src/apiserver/registry/builtin.js';
import { startControllers } from '../../src/controllers/manager.js';
import { DEFAULT_CNI_CONFIG } from '../../src/dataplane/cni/config.js';
import { MemorySubnets } from '../../src/dataplane/cni/testing.js';
import { VpcCni } from '../../src/dataplane/cni/vpc-cni.js';
import type { SimulatedMachine } from '../../src/dataplane/contracts.js';
import { KubeletFleet } from '../../src/dataplane/kubelet/fleet.js';
import type { KubeletTimings } from '../../src/dataplane/kubelet/runtime.js';
import { KubeClient } from '../../src/kubeclient/client.js';
import { SharedInformers } from '../../src/kubeclient/shared-informers.js';
import type { KubeObject } from '../../src/kubeclient/types.js';
import { realClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { bootstrapCluster } from '../../src/server/bootstrap.js';
import { clusterSecurity } from '../../src/server/cluster-security.js';
import { inProcessTransport } from '../../src/server/in-process-transport.js';
import { machineShape } from '../../src/server/machines.js';
import { kubernetesVersion } from '../../src/server/version.js';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';
import type { Phase, SizeResult } from './report.js';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '200' },
    'pods-per-node': { type: 'string', default: '30' },
    deployments: { type: 'string', default: '100' },
    'timeout-s': { type: 'string', default: '220' },
    'no-security': { type: 'boolean', default: false },
  },
});
const NODES = Number(args.nodes);
const PER_NODE = Number(args['pods-per-node']);
const DEPLOYMENTS = Number(args.deployments);
const TOTAL = NODES * PER_NODE;
const REPLICAS = Math.ceil(TOTAL / DEPLOYMENTS);
const TIMEOUT_MS = Number(args['timeout-s']) * 1000;
const SECURITY = !args['no-security'];
const INSTANCE_TYPE = 'm5.2xlarge';
const REGION = 'us-west-2';
const AZS = [
  { zone: 'us-west-2a', zoneId: 'usw2-az1', subnet: 'subnet-a', cidr: '10.0.0.0/16' },
  { zone: 'us-west-2b', zoneId: 'usw2-az2', subnet: 'subnet-b', cidr: '10.1.0.0/16' },
  { zone: 'us-west-2c', zoneId: 'usw2-az3', subnet: 'subnet-c', cidr: '10.2.0.0/16' },
];
/** Quick but non-zero: the stage machine still runs every stage, as a real kubelet would. */
const TIMINGS: Partial<KubeletTimings> = { bootMs: 1000, sandboxMs: 50, pullMs: 100, startMs: 50 };

type Obj<T> = T & KubeObject;
const t0 = performance.now();
const since = () => performance.now() - t0;
const log = silentLogger();
const out = (line: string) => process.stdout.write(`[${(since() / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 500);

// The API server, as control-planes.ts builds a cluster's (less HTTPS and IAM).
const store = await openMemoryStore();
let api!: ApiServer;
const security = SECURITY ? clusterSecurity({ lookup: () => api, clock: realClock, log }) : undefined;
api = new ApiServer({ store, clock: realClock, log, resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion(), authorize: security?.authorize, admission: security?.admission });
await api.start();
await security?.afterStart(api);
await bootstrapCluster(api);
const client = new KubeClient(inProcessTransport(api));
const informers = new SharedInformers(client, realClock, log);
const controllers = await startControllers({ transport: inProcessTransport(api), informers, clock: realClock, log });
const scheduler = new Scheduler({ client, informers, clock: realClock, log: log.child({ controller: 'scheduler' }) });
scheduler.start();

const subnets = new MemorySubnets();
for (const az of AZS) subnets.add(az.subnet, az.cidr);
const nodeInformer = informers.informer<Obj<Node>>({ resource: { group: '', version: 'v1', resource: 'nodes' } });
const network = new VpcCni({
  addresses: subnets,
  clock: realClock,
  log,
  config: () => DEFAULT_CNI_CONFIG,
  nodeMeta: (name) => {
    const n = nodeInformer.get(undefined, name);
    return n && { labels: n.metadata?.labels ?? {}, annotations: n.metadata?.annotations ?? {} };
  },
});
const fleet = new KubeletFleet({
  informers,
  clock: realClock,
  log,
  network,
  timings: TIMINGS,
  transportFor: (m) => inProcessTransport(api, { name: `system:node:${m.nodeName}`, groups: ['system:nodes', 'system:authenticated'] }),
});
fleet.start();

// Progress, from the shared informers (no extra watch).
const readyNodes = new Set<string>();
const bound = new Set<string>();
const running = new Set<string>();
const isReady = (conds: { type: string; status: string }[] | undefined) => conds?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
let wake: () => void = () => undefined;
const onNode = (n: Obj<Node>) => {
  if (isReady(n.status?.conditions)) readyNodes.add(n.metadata!.name!);
  else readyNodes.delete(n.metadata!.name!);
  wake();
};
nodeInformer.addEventHandler({ onAdd: onNode, onUpdate: (_o, n) => onNode(n) });
const podInformer = informers.informer<Obj<Pod>>({ resource: { group: '', version: 'v1', resource: 'pods' } });
const onPod = (p: Obj<Pod>) => {
  if (p.metadata?.namespace !== 'bench') return;
  const key = p.metadata.name!;
  if (p.spec?.nodeName) bound.add(key);
  if (p.status?.phase === 'Running' && isReady(p.status.conditions)) running.add(key);
  else running.delete(key);
  wake();
};
podInformer.addEventHandler({ onAdd: onPod, onUpdate: (_o, p) => onPod(p), onDelete: (p) => (bound.delete(p.metadata!.name!), running.delete(p.metadata!.name!), wake()) });
await Promise.all([controllers.synced(), fleet.synced, nodeInformer.waitForSync(), podInformer.waitForSync()]);
out(`control plane up (${SECURITY ? 'with authorization and admission' : 'no authorization or admission'}); adding ${NODES} ${INSTANCE_TYPE} machines`);

/** Resolves when `done()` holds (checked on every event and every second), or false at `deadline`. */
function until(done: () => boolean, deadline: number, label: () => string): Promise<boolean> {
  return new Promise((resolve) => {
    let last = 0;
    const check = () => {
      if (done()) return finish(true);
      if (performance.now() >= deadline) return finish(false);
      if (performance.now() - last >= 10_000) {
        last = performance.now();
        out(label());
      }
    };
    const timer = setInterval(check, 1000);
    const finish = (ok: boolean) => {
      clearInterval(timer);
      wake = () => undefined;
      resolve(ok);
    };
    wake = check;
    check();
  });
}

const shape = machineShape(INSTANCE_TYPE)!;
const machines: SimulatedMachine[] = [];
for (let i = 0; i < NODES; i++) {
  const az = AZS[i % AZS.length]!;
  const [ip] = await subnets.allocate(az.subnet, 1, `i-${i.toString(16).padStart(17, '0')}-eni0`);
  machines.push({
    instanceId: `i-${i.toString(16).padStart(17, '0')}`,
    nodeName: `ip-${ip!.replaceAll('.', '-')}.${REGION}.compute.internal`,
    region: REGION,
    availabilityZone: az.zone,
    availabilityZoneId: az.zoneId,
    vpcId: 'vpc-bench',
    subnetId: az.subnet,
    privateIp: ip!,
    shape,
    labels: { 'eks.amazonaws.com/nodegroup': 'bench', 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
    taints: [],
    launchTime: Date.now(),
  });
}
const maxPods = network.maxPods(machines[0]!);

const deadline = performance.now() + TIMEOUT_MS;
const loadStart = loadavg();
const cpuStart = process.cpuUsage();
const start = performance.now();
for (const m of machines) fleet.addMachine(m);
const phases: Phase[] = [];
const phase = (name: string, startedAt: number, ok: boolean, reached: number, target: number) => {
  const end = performance.now();
  phases.push({ name, atMs: ok ? end - start : undefined, durationMs: ok ? end - startedAt : undefined, reached, target });
  out(`${name}: ${reached}/${target}${ok ? ` in ${((end - startedAt) / 1000).toFixed(1)} s` : ' — timed out'}`);
  return ok;
};

let ok = await until(() => readyNodes.size >= NODES, deadline, () => `nodes Ready ${readyNodes.size}/${NODES}`);
phase('Nodes Ready', start, ok, readyNodes.size, NODES);

let podsStart: number | undefined;
let lastReady: number | undefined;
if (ok) {
  const ns = { group: '', version: 'v1', resource: 'namespaces' };
  await client.create(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } } as Obj<unknown>);
  podsStart = performance.now();
  const deps = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'bench' };
  for (let d = 0; d < DEPLOYMENTS; d++) {
    const replicas = Math.min(REPLICAS, TOTAL - d * REPLICAS);
    if (replicas <= 0) break;
    const labels = { app: `bench-${d}` };
    await client.create<Obj<Deployment>>(deps, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `bench-${d}`, namespace: 'bench' },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] } },
      },
    });
  }
  out(`${DEPLOYMENTS} Deployments created (${TOTAL} replicas)`);
  const unschedulable = () => podInformer.list().filter((p) => p.metadata?.namespace === 'bench' && p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')).length;
  const tainted = () => nodeInformer.list().filter((n) => n.spec?.taints?.length).length;
  const status = () => `nodes Ready ${readyNodes.size} (tainted ${tainted()}), unschedulable ${unschedulable()}, pods bound ${bound.size}, Running+Ready ${running.size} / ${TOTAL} (pods created ${podInformer.list().filter((p) => p.metadata?.namespace === 'bench').length})`;
  ok = await until(() => bound.size >= TOTAL, deadline, status);
  phase('Pods bound', podsStart, ok, bound.size, TOTAL);
  const boundAt = performance.now();
  if (ok) {
    ok = await until(() => running.size >= TOTAL, deadline, status);
    lastReady = ok ? performance.now() : undefined;
    phase('Pods Running+Ready', boundAt, ok, running.size, TOTAL);
  } else phases.push({ name: 'Pods Running+Ready', atMs: undefined, durationMs: undefined, reached: running.size, target: TOTAL });
} else {
  phases.push({ name: 'Pods bound', atMs: undefined, durationMs: undefined, reached: 0, target: TOTAL });
  phases.push({ name: 'Pods Running+Ready', atMs: undefined, durationMs: undefined, reached: 0, target: TOTAL });
}
const loadEnd = loadavg();
const cpu = process.cpuUsage(cpuStart);
const wallEnd = performance.now();

// Memory, once things are quiet.
await new Promise((r) => setTimeout(r, 2000));
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const mem = process.memoryUsage();
clearInterval(sampler);
peakRss = Math.max(peakRss, mem.rss, process.resourceUsage().maxRSS * 1024);
const MiB = 2 ** 20;
const results: SizeResult = {
  nodes: NODES,
  podsPerNode: PER_NODE,
  deployments: DEPLOYMENTS,
  replicasPerDeployment: REPLICAS,
  instanceType: INSTANCE_TYPE,
  maxPods,
  security: SECURITY,
  timings: TIMINGS as Record<string, number>,
  load: { start: loadStart, end: loadEnd },
  cpu: { userS: cpu.user / 1e6, systemS: cpu.system / 1e6, wallS: (wallEnd - start) / 1000 },
  phases,
  podsPerSecond: podsStart !== undefined && lastReady !== undefined ? (TOTAL / (lastReady - podsStart)) * 1000 : undefined,
  complete: lastReady !== undefined,
  timeoutMs: TIMEOUT_MS,
  memory: { peakRssMiB: peakRss / MiB, rssMiB: mem.rss / MiB, heapUsedMiB: mem.heapUsed / MiB, heapTotalMiB: mem.heapTotal / MiB, externalMiB: mem.external / MiB, gc: gc !== undefined },
};
out(`${results.complete ? 'complete' : 'NOT complete'}; ${results.podsPerSecond?.toFixed(0) ?? '—'} pods/s; CPU ${(results.cpu.userS + results.cpu.systemS).toFixed(0)} s in ${results.cpu.wallS.toFixed(0)} s; peak RSS ${results.memory.peakRssMiB.toFixed(0)} MiB, settled RSS ${results.memory.rssMiB.toFixed(0)} MiB, heap ${results.memory.heapUsedMiB.toFixed(0)} MiB of ${results.memory.heapTotalMiB.toFixed(0)}, external ${results.memory.externalMiB.toFixed(0)} MiB${gc ? ' (after gc)' : ''}`);
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);

await fleet.stop();
await scheduler.stop();
await controllers.stop();
api.stop();
await store.close();
process.exit(0);
