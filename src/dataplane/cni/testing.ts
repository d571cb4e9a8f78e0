/**
 * An in-memory SubnetAddresses for tests of the CNI and kubelets: IPv4 subnets by CIDR with
 * EC2's five reserved addresses (network, router, DNS, future use, broadcast), single addresses
 * handed out lowest first and /28 prefixes only where all 16 aligned addresses are free, as EC2
 * requires. `available(id)` is what DescribeSubnets' AvailableIpAddressCount would say.
 */
import type { SubnetAddresses } from '../contracts.js';

const toInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

interface Subnet {
  base: number;
  size: number;
  /** true = taken (reserved, allocated). */
  taken: Uint8Array;
  /** Address index → owner. */
  owners: Map<number, string>;
  free: number;
  /** No free address below this index. */
  low: number;
}

export class MemorySubnets implements SubnetAddresses {
  private readonly subnets = new Map<string, Subnet>();

  /** Adds a subnet, e.g. add('subnet-a', '10.0.0.0/24'). */
  add(id: string, cidr: string): this {
    const [addr, bits] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const taken = new Uint8Array(size);
    for (const i of [0, 1, 2, 3, size - 1]) taken[i] = 1;
    this.subnets.set(id, { base: toInt(addr ?? '0.0.0.0'), size, taken, owners: new Map(), free: size - 5, low: 0 });
    return this;
  }

  /** Free addresses in the subnet. */
  available(id: string): number {
    return this.get(id).free;
  }

  /** True when `ip` lies inside the subnet. */
  contains(id: string, ip: string): boolean {
    const s = this.get(id);
    const n = toInt(ip);
    return n >= s.base && n < s.base + s.size;
  }

  async allocate(subnetId: string, count: number, owner: string): Promise<string[]> {
    const s = this.get(subnetId);
    const out: string[] = [];
    for (let i = s.low; i < s.size && out.length < count; i++) {
      if (s.taken[i]) {
        if (i === s.low) s.low++;
        continue;
      }
      s.taken[i] = 1;
      s.owners.set(i, owner);
      s.free--;
      out.push(toIp(s.base + i));
    }
    return out;
  }

  async heldBy(subnetId: string, owner: string): Promise<string[]> {
    const s = this.get(subnetId);
    return [...s.owners].filter(([, o]) => o === owner).map(([i]) => i).sort((a, b) => a - b).map((i) => toIp(s.base + i));
  }

  async release(subnetId: string, ips: string[]): Promise<void> {
    const s = this.get(subnetId);
    for (const ip of ips) {
      const i = toInt(ip) - s.base;
      if (i < 0 || i >= s.size || !s.taken[i]) throw new Error(`release of ${ip}: not allocated in ${subnetId}`);
      s.taken[i] = 0;
      s.owners.delete(i);
      s.free++;
      s.low = Math.min(s.low, i);
    }
  }

  async allocatePrefix(subnetId: string, owner: string): Promise<string[] | undefined> {
    const s = this.get(subnetId);
    for (let start = s.low - (s.low % 16); start + 16 <= s.size; start += 16) {
      let ok = true;
      for (let i = start; i < start + 16 && ok; i++) ok = !s.taken[i];
      if (!ok) continue;
      const out: string[] = [];
      for (let i = start; i < start + 16; i++) {
        s.taken[i] = 1;
        s.owners.set(i, owner);
        out.push(toIp(s.base + i));
      }
      s.free -= 16;
      return out;
    }
    return undefined;
  }

  releasePrefix(subnetId: string, ips: string[]): Promise<void> {
    return this.release(subnetId, ips);
  }

  private get(id: string): Subnet {
    const s = this.subnets.get(id);
    if (!s) throw new Error(`The subnet ID '${id}' does not exist`);
    return s;
  }
}
