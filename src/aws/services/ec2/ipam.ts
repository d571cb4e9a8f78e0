/**
 * Private IPv4 addresses of subnets. Each address in use is one key in the store
 * (`…/ip/<subnetId>/<offset>`) created with the store's create-if-absent, so two allocations can
 * never get the same address, across processes too, and the count of keys is the count of used
 * addresses. EC2 reserves the first four addresses and the last one of every subnet; allocation
 * takes the lowest free offset after them (a per-process hint skips the known-used prefix, and
 * releases in this process move the hint back).
 */
import type { Store } from '../../../store/types.js';
import { Table } from '../../state/table.js';
import { formatIp, parseCidr, parseIp } from './cidr.js';

/** Who holds an address: an instance, network interface, NAT gateway or an Ec2Api caller. */
export interface IpDoc {
  owner: string;
  at: number;
}

/** The addresses EC2 reserves in every subnet (network, router, DNS, future, broadcast). */
export const RESERVED_ADDRESSES = 5;

const pad = (n: number) => String(n).padStart(7, '0');

/** Address allocation over one account and region's subnets. */
export class SubnetIpam {
  constructor(
    private readonly store: Store,
    private readonly scope: { account: string; region: string },
    /** Lowest possibly-free offset per subnet, shared by every SubnetIpam of the process. */
    private readonly hints: Map<string, number>,
  ) {}

  private table(subnetId: string): Table<IpDoc> {
    return new Table<IpDoc>(this.store, { service: 'ec2', ...this.scope, type: `ip/${subnetId}` });
  }

  private key(subnetId: string) {
    return `${this.scope.account}/${this.scope.region}/${subnetId}`;
  }

  /** Addresses of the subnet that are neither reserved nor in use. */
  async available(subnet: { SubnetId: string; CidrBlock: string }): Promise<number> {
    const c = parseCidr(subnet.CidrBlock);
    if (!c) return 0;
    return c.size - RESERVED_ADDRESSES - (await this.store.count(this.table(subnet.SubnetId).prefix));
  }

  /**
   * Takes an address for `owner`: `ip` when given (undefined if taken or outside the subnet), else
   * the lowest free one (undefined when the subnet is full).
   */
  async allocate(subnet: { SubnetId: string; CidrBlock: string }, owner: string, now: number, ip?: string): Promise<string | undefined> {
    const c = parseCidr(subnet.CidrBlock);
    if (!c) return undefined;
    const t = this.table(subnet.SubnetId);
    const doc: IpDoc = { owner, at: now };
    if (ip !== undefined) {
      const n = parseIp(ip);
      if (n === undefined) return undefined;
      const off = n - c.base;
      if (off < 4 || off > c.size - 2) return undefined;
      return (await t.create(pad(off), doc)) ? ip : undefined;
    }
    const key = this.key(subnet.SubnetId);
    const last = c.size - 2;
    const hint = this.hints.get(key);
    // With a hint, walk up from it; without one (or when that finds nothing), find the gaps from a listing.
    const passes: (number | undefined)[] = hint === undefined ? [undefined] : [hint, undefined];
    for (const from of passes) {
      const used = from === undefined ? new Set((await t.list()).map((x) => Number(x.id))) : undefined;
      for (let off = from ?? 4; off <= last; off++) {
        if (used?.has(off)) continue;
        if (await t.create(pad(off), doc)) {
          this.hints.set(key, off + 1);
          return formatIp(c.base + off);
        }
      }
    }
    this.hints.set(key, last + 1);
    return undefined;
  }

  /**
   * Takes a free /28 aligned on 16 addresses that holds no reserved address (a VPC CNI prefix):
   * its 16 addresses in order, or undefined when no whole block is free. Blocks are claimed
   * address by address with create-if-absent; a block found partly taken is given back.
   */
  async allocatePrefix(subnet: { SubnetId: string; CidrBlock: string }, owner: string, now: number): Promise<string[] | undefined> {
    const c = parseCidr(subnet.CidrBlock);
    if (!c) return undefined;
    const t = this.table(subnet.SubnetId);
    const used = new Set((await t.list()).map((x) => Number(x.id)));
    const doc: IpDoc = { owner, at: now };
    // The first block holds the network address and the three AWS reserves; the last one the broadcast.
    for (let start = 16; start + 15 <= c.size - 2; start += 16) {
      let free = true;
      for (let off = start; off < start + 16 && free; off++) free = !used.has(off);
      if (!free) continue;
      const got: number[] = [];
      for (let off = start; off < start + 16; off++) {
        if (!(await t.create(pad(off), doc))) break;
        got.push(off);
      }
      if (got.length === 16) return got.map((off) => formatIp(c.base + off));
      for (const off of got) await t.delete(pad(off));
    }
    return undefined;
  }

  /** Gives an address back (no-op when it was not in use). */
  async release(subnet: { SubnetId: string; CidrBlock: string }, ip: string): Promise<void> {
    const c = parseCidr(subnet.CidrBlock);
    const n = parseIp(ip);
    if (!c || n === undefined) return;
    const off = n - c.base;
    if (off < 0 || off >= c.size) return;
    await this.table(subnet.SubnetId).delete(pad(off));
    const key = this.key(subnet.SubnetId);
    if ((this.hints.get(key) ?? 4) > off) this.hints.set(key, off);
  }

  /** The address `owner` holds in the subnet, if any (a scan: used only to resume interrupted launches). */
  async addressOf(subnet: { SubnetId: string; CidrBlock: string }, owner: string): Promise<string | undefined> {
    const c = parseCidr(subnet.CidrBlock);
    if (!c) return undefined;
    const hit = (await this.table(subnet.SubnetId).list()).find((x) => x.value.owner === owner);
    return hit ? formatIp(c.base + Number(hit.id)) : undefined;
  }

  /** Every address in use in the subnet, grouped by owner, in address order (one scan of the subnet's addresses). */
  async addressesByOwner(subnet: { SubnetId: string; CidrBlock: string }): Promise<Map<string, string[]>> {
    const c = parseCidr(subnet.CidrBlock);
    const out = new Map<string, string[]>();
    if (!c) return out;
    for (const x of await this.table(subnet.SubnetId).list()) {
      let ips = out.get(x.value.owner);
      if (!ips) out.set(x.value.owner, (ips = []));
      ips.push(formatIp(c.base + Number(x.id)));
    }
    return out;
  }

  /** Frees every address `owner` holds in the subnet (a terminated instance's CNI addresses). */
  async releaseOwnedBy(subnet: { SubnetId: string; CidrBlock: string }, owner: string): Promise<void> {
    for (const ip of (await this.addressesByOwner(subnet)).get(owner) ?? []) await this.release(subnet, ip);
  }

  /** Forgets every address of a deleted subnet. */
  async dropSubnet(subnetId: string): Promise<void> {
    const t = this.table(subnetId);
    for (const x of await t.list()) await t.delete(x.id);
    this.hints.delete(this.key(subnetId));
  }
}
