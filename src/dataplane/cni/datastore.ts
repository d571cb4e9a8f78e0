/**
 * One node's address datastore, as ipamd's pkg/ipamd/datastore: the ENIs attached to the
 * instance, the addresses (secondary IPs or /28 prefixes) each carries, which pod holds which
 * address, and freed addresses cooling down (IP_COOLDOWN_PERIOD) before reuse. Synchronous and
 * O(1) per assign/unassign: free addresses sit in FIFOs, pods in a map.
 */
import { Fifo } from './fifo.js';

/** One network interface of the node. */
export interface Eni {
  id: string;
  /** 0 for the primary ENI. */
  deviceNumber: number;
  subnetId: string;
  /** The ENI's own primary address (secondary ENIs only; the primary ENI's is the node IP). */
  ownIp: string | undefined;
  /** Secondary IPs (secondary-IP mode). */
  ips: string[];
  /** Delegated /28s, 16 addresses each (prefix mode). */
  prefixes: string[][];
  /** How many secondary IPs or prefixes this ENI may carry (0 for the primary ENI under custom networking). */
  slots: number;
}

/** Counts ipamd logs and bases its warm-pool decisions on (DataStoreStats). */
export interface DatastoreStats {
  enis: number;
  totalIps: number;
  assignedIps: number;
  /** total − assigned, cooling addresses included, as DataStoreStats.AvailableAddresses. */
  availableIps: number;
  coolingIps: number;
  prefixes: number;
}

export class NodeDatastore {
  readonly enis: Eni[] = [];
  private readonly ready = new Fifo<string>();
  private readonly cooling = new Fifo<{ ip: string; at: number }>();
  private readonly byPod = new Map<string, string>();
  private total = 0;
  private prefixCount = 0;

  constructor(
    /** Prefix delegation is on for this node. */
    readonly prefixMode: boolean,
    private readonly cooldownMs: number,
  ) {}

  addEni(eni: Eni): void {
    this.enis.push(eni);
  }

  /** The first ENI with a free slot, in attach order (ipamd fills existing ENIs before attaching). */
  eniWithRoom(): Eni | undefined {
    return this.enis.find((e) => this.roomOn(e) > 0);
  }

  /** Free slots (secondary IPs or prefixes) left on `eni`. */
  roomOn(eni: Eni): number {
    return eni.slots - (this.prefixMode ? eni.prefixes.length : eni.ips.length);
  }

  addIps(eni: Eni, ips: readonly string[]): void {
    for (const ip of ips) {
      eni.ips.push(ip);
      this.ready.push(ip);
    }
    this.total += ips.length;
  }

  addPrefix(eni: Eni, ips: readonly string[]): void {
    eni.prefixes.push([...ips]);
    for (const ip of ips) this.ready.push(ip);
    this.total += ips.length;
    this.prefixCount++;
  }

  /** The address of a pod, if it holds one. */
  ipOf(podUid: string): string | undefined {
    return this.byPod.get(podUid);
  }

  /** Gives the pod an address that is neither assigned nor cooling; undefined when none is. */
  assign(podUid: string, now: number): string | undefined {
    const held = this.byPod.get(podUid);
    if (held) return held;
    for (let c = this.cooling.peek(); c && (this.cooldownMs === 0 || now - c.at > this.cooldownMs); c = this.cooling.peek()) {
      this.cooling.shift();
      this.ready.push(c.ip);
    }
    const ip = this.ready.shift();
    if (ip !== undefined) this.byPod.set(podUid, ip);
    return ip;
  }

  /**
   * Marks `ip` as the pod's (a pod that survived a restart): taken out of the free or cooling
   * addresses; false when the datastore does not carry `ip` or another pod holds it.
   */
  claim(podUid: string, ip: string): boolean {
    if (this.byPod.get(podUid) === ip) return true;
    for (const held of this.byPod.values()) if (held === ip) return false;
    if (!this.ready.remove((x) => x === ip) && !this.cooling.remove((x) => x.ip === ip)) return false;
    this.byPod.set(podUid, ip);
    return true;
  }

  /** Frees the pod's address into cooldown; false when the pod held none. */
  unassign(podUid: string, now: number): boolean {
    const ip = this.byPod.get(podUid);
    if (ip === undefined) return false;
    this.byPod.delete(podUid);
    this.cooling.push({ ip, at: now });
    return true;
  }

  stats(): DatastoreStats {
    return {
      enis: this.enis.length,
      totalIps: this.total,
      assignedIps: this.byPod.size,
      availableIps: this.total - this.byPod.size,
      coolingIps: this.cooling.length,
      prefixes: this.prefixCount,
    };
  }
}
