/**
 * The Amazon VPC CNI (aws/amazon-vpc-cni-k8s) for the simulated machines of one cluster: ipamd's
 * per-node datastore of ENIs and addresses taken from the VPC's subnets, its warm pool
 * (WARM_ENI_TARGET, WARM_IP_TARGET / MINIMUM_IP_TARGET, WARM_PREFIX_TARGET), prefix delegation
 * and custom networking, and the CNI ADD/DEL the kubelet calls.
 *
 * Where ipamd tops the pool up from a reconcile loop every few seconds while ADDs fail in the
 * meantime, this one tops it up right after each change, and an ADD that finds no free address
 * first tries what the next reconcile would have (subnets may have freed addresses since) before
 * failing with aws-cni's "failed to assign an IP address to container". Operations on one node
 * run one at a time; an ADD or DEL is O(1) apart from the EC2-like calls that grow the pool.
 */
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { PodNetworkError, type PodNetwork, type SimulatedMachine, type SubnetAddresses } from '../contracts.js';
import type { CniConfig } from './config.js';
import { NodeDatastore, type DatastoreStats, type Eni } from './datastore.js';
import { eniConfigNameFor, type NodeMeta } from './eni-config-select.js';
import { maxPodsFor, supportsPrefixDelegation } from './max-pods.js';
import { ADD_CMD_NO_IP, NO_AVAILABLE_IP_IN_DATASTORE, pluginAddError } from './messages.js';
import { addressesShort, warmIpTargetsDefined } from './warm-pool.js';
import { createHash } from 'node:crypto';

/** What one VpcCni needs. */
export interface VpcCniOptions {
  addresses: SubnetAddresses;
  clock: Clock;
  log: Logger;
  /** The current configuration (CniConfigWatcher.config, or a constant). */
  config: () => CniConfig;
  /** The live Node's labels and annotations (for the ENIConfig annotation), when known. */
  nodeMeta?: (nodeName: string) => NodeMeta | undefined;
}

/** A node's pool as ipamd's introspection endpoint would show it. */
export interface NodePoolView extends DatastoreStats {
  /** Addresses (secondary IPs, or prefixes × 16) per ENI, in attach order. */
  ipsPerEni: number[];
  /** Subnet of each ENI, in attach order. */
  eniSubnets: string[];
  maxPods: number;
}

interface NodeState {
  machine: SimulatedMachine;
  ds: NodeDatastore;
  maxPods: number;
  maxEnis: number;
  /** Addresses one ENI can carry for pods (IPv4 per ENI − 1, or × 16 with prefixes). */
  ipsPerEni: number;
  chain: Promise<unknown>;
}

/** ipamd not serving (the machine was never attached or is gone): the CNI's gRPC dial fails. */
const IPAMD_UNAVAILABLE =
  'add cmd: Error received from AddNetwork gRPC call: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:50051: connect: connection refused"';

export class VpcCni implements PodNetwork {
  private readonly nodes = new Map<string, NodeState>();
  private readonly log: Logger;

  constructor(private readonly opts: VpcCniOptions) {
    this.log = opts.log.child({ controller: 'vpc-cni' });
  }

  /** max-pods for the machine in the current CNI mode, capped as managed node groups are. */
  maxPods(m: SimulatedMachine): number {
    const cfg = this.opts.config();
    return maxPodsFor(m.shape, { prefixDelegation: cfg.prefixDelegation, customNetworking: cfg.customNetworking, maxEni: cfg.maxEni });
  }

  async attachMachine(m: SimulatedMachine): Promise<void> {
    const existing = this.nodes.get(m.instanceId);
    if (existing) return void (await this.serial(existing, async () => undefined));
    const cfg = this.opts.config();
    const prefixMode = cfg.prefixDelegation && supportsPrefixDelegation(m.shape);
    const perEniSlots = Math.max(0, m.shape.ipv4PerEni - 1);
    const node: NodeState = {
      machine: m,
      ds: new NodeDatastore(prefixMode, cfg.ipCooldownMs),
      maxPods: this.maxPods(m),
      maxEnis: Math.min(m.shape.enis, cfg.maxEni ?? m.shape.enis),
      ipsPerEni: prefixMode ? perEniSlots * 16 : perEniSlots,
      chain: Promise.resolve(),
    };
    node.ds.addEni({
      id: eniId(m, 0),
      deviceNumber: 0,
      subnetId: m.subnetId,
      ownIp: undefined,
      ips: [],
      prefixes: [],
      slots: cfg.customNetworking ? 0 : perEniSlots,
    });
    this.nodes.set(m.instanceId, node);
    await this.serial(node, () => this.recover(node, cfg));
    this.log.info({ node: m.nodeName, prefixMode, customNetworking: cfg.customNetworking, maxPods: node.maxPods }, 'ipamd started');
    await this.serial(node, () => this.topUp(node));
  }

