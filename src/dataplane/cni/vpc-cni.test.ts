import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { PodNetworkError, type MachineShape, type SimulatedMachine } from '../contracts.js';
import { DEFAULT_CNI_CONFIG, type CniConfig } from './config.js';
import { MemorySubnets } from './testing.js';
import { VpcCni } from './vpc-cni.js';

const T3_SMALL: MachineShape = { instanceType: 't3.small', vcpus: 2, memoryMiB: 2048, enis: 3, ipv4PerEni: 4, architecture: 'amd64', hypervisor: 'nitro' };
const T3_MEDIUM: MachineShape = { instanceType: 't3.medium', vcpus: 2, memoryMiB: 4096, enis: 3, ipv4PerEni: 6, architecture: 'amd64', hypervisor: 'nitro' };

let seq = 0;
async function machine(subnets: MemorySubnets, subnetId: string, shape: MachineShape, extra: Partial<SimulatedMachine> = {}): Promise<SimulatedMachine> {
  const [privateIp] = await subnets.allocate(subnetId, 1, 'eni-primary'); // the instance's own address, as RunInstances takes it (its primary ENI holds it)
  const n = ++seq;
  return {
    instanceId: `i-${n.toString(16).padStart(17, '0')}`,
    nodeName: `ip-${privateIp!.replaceAll('.', '-')}.ec2.internal`,
    region: 'us-east-1',
    availabilityZone: 'us-east-1a',
    vpcId: 'vpc-1',
    subnetId,
    privateIp: privateIp!,
    shape,
    labels: {},
    taints: [],
    launchTime: 0,
    ...extra,
  };
}

function cni(subnets: MemorySubnets, cfg: Partial<CniConfig> = {}, clock = new ManualClock()) {
  const config = { ...DEFAULT_CNI_CONFIG, ...cfg };
  return new VpcCni({ addresses: subnets, clock, log: silentLogger(), config: () => config });
}

const pod = (i: number) => ({ namespace: 'default', name: `p${i}`, uid: `uid-${i}` });

async function fill(c: VpcCni, m: SimulatedMachine, n: number, from = 0): Promise<string[]> {
  const ips: string[] = [];
  for (let i = from; i < from + n; i++) ips.push((await c.setUp(m, pod(i))).ip);
  return ips;
}

describe('VpcCni warm pool (docs/eni-and-ip-target.md)', () => {
  it('WARM_ENI_TARGET=1 on t3.small: 1 ENI/3 IPs idle, 3 ENIs/9 IPs at 5 pods, none left at 9', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24');
    const c = cni(subnets);
    const m = await machine(subnets, 'subnet-a', T3_SMALL);
    await c.attachMachine(m);
    assert.deepEqual(c.pool(m)?.ipsPerEni, [3]);
    assert.equal(subnets.available('subnet-a'), 251 - 1 - 3);
    await fill(c, m, 5);
    const p5 = c.pool(m)!;
    assert.deepEqual([p5.enis, p5.totalIps, p5.availableIps, p5.ipsPerEni], [3, 9, 4, [3, 3, 3]]);
    // two secondary ENIs: their own addresses come from the subnet too
    assert.equal(subnets.available('subnet-a'), 251 - 1 - 9 - 2);
    await fill(c, m, 4, 5);
    assert.equal(c.pool(m)!.availableIps, 0);
    assert.equal(c.pool(m)!.maxPods, 11);
  });

  it('WARM_IP_TARGET=1, MINIMUM_IP_TARGET=1: one spare address, ENIs filled as needed', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24');
    const c = cni(subnets, { warmIpTarget: 1, minimumIpTarget: 1 });
    const m = await machine(subnets, 'subnet-a', T3_SMALL);
    await c.attachMachine(m);
    assert.deepEqual(c.pool(m)?.ipsPerEni, [1]);
    await fill(c, m, 5);
    assert.deepEqual([c.pool(m)!.ipsPerEni, c.pool(m)!.availableIps], [[3, 3], 1]);
  });

  it('WARM_IP_TARGET=2, MINIMUM_IP_TARGET=5: 5 addresses idle (3,2), 7 at 5 pods (3,3,1)', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24');
    const c = cni(subnets, { warmIpTarget: 2, minimumIpTarget: 5 });
    const m = await machine(subnets, 'subnet-a', T3_SMALL);
    await c.attachMachine(m);
    assert.deepEqual(c.pool(m)?.ipsPerEni, [3, 2]);
    await fill(c, m, 5);
    assert.deepEqual(c.pool(m)?.ipsPerEni, [3, 3, 1]);
  });

  it('freed addresses cool down for IP_COOLDOWN_PERIOD before another pod gets them', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24');
    const clock = new ManualClock();
    const c = cni(subnets, {}, clock);
    const m = await machine(subnets, 'subnet-a', T3_SMALL);
    await c.attachMachine(m);
    const ips = await fill(c, m, 9);
    await c.tearDown(m, 'uid-0');
    await c.tearDown(m, 'uid-0'); // idempotent
    await assert.rejects(c.setUp(m, pod(100)), PodNetworkError);
    clock.advance(30_001);
    assert.equal((await c.setUp(m, pod(100))).ip, ips[0]);
    assert.equal((await c.setUp(m, pod(100))).ip, ips[0], 'ADD is idempotent per pod uid');
  });
});

