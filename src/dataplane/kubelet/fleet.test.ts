import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { ApiServer } from '../../apiserver/api-server.js';
import { builtinIndexes, builtinResources } from '../../apiserver/registry/builtin.js';
import { KubeClient } from '../../kubeclient/client.js';
import { KubeApiError } from '../../kubeclient/errors.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { bootstrapCluster } from '../../server/bootstrap.js';
import { clusterSecurity } from '../../server/cluster-security.js';
import { inProcessTransport } from '../../server/in-process-transport.js';
import { kubernetesVersion } from '../../server/version.js';
import { openMemoryStore } from '../../store/memory/memory-store.js';
import { PodNetworkError, type PodNetwork, type SimulatedMachine } from '../contracts.js';
import { KubeletFleet } from './fleet.js';

const CNI_FAILURE = 'plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container';

/** A trivial VPC CNI: 10.0.<node>.<n> per pod uid; `full` nodes have no address left. */
class TestNetwork implements PodNetwork {
  readonly assigned = new Map<string, string>();
  readonly full = new Set<string>();
  private next = 10;
  async attachMachine(): Promise<void> {}
  async detachMachine(): Promise<void> {}
  maxPods(): number {
    return 29;
  }
  async setUp(m: SimulatedMachine, pod: { uid: string }): Promise<{ ip: string }> {
    if (this.full.has(m.nodeName)) throw new PodNetworkError(CNI_FAILURE);
    let ip = this.assigned.get(pod.uid);
    if (!ip) this.assigned.set(pod.uid, (ip = `10.0.${m.privateIp.split('.')[2]}.${this.next++}`));
    return { ip };
  }
  async tearDown(_m: SimulatedMachine, uid: string): Promise<void> {
    this.assigned.delete(uid);
  }
  async adopt(_m: SimulatedMachine, pod: { uid: string }, ip: string): Promise<void> {
    this.assigned.set(pod.uid, ip);
  }
}

function machine(n: number): SimulatedMachine {
  return {
    instanceId: `i-0000000000000000${n}`,
    nodeName: `ip-10-0-${n}-10.us-west-2.compute.internal`,
    region: 'us-west-2',
    availabilityZone: 'us-west-2a',
    availabilityZoneId: 'usw2-az1',
    vpcId: 'vpc-1',
    subnetId: 'subnet-1',
    privateIp: `10.0.${n}.10`,
    shape: { instanceType: 'm5.large', vcpus: 2, memoryMiB: 8192, enis: 3, ipv4PerEni: 10, architecture: 'amd64', hypervisor: 'nitro' },
    labels: { 'eks.amazonaws.com/nodegroup': 'ng-1' },
    taints: [],
    launchTime: Date.UTC(2026, 0, 1),
  };
}

const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };

describe('KubeletFleet', () => {
  const clock = new ManualClock();
  const network = new TestNetwork();
  let api: ApiServer;
  let admin: KubeClient;
  let fleet: KubeletFleet;
  let stopStore: () => Promise<void>;
  const step = { clock, stepMs: 200, timeoutMs: 8000 };

  before(async () => {
    const store = await openMemoryStore();
    stopStore = () => store.close();
    const log = silentLogger();
    const security = clusterSecurity({ lookup: () => api, clock, log });
    api = new ApiServer({ store, clock, log, resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion('1.32'), authorize: security.authorize, admission: security.admission });
    await api.start();
    await security.afterStart(api);
    await bootstrapCluster(api);
    admin = new KubeClient(inProcessTransport(api));
    await admin.create({ group: '', version: 'v1', resource: 'serviceaccounts', namespace: 'default' }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    const informers = new SharedInformers(admin, clock, log);
    fleet = new KubeletFleet({
      informers,
      clock,
      log,
      network,
      // Machine 9 authenticates as a node name without the system:nodes group: its role is not mapped.
      transportFor: (m) => inProcessTransport(api, { name: `system:node:${m.nodeName}`, groups: m.privateIp.endsWith('.9.10') ? ['system:authenticated'] : ['system:nodes', 'system:authenticated'] }),
      timings: { bootMs: 1000, pullMs: 1200, imagePulls: [{ pattern: 'big/', ms: 5000 }] },
    });
    api.podLogs = (ns, name, container, opts) => fleet.podLogs(ns, name, container, opts);
    fleet.start();
    await fleet.synced;
    fleet.addMachine(machine(1));
    fleet.addMachine(machine(2));
    await eventually(() => fleet.machineState(machine(1).instanceId)?.phase === 'registered' && fleet.machineState(machine(2).instanceId)?.phase === 'registered', step);
  });

  after(async () => {
    await fleet.stop();
    api.stop();
    await stopStore();
  });

  async function bind(pod: Pod, node = machine(1).nodeName): Promise<Pod> {
    const created = await admin.create<Pod & KubeObject>(PODS, pod as Pod & KubeObject);
    await admin.create({ ...PODS, name: created.metadata!.name!, subresource: 'binding' }, { apiVersion: 'v1', kind: 'Binding', metadata: { name: created.metadata!.name! }, target: { kind: 'Node', name: node } });
    return created;
  }
  const get = (name: string) => admin.get<Pod & KubeObject>({ ...PODS, name });
  const events = async (name: string) => (await admin.list<Event & KubeObject>({ ...PODS, resource: 'events' })).items.filter((e) => e.involvedObject.name === name);
  const cond = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);

  it('registers Nodes as the EKS AMI kubelet does, with the reserved allocatable', async () => {
    const node = await admin.get<Node & KubeObject>({ group: '', version: 'v1', resource: 'nodes', name: machine(1).nodeName });
    const l = node.metadata!.labels!;
    assert.equal(l['kubernetes.io/hostname'], machine(1).nodeName);
    assert.equal(l['node.kubernetes.io/instance-type'], 'm5.large');
    assert.equal(l['topology.kubernetes.io/zone'], 'us-west-2a');
    assert.equal(l['topology.k8s.aws/zone-id'], 'usw2-az1');
    assert.equal(l['eks.amazonaws.com/nodegroup'], 'ng-1');
    assert.equal(node.spec!.providerID, `aws:///us-west-2a/${machine(1).instanceId}`);
    assert.deepEqual(node.status!.capacity, { cpu: '2', 'ephemeral-storage': '20959212Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8388608Ki', pods: '29' });
    // 2 cores: 60m + 10m reserved; memory: 8192Mi − (255Mi + 11Mi × 29) − 100Mi eviction = 7518Mi.
    assert.equal(node.status!.allocatable!.cpu, '1930m');
    assert.equal(node.status!.allocatable!.memory, `${7518 * 1024}Ki`);
    assert.equal(node.status!.allocatable!.pods, '29');
    assert.equal(node.status!.nodeInfo!.kubeletVersion, kubernetesVersion('1.32').gitVersion);
    const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
    assert.deepEqual([ready.status, ready.reason, ready.message], ['True', 'KubeletReady', 'kubelet is posting ready status']);
    assert.deepEqual(node.status!.addresses!.map((a) => a.type), ['InternalIP', 'InternalDNS', 'Hostname']);
  });

  it('renews the node Lease every 10 s', async () => {
    const ref = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease', name: machine(1).nodeName };
    const first = await admin.get<Lease & KubeObject>(ref);
    assert.equal(first.spec!.holderIdentity, machine(1).nodeName);
    assert.equal(first.spec!.leaseDurationSeconds, 40);
    assert.equal(first.metadata!.ownerReferences![0]!.kind, 'Node');
    await eventually(async () => (await admin.get<Lease & KubeObject>(ref)).spec!.renewTime !== first.spec!.renewTime, { ...step, stepMs: 1000 });
  });

  it('reports join-failed when the node identity is refused', async () => {
    fleet.addMachine(machine(9));
    const state = await eventually(() => (fleet.machineState(machine(9).instanceId)?.phase === 'join-failed' ? fleet.machineState(machine(9).instanceId) : undefined), step);
    assert.match(state.reason!, /forbidden/);
  });

  it('runs a pod: ContainerCreating → Running → Ready with an IP and the kubelet events', async () => {
    await bind({ metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5, periodSeconds: 10 } }] } });
    const creating = await eventually(async () => {
      const p = await get('web');
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating' ? p : undefined;
    }, { ...step, stepMs: 10 });
    assert.equal(creating.status!.phase, 'Pending');
    const running = await eventually(async () => {
      const p = await get('web');
      return p.status?.phase === 'Running' ? p : undefined;
    }, step);
    assert.match(running.status!.podIP!, /^10\.0\.1\.\d+$/);
    assert.equal(running.status!.hostIP, '10.0.1.10');
    assert.equal(cond(running, 'Ready')!.status, 'False');
    const cs = running.status!.containerStatuses![0]!;
    assert.equal(cs.image, 'docker.io/library/nginx:1.25');
    assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(cs.containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
    const ready = await eventually(async () => {
      const p = await get('web');
      return cond(p, 'Ready')?.status === 'True' ? p : undefined;
    }, step);
    assert.equal(Date.parse(cond(ready, 'Ready')!.lastTransitionTime!) - Date.parse(cs.state!.running!.startedAt!), 15_000);
    assert.deepEqual(ready.status!.conditions!.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    const evs = await events('web');
    const byReason = (r: string) => evs.find((e) => e.reason === r)?.message;
    assert.equal(byReason('Pulling'), 'Pulling image "nginx:1.25"');
    assert.match(byReason('Pulled')!, /^Successfully pulled image "nginx:1\.25" in 1\.2s \(1\.2s including waiting\)\. Image size: \d+ bytes\.$/);
    assert.equal(byReason('Created'), 'Created container: web');
    assert.equal(byReason('Started'), 'Started container web');
    assert.equal(evs.find((e) => e.reason === 'Started')!.source!.host, machine(1).nodeName);
  });

  it('runs init containers in order, then completes a Job-style pod', async () => {
    await bind({ metadata: { name: 'job' }, spec: { restartPolicy: 'Never', initContainers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }], containers: [{ name: 'main', image: 'busybox' }] } });
    const initializing = await eventually(async () => {
      const p = await get('job');
      return p.status?.initContainerStatuses?.[0]?.state?.running ? p : undefined;
    }, { ...step, stepMs: 50 });
    assert.equal(initializing.status!.initContainerStatuses![1]!.state!.waiting!.reason, 'PodInitializing');
    assert.equal(cond(initializing, 'Initialized')!.message, 'containers with incomplete status: [a b]');
    const done = await eventually(async () => {
      const p = await get('job');
      return p.status?.phase === 'Succeeded' ? p : undefined;
    }, step);
    assert.deepEqual(done.status!.initContainerStatuses!.map((c) => c.state!.terminated!.reason), ['Completed', 'Completed']);
    assert.equal(done.status!.containerStatuses![0]!.state!.terminated!.exitCode, 0);
    assert.deepEqual([cond(done, 'Ready')!.reason, cond(done, 'Initialized')!.reason], ['PodCompleted', 'PodCompleted']);
    await eventually(() => !network.assigned.has(done.metadata!.uid!), step);
    const a = Date.parse(done.status!.initContainerStatuses![0]!.state!.terminated!.finishedAt!);
    const b = Date.parse(done.status!.initContainerStatuses![1]!.state!.terminated!.startedAt!);
    assert.ok(b >= a, 'init container b starts after a completed');
  });

  it('fails a Never pod whose container exits non-zero', async () => {
    await bind({ metadata: { name: 'fail', annotations: { 'eksplane.io/exit-code': '3' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } });
    const p = await eventually(async () => {
      const x = await get('fail');
      return x.status?.phase === 'Failed' ? x : undefined;
    }, step);
    assert.deepEqual([p.status!.containerStatuses![0]!.state!.terminated!.exitCode, p.status!.containerStatuses![0]!.state!.terminated!.reason], [3, 'Error']);
  });

  it('restarts a crashing container with CrashLoopBackOff back-off', async () => {
    await bind({ metadata: { name: 'crash', annotations: { 'eksplane.io/crash-after-seconds': '2' } }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
    const looping = await eventually(async () => {
      const p = await get('crash');
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    }, step);
    const cs = looping.status!.containerStatuses![0]!;
    assert.equal(cs.restartCount, 1);
    assert.equal(cs.state!.waiting!.message, `back-off 10s restarting failed container=app pod=crash_default(${looping.metadata!.uid})`);
    assert.deepEqual([cs.lastState!.terminated!.reason, cs.lastState!.terminated!.exitCode], ['Error', 1]);
    assert.equal(looping.status!.phase, 'Running');
    const second = await eventually(async () => {
      const p = await get('crash');
      const w = p.status?.containerStatuses?.[0];
      return w?.restartCount === 2 && w.state?.waiting?.message?.startsWith('back-off 20s') ? p : undefined;
    }, { ...step, stepMs: 500 });
    assert.ok(second);
    assert.ok((await events('crash')).some((e) => e.reason === 'BackOff' && e.message === `Back-off restarting failed container app in pod crash_default(${looping.metadata!.uid})`));
    // The log shows this instance; --previous the one before.
    const prev = await api.handle(logRequest('crash', 'previous=true'));
    assert.equal(prev.status, 200);
    assert.match(String(prev.body), /container app exited with code 1/);
  });

  it('stops a deleted pod within its grace period, releases the IP and removes it', async () => {
    const pod = await bind({ metadata: { name: 'del' }, spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'c', image: 'nginx:1.25' }] } });
    await eventually(async () => (await get('del')).status?.phase === 'Running', step);
    assert.ok(network.assigned.has(pod.metadata!.uid!));
    await admin.delete({ ...PODS, name: 'del' });
    await eventually(async () => {
      try {
        await get('del');
        return false;
      } catch (err) {
        return err instanceof KubeApiError && err.code === 404;
      }
    }, step);
    assert.ok(!network.assigned.has(pod.metadata!.uid!));
    assert.ok((await events('del')).some((e) => e.reason === 'Killing' && e.message === 'Stopping container c'));
  });

  it('keeps a pod ContainerCreating with FailedCreatePodSandBox when the CNI has no address', async () => {
    network.full.add(machine(2).nodeName);
    await bind({ metadata: { name: 'noip' }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } }, machine(2).nodeName);
    const ev = await eventually(async () => (await events('noip')).find((e) => e.reason === 'FailedCreatePodSandBox'), step);
    assert.match(ev.message!, /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="aws-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container$/);
    assert.equal(ev.type, 'Warning');
    const p = await get('noip');
    assert.equal(p.status!.containerStatuses![0]!.state!.waiting!.reason, 'ContainerCreating');
    assert.equal(cond(p, 'PodReadyToStartContainers')!.status, 'False');
    network.full.delete(machine(2).nodeName);
    await eventually(async () => (await get('noip')).status?.phase === 'Running', { ...step, stepMs: 1000 });
  });

  it('rejects a pod over the node allocatable with OutOfcpu', async () => {
    await bind({ metadata: { name: 'big' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '3' } } }] } }, machine(2).nodeName);
    const p = await eventually(async () => {
      const x = await get('big');
      return x.status?.phase === 'Failed' ? x : undefined;
    }, step);
    assert.equal(p.status!.reason, 'OutOfcpu');
    assert.equal(p.status!.message, 'Pod was rejected: Node didn\'t have enough resource: cpu, requested: 3000, used: 0, capacity: 1930');
  });

  function logRequest(name: string, query = '', sub = 'log', method = 'GET') {
    return { method, path: `/api/v1/namespaces/default/pods/${name}/${sub}`, query: new URLSearchParams(query), headers: {}, user: { name: 'admin', groups: ['system:masters'] }, signal: new AbortController().signal };
  }

  it('serves pods/log with the lifecycle record, and the real errors', async () => {
    await bind({ metadata: { name: 'logs' }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'side', image: 'busybox' }] } });
    await eventually(async () => (await get('logs')).status?.phase === 'Running', step);
    const ok = await api.handle(logRequest('logs', 'container=web'));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-type'], 'text/plain');
    assert.match(String(ok.body), /eksplane-kubelet: container web started from image nginx:1\.25 \(simulated runtime: no process output\)\n/);
    const tail = await api.handle(logRequest('logs', 'container=web&tailLines=1&timestamps=true'));
    assert.equal(String(tail.body).split('\n').length, 2);
    assert.match(String(tail.body), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
    const noContainer = await api.handle(logRequest('logs'));
    assert.equal(noContainer.status, 400);
    assert.equal(JSON.parse(String(noContainer.body)).message, 'a container name must be specified for pod logs, choose one of: [web side]');
    const bad = await api.handle(logRequest('logs', 'container=x'));
    assert.equal(JSON.parse(String(bad.body)).message, 'container x is not valid for pod logs');
    const missing = await api.handle(logRequest('nope'));
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(String(missing.body)).message, 'pods "nope" not found');
    const noPrev = await api.handle(logRequest('logs', 'container=web&previous=true'));
    assert.equal(JSON.parse(String(noPrev.body)).message, 'previous terminated container "web" in pod "logs" not found');
  });

  it('answers exec, attach and port-forward with a BadRequest Status', async () => {
    for (const [sub, method] of [['exec', 'POST'], ['exec', 'GET'], ['attach', 'POST'], ['portforward', 'GET']] as const) {
      const r = await api.handle(logRequest('web', sub === 'portforward' ? '' : 'container=web&command=sh', sub, method));
      assert.equal(r.status, 400, sub);
      const st = JSON.parse(String(r.body));
      assert.equal(st.kind, 'Status');
      assert.equal(st.reason, 'BadRequest');
      assert.match(st.message, /is not supported by eksplane's simulated container runtime: no processes run$/);
    }
  });
});