  async detachMachine(m: SimulatedMachine): Promise<void> {
    const node = this.nodes.get(m.instanceId);
    if (!node) return;
    await this.serial(node, async () => {
      if (this.nodes.get(m.instanceId) !== node) return;
      this.nodes.delete(m.instanceId);
      for (const eni of node.ds.enis) {
        for (const p of eni.prefixes) await this.opts.addresses.releasePrefix(eni.subnetId, p);
        const ips = eni.ownIp ? [eni.ownIp, ...eni.ips] : eni.ips;
        if (ips.length) await this.opts.addresses.release(eni.subnetId, ips);
      }
      this.log.info({ node: m.nodeName, enis: node.ds.enis.length }, 'released every ENI and address of the node');
    });
  }

  async setUp(m: SimulatedMachine, pod: { namespace: string; name: string; uid: string }): Promise<{ ip: string }> {
    const node = this.nodes.get(m.instanceId);
    if (!node) throw new PodNetworkError(pluginAddError(IPAMD_UNAVAILABLE));
    return this.serial(node, async () => {
      if (this.nodes.get(m.instanceId) !== node) throw new PodNetworkError(pluginAddError(IPAMD_UNAVAILABLE));
      let ip = node.ds.assign(pod.uid, this.opts.clock.now());
      if (ip === undefined) {
        await this.topUp(node);
        ip = node.ds.assign(pod.uid, this.opts.clock.now());
      }
      if (ip === undefined) {
        this.log.warn({ node: m.nodeName, ns: pod.namespace, pod: pod.name, ...node.ds.stats() }, NO_AVAILABLE_IP_IN_DATASTORE);
        throw new PodNetworkError(pluginAddError(ADD_CMD_NO_IP));
      }
      await this.topUp(node);
      return { ip };
    });
  }

  async tearDown(m: SimulatedMachine, podUid: string): Promise<void> {
    const node = this.nodes.get(m.instanceId);
    if (!node) return;
    await this.serial(node, async () => {
      node.ds.unassign(podUid, this.opts.clock.now());
    });
  }

  async adopt(m: SimulatedMachine, pod: { namespace: string; name: string; uid: string }, ip: string): Promise<void> {
    const node = this.nodes.get(m.instanceId);
    if (!node) return;
    await this.serial(node, async () => {
      if (!node.ds.claim(pod.uid, ip)) this.log.warn({ node: m.nodeName, ns: pod.namespace, pod: pod.name, ip }, 'adopted pod address is not in the datastore');
    });
  }

  /**
   * What a restarted ipamd finds on EC2: the addresses its instance already holds (in the node's
   * subnet and, with custom networking, the ENIConfig's) go back onto ENIs in the datastore, so
   * running pods can be adopted and nothing leaks. ENIs are rebuilt in address order: the primary
   * ENI's slots first, then one address as each secondary ENI's own and its slots; in prefix mode
   * whole aligned /28s become prefixes.
   */
  private async recover(node: NodeState, cfg: CniConfig): Promise<void> {
    const m = node.machine;
    const subnets = new Set([m.subnetId]);
    if (cfg.customNetworking) {
      const spec = cfg.eniConfigs[eniConfigNameFor(m, cfg, this.opts.nodeMeta?.(m.nodeName))];
      if (spec) subnets.add(spec.subnet);
    }
    const { ds } = node;
    let recovered = 0;
    for (const subnetId of subnets) {
      const held = (await this.opts.addresses.heldBy(subnetId, m.instanceId)).filter((ip) => ip !== m.privateIp);
      if (!held.length) continue;
      recovered += held.length;
      const blocks = ds.prefixMode ? wholePrefixes(held) : { prefixes: [], singles: held };
      const singles = [...blocks.singles];
      const prefixes = [...blocks.prefixes];
      let eni = ds.enis.find((e) => e.subnetId === subnetId && ds.roomOn(e) > 0);
      while (singles.length || prefixes.length) {
        if (!eni) {
          const deviceNumber = ds.enis.length;
          const ownIp = singles.shift() ?? prefixes[0]?.[0];
          if (ownIp === undefined) break;
          eni = { id: eniId(m, deviceNumber), deviceNumber, subnetId, ownIp, ips: [], prefixes: [], slots: Math.max(0, m.shape.ipv4PerEni - 1) };
          ds.addEni(eni);
        }
        const room = ds.roomOn(eni);
        if (room > 0 && ds.prefixMode && prefixes.length) ds.addPrefix(eni, prefixes.shift()!);
        else if (room > 0 && !ds.prefixMode && singles.length) ds.addIps(eni, singles.splice(0, room));
        else eni = undefined;
      }
    }
    if (recovered) this.log.info({ node: m.nodeName, addresses: recovered, enis: ds.enis.length }, 'ipamd recovered the addresses the instance holds');
  }