describe('VpcCni prefix delegation (docs/prefix-and-ip-target.md)', () => {
  it('WARM_PREFIX_TARGET=1 on t3.small: 1 prefix idle, 2 at 5 pods, 3 at 17, 5 on 2 ENIs at 58', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/22');
    const c = cni(subnets, { prefixDelegation: true });
    const m = await machine(subnets, 'subnet-a', T3_SMALL);
    await c.attachMachine(m);
    assert.equal(c.pool(m)!.prefixes, 1);
    assert.equal(c.pool(m)!.maxPods, 110);
    await fill(c, m, 5);
    assert.equal(c.pool(m)!.prefixes, 2);
    await fill(c, m, 12, 5);
    assert.equal(c.pool(m)!.prefixes, 3);
    await fill(c, m, 41, 17);
    const p = c.pool(m)!;
    assert.deepEqual([p.prefixes, p.ipsPerEni, p.availableIps], [5, [48, 32], 22]);
    await c.detachMachine(m);
    assert.equal(subnets.available('subnet-a'), 1019 - 1);
  });

  it('xen machines stay on secondary IPs', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24');
    const c = cni(subnets, { prefixDelegation: true });
    const m = await machine(subnets, 'subnet-a', { ...T3_SMALL, instanceType: 'm4.large', hypervisor: 'xen' });
    await c.attachMachine(m);
    assert.deepEqual([c.pool(m)!.prefixes, c.pool(m)!.ipsPerEni], [0, [3]]);
  });
});

describe('VpcCni custom networking', () => {
  const eniConfigs = { 'us-east-1a': { subnet: 'subnet-pods-a', securityGroups: ['sg-1'] }, special: { subnet: 'subnet-pods-b', securityGroups: [] } };

  it('pods get addresses from the ENIConfig named after the zone; the primary ENI carries none', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24').add('subnet-pods-a', '100.64.0.0/24').add('subnet-pods-b', '100.64.1.0/24');
    const c = cni(subnets, { customNetworking: true, eniConfigLabelDef: 'topology.kubernetes.io/zone', eniConfigs });
    const m = await machine(subnets, 'subnet-a', T3_MEDIUM);
    assert.equal(c.maxPods(m), 12);
    await c.attachMachine(m);
    const p = c.pool(m)!;
    assert.deepEqual([p.ipsPerEni, p.eniSubnets], [[0, 5], ['subnet-a', 'subnet-pods-a']]);
    const { ip } = await c.setUp(m, pod(1));
    assert.ok(subnets.contains('subnet-pods-a', ip), ip);
    assert.equal(subnets.available('subnet-a'), 251 - 1);
  });

  it('the node annotation k8s.amazonaws.com/eniConfig wins over the label', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24').add('subnet-pods-a', '100.64.0.0/24').add('subnet-pods-b', '100.64.1.0/24');
    const config = { ...DEFAULT_CNI_CONFIG, customNetworking: true, eniConfigLabelDef: 'topology.kubernetes.io/zone', eniConfigs };
    const c = new VpcCni({ addresses: subnets, clock: new ManualClock(), log: silentLogger(), config: () => config, nodeMeta: () => ({ annotations: { 'k8s.amazonaws.com/eniConfig': 'special' } }) });
    const m = await machine(subnets, 'subnet-a', T3_MEDIUM);
    await c.attachMachine(m);
    assert.ok(subnets.contains('subnet-pods-b', (await c.setUp(m, pod(1))).ip));
  });

  it('without a matching ENIConfig no pod gets an address', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24');
    const c = cni(subnets, { customNetworking: true, eniConfigs: {} });
    const m = await machine(subnets, 'subnet-a', T3_MEDIUM);
    await c.attachMachine(m);
    await assert.rejects(c.setUp(m, pod(1)), /failed to assign an IP address to container/);
  });
});

