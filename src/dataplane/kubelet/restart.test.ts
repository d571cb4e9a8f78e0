import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { SharedInformers } from '../../kubeclient/shared-informers.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { inProcessTransport, startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import type { PodNetwork, SimulatedMachine } from '../contracts.js';
import { KubeletFleet } from './fleet.js';

/** A network that knows addresses by pod uid and is told about adopted ones. */
class TestNetwork implements PodNetwork {
  readonly assigned = new Map<string, string>();
  readonly adopted: string[] = [];
  private next = 10;
  async attachMachine(): Promise<void> {}
  async detachMachine(): Promise<void> {}
  maxPods(): number {
    return 29;
  }
  async setUp(_m: SimulatedMachine, pod: { uid: string }): Promise<{ ip: string }> {
    let ip = this.assigned.get(pod.uid);
    if (!ip) this.assigned.set(pod.uid, (ip = `10.0.1.${this.next++}`));
    return { ip };
  }
  async tearDown(_m: SimulatedMachine, uid: string): Promise<void> {
    this.assigned.delete(uid);
  }
  async adopt(_m: SimulatedMachine, pod: { name: string; uid: string }, ip: string): Promise<void> {
    this.adopted.push(`${pod.name}=${ip}`);
    this.assigned.set(pod.uid, ip);
  }
}

const machine: SimulatedMachine = {
  instanceId: 'i-00000000000000001',
  nodeName: 'ip-10-0-1-5.us-west-2.compute.internal',
  region: 'us-west-2',
  availabilityZone: 'us-west-2a',
  vpcId: 'vpc-1',
  subnetId: 'subnet-1',
  privateIp: '10.0.1.5',
  shape: { instanceType: 'm5.large', vcpus: 2, memoryMiB: 8192, enis: 3, ipv4PerEni: 10, architecture: 'amd64', hypervisor: 'nitro' },
  labels: {},
  taints: [],
  launchTime: Date.UTC(2026, 0, 1),
};
const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
// Whole seconds everywhere, so the second-resolution timestamps of the status carry exact times.
const timings = { bootMs: 1000, sandboxMs: 1000, pullMs: 1000, startMs: 1000 };

describe('kubelet restart adopts running pods', () => {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const network = new TestNetwork();
  const step = { clock, stepMs: 200, timeoutMs: 8000 };
  let cluster: InProcessCluster;
  let admin: KubeClient;
  let fleet: KubeletFleet;

  function startFleet(): KubeletFleet {
    const log = silentLogger();
    const f = new KubeletFleet({
      informers: new SharedInformers(admin, clock, log),
      clock,
      log,
      network,
      transportFor: (m) => inProcessTransport(cluster.api, { name: `system:node:${m.nodeName}`, groups: ['system:nodes', 'system:authenticated'] }),
      timings,
    });
    f.start();
    f.addMachine(machine);
    return f;
  }
  const get = (name: string) => admin.get<Pod & KubeObject>({ ...PODS, name });
  async function reasons(name: string): Promise<string> {
    const evs = (await admin.list<Event & KubeObject>({ ...PODS, resource: 'events' })).items.filter((e) => e.involvedObject.name === name);
    return evs.map((e) => `${e.reason}×${e.count}`).sort().join(' ');
  }
  async function bind(pod: Pod): Promise<void> {
    const created = await admin.create<Pod & KubeObject>(PODS, pod as Pod & KubeObject);
    await admin.create({ ...PODS, name: created.metadata!.name!, subresource: 'binding' }, { apiVersion: 'v1', kind: 'Binding', metadata: { name: created.metadata!.name! }, target: { kind: 'Node', name: machine.nodeName } });
  }

  before(async () => {
    cluster = await startInProcessCluster({ clock });
    admin = new KubeClient(cluster.transport);
    fleet = startFleet();
    await eventually(() => fleet.machineState(machine.instanceId)?.phase === 'registered', step);
  });
  after(async () => {
    await fleet.stop();
    await cluster.stop();
  });

  it('keeps a Ready pod as it is and a Job pod finishing at its original time', async () => {
    await bind({ metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 10 } }] } });
    await bind({ metadata: { name: 'job', annotations: { 'eksplane.io/run-seconds': '120' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } });
    const web = await eventually(async () => {
      const p = await get('web');
      return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    }, step);
    const job = await eventually(async () => {
      const p = await get('job');
      return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    }, step);
    const jobStarted = Date.parse(job.status!.containerStatuses![0]!.state!.running!.startedAt!);
    const eventsBefore = [await reasons('web'), await reasons('job')];

    // The server restarts: the kubelets stop, 20 s pass, a new fleet comes up over the same API.
    await fleet.stop();
    clock.advance(20_000);
    fleet = startFleet();
    await eventually(() => fleet.machineState(machine.instanceId)?.phase === 'registered', step);
    for (let i = 0; i < 10; i++) {
      clock.advance(500);
      await new Promise((r) => setTimeout(r, 5));
    }
    const webAfter = await get('web');
    assert.deepEqual(webAfter.status, web.status, 'the Ready pod is untouched');
    assert.deepEqual((await get('job')).status, job.status, 'the Job pod still runs as before');
    assert.deepEqual([await reasons('web'), await reasons('job')], eventsBefore, 'no Pulled/Started again');
    assert.deepEqual(network.adopted.sort(), [`job=${job.status!.podIP}`, `web=${web.status!.podIP}`]);

    const done = await eventually(async () => {
      const p = await get('job');
      return p.status?.phase === 'Succeeded' ? p : undefined;
    }, { ...step, stepMs: 2000 });
    const term = done.status!.containerStatuses![0]!.state!.terminated!;
    assert.equal(Date.parse(term.startedAt!), jobStarted);
    assert.equal(Date.parse(term.finishedAt!) - jobStarted, 120_000, 'finished at its original end');
    await eventually(() => !network.assigned.has(done.metadata!.uid!), step);
    // The web pod is still the kubelet's: deleting it stops it and releases its address.
    await admin.delete({ ...PODS, name: 'web' }, { gracePeriodSeconds: 1 });
    await eventually(async () => {
      try {
        await get('web');
        return false;
      } catch {
        return true;
      }
    }, step);
    assert.equal(network.assigned.has(web.metadata!.uid!), false, 'its address went back on deletion');
  });

  it('takes over a CrashLoopBackOff container and restarts it after the remaining back-off', async () => {
    await bind({ metadata: { name: 'crash', annotations: { 'eksplane.io/crash-after-seconds': '2' } }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
    const backoff = await eventually(async () => {
      const p = await get('crash');
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    }, { ...step, stepMs: 500 });
    const cs = backoff.status!.containerStatuses![0]!;
    await fleet.stop();
    fleet = startFleet();
    await eventually(() => fleet.machineState(machine.instanceId)?.phase === 'registered', step);
    const restarted = await eventually(async () => {
      const p = await get('crash');
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) > cs.restartCount ? p : undefined;
    }, { ...step, stepMs: 500 });
    const again = restarted.status!.containerStatuses![0]!;
    assert.equal(again.restartCount, cs.restartCount + 1);
    // Back-off 10 s after the second crash (kubelet: 10 s, doubling), counted from the last exit.
    assert.equal(Date.parse(again.state!.running!.startedAt!) - Date.parse(cs.lastState!.terminated!.finishedAt!), 10_000);
  });
});