  /** The pod's address on the machine, if it holds one (ipamd's datastore lookup). */
  podIp(m: SimulatedMachine, podUid: string): string | undefined {
    return this.nodes.get(m.instanceId)?.ds.ipOf(podUid);
  }

  /** The machine's pool (undefined when not attached): for introspection and tests. */
  pool(m: SimulatedMachine): NodePoolView | undefined {
    const node = this.nodes.get(m.instanceId);
    if (!node) return undefined;
    return {
      ...node.ds.stats(),
      ipsPerEni: node.ds.enis.map((e) => e.ips.length + e.prefixes.length * 16),
      eniSubnets: node.ds.enis.map((e) => e.subnetId),
      maxPods: node.maxPods,
    };
  }

  private serial<T>(node: NodeState, fn: () => Promise<T>): Promise<T> {
    const run = node.chain.then(fn, fn);
    node.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Grows the pool until the warm target is met, the ENIs are full or the subnet runs dry
   * (ipamd's increaseDatastorePool). Cooling addresses count as available, as in ipamd, so an
   * ADD that finds only cooling addresses fails until their cooldown ends.
   */
  private async topUp(node: NodeState): Promise<void> {
    const cfg = this.opts.config();
    const { ds } = node;
    const opts = { prefixMode: ds.prefixMode, ipsPerEni: node.ipsPerEni, maxPods: node.maxPods };
    for (;;) {
      const short = addressesShort(ds.stats(), cfg, opts);
      if (short <= 0) return;
      const eni = ds.eniWithRoom() ?? (await this.attachEni(node, cfg));
      if (!eni) return;
      const room = ds.roomOn(eni);
      if (ds.prefixMode) {
        const want = Math.min(room, Math.ceil(short / 16));
        for (let i = 0; i < want; i++) {
          const prefix = await this.opts.addresses.allocatePrefix(eni.subnetId, node.machine.instanceId);
          if (!prefix) return this.dry(node, eni.subnetId);
          ds.addPrefix(eni, prefix);
        }
      } else {
        // WARM_ENI_TARGET fills an ENI at a time; WARM_IP_TARGET/MINIMUM_IP_TARGET ask for just the shortage.
        const want = warmIpTargetsDefined(cfg) ? Math.min(room, short) : room;
        const ips = await this.opts.addresses.allocate(eni.subnetId, want, node.machine.instanceId);
        ds.addIps(eni, ips);
        if (ips.length < want) return this.dry(node, eni.subnetId);
      }
    }
  }

  /** Creates and attaches one more ENI (its own address from the subnet); undefined when it cannot. */
  private async attachEni(node: NodeState, cfg: CniConfig): Promise<Eni | undefined> {
    const { ds, machine: m } = node;
    if (ds.enis.length >= node.maxEnis) return undefined;
    let subnetId = m.subnetId;
    if (cfg.customNetworking) {
      const name = eniConfigNameFor(m, cfg, this.opts.nodeMeta?.(m.nodeName));
      const spec = cfg.eniConfigs[name];
      if (!spec) {
        this.log.warn({ node: m.nodeName, eniConfig: name }, 'eniconfig: eniconfig is not available');
        return undefined;
      }
      subnetId = spec.subnet;
    }
    const [ownIp] = await this.opts.addresses.allocate(subnetId, 1, m.instanceId);
    if (!ownIp) {
      this.dry(node, subnetId);
      return undefined;
    }
    const deviceNumber = ds.enis.length;
    const eni: Eni = { id: eniId(m, deviceNumber), deviceNumber, subnetId, ownIp, ips: [], prefixes: [], slots: Math.max(0, m.shape.ipv4PerEni - 1) };
    ds.addEni(eni);
    this.log.debug({ node: m.nodeName, eni: eni.id, subnet: subnetId }, 'attached ENI');
    return eni;
  }

  private dry(node: NodeState, subnetId: string): void {
    this.log.warn({ node: node.machine.nodeName, subnet: subnetId }, 'InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request.');
  }
}

/** Held addresses split into whole aligned /28s (16 consecutive, starting on a multiple of 16) and the rest. */
function wholePrefixes(held: readonly string[]): { prefixes: string[][]; singles: string[] } {
  const toInt = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const byBlock = new Map<number, string[]>();
  for (const ip of held) {
    const block = Math.floor(toInt(ip) / 16);
    let list = byBlock.get(block);
    if (!list) byBlock.set(block, (list = []));
    list.push(ip);
  }
  const prefixes: string[][] = [];
  const singles: string[] = [];
  for (const list of byBlock.values()) (list.length === 16 ? prefixes.push(list) : singles.push(...list));
  return { prefixes, singles };
}

/** A stable ENI id for the machine's device number. */
function eniId(m: SimulatedMachine, device: number): string {
  return `eni-${createHash('sha256').update(`${m.instanceId}/${device}`).digest('hex').slice(0, 17)}`;
}