describe('VpcCni exhaustion and leaks', () => {
  it('fails ADD with aws-cni\'s message when the subnet is dry, and recovers once addresses come back', async () => {
    // /27: 32 − 5 reserved = 27 addresses; two t3.medium nodes take 2, leaving 25
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/27');
    const c = cni(subnets, { ipCooldownMs: 0 });
    const a = await machine(subnets, 'subnet-a', T3_MEDIUM);
    const b = await machine(subnets, 'subnet-a', T3_MEDIUM);
    await c.attachMachine(a);
    await c.attachMachine(b);
    const onA = await fill(c, a, 15); // 3 ENIs × 5: 15 pod addresses + 2 ENI addresses
    assert.equal(onA.length, 15);
    // b: 5 on its primary ENI, then one ENI (1 + 2 addresses) before the subnet runs out
    const onB = await fill(c, b, 7, 100);
    assert.equal(onB.length, 7);
    assert.equal(subnets.available('subnet-a'), 0);
    const err = await c.setUp(b, pod(200)).then(
      () => assert.fail('expected a PodNetworkError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PodNetworkError);
    assert.match(err.message, /^plugin type="aws-cni" name="aws-cni" failed \(add\): add cmd: failed to assign an IP address to container$/);
    await c.detachMachine(a);
    await c.detachMachine(a); // idempotent
    assert.ok((await c.setUp(b, pod(200))).ip);
  });

  it('5,000 ADD/DEL on 10 nodes: no address held twice, and every address goes back to the subnet', async () => {
    const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/22');
    const before = subnets.available('subnet-a');
    const clock = new ManualClock();
    const cfgs: Partial<CniConfig>[] = [{}, { warmIpTarget: 3, minimumIpTarget: 4 }, { prefixDelegation: true }];
    for (const cfg of cfgs) {
      const c = cni(subnets, cfg, clock);
      const nodes: SimulatedMachine[] = [];
      for (let i = 0; i < 10; i++) nodes.push(await machine(subnets, 'subnet-a', T3_MEDIUM));
      const nodeIps = nodes.map((n) => n.privateIp);
      for (const n of nodes) await c.attachMachine(n);
      const live = new Map<string, { node: SimulatedMachine; ip: string }>();
      const holders = new Map<string, string>();
      let rnd = 42;
      const next = () => Math.floor((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 65536); // high bits: the low ones of an LCG cycle
      for (let i = 0; i < 5000; i++) {
        const node = nodes[next() % nodes.length]!;
        const uids = [...live.keys()];
        if (uids.length > 0 && next() % 5 < 2) {
          const uid = uids[next() % uids.length]!;
          const p = live.get(uid)!;
          await c.tearDown(p.node, uid);
          live.delete(uid);
          holders.delete(p.ip);
        } else {
          const uid = `churn-${i}`;
          try {
            const { ip } = await c.setUp(node, { namespace: 'x', name: uid, uid });
            assert.equal(holders.get(ip), undefined, `${ip} handed out twice`);
            holders.set(ip, uid);
            live.set(uid, { node, ip });
          } catch (e) {
            assert.ok(e instanceof PodNetworkError, String(e));
          }
        }
        if (i % 50 === 0) clock.advance(31_000);
      }
      assert.ok(live.size > 0);
      for (const n of nodes) await c.detachMachine(n);
      await subnets.release('subnet-a', nodeIps);
      assert.equal(subnets.available('subnet-a'), before, JSON.stringify(cfg));
    }
  });
});

describe('VpcCni after a restart', () => {
  for (const mode of [{ name: 'secondary IPs', cfg: {} }, { name: 'prefixes', cfg: { prefixDelegation: true } }]) {
    it(`${mode.name}: a new ipamd finds the instance's addresses, adopted pods keep theirs, nothing leaks`, async () => {
      const subnets = new MemorySubnets().add('subnet-a', '10.0.0.0/24');
      const before = cni(subnets, mode.cfg);
      const m = await machine(subnets, 'subnet-a', T3_MEDIUM);
      await before.attachMachine(m);
      const ips = await fill(before, m, 7);
      const freeBefore = subnets.available('subnet-a');
      // The process restarts: a fresh CNI over the same subnets.
      const after = cni(subnets, mode.cfg);
      await after.attachMachine(m);
      assert.equal(subnets.available('subnet-a'), freeBefore, 'the recovered pool allocates nothing new');
      for (let i = 0; i < 7; i++) await after.adopt(m, pod(i), ips[i]!);
      const fresh = await fill(after, m, 3, 100);
      for (const ip of fresh) assert.ok(!ips.includes(ip), `${ip} was still held by an adopted pod`);
      for (let i = 0; i < 7; i++) await after.tearDown(m, pod(i).uid);
      for (let i = 100; i < 103; i++) await after.tearDown(m, pod(i).uid);
      await after.detachMachine(m);
      assert.equal(subnets.available('subnet-a'), 256 - 5 - 1, 'only the node\'s own address is still taken');
    });
  }
});
