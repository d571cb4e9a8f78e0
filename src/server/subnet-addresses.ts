/**
 * The VPC CNI's source of pod addresses: EC2's own subnet address book, so every address a pod
 * holds is one EC2 counts as used and DescribeSubnets' AvailableIpAddressCount falls as pods start.
 *
 * `heldBy` (a restarted ipamd finding its instance's addresses) is asked once per machine as it
 * attaches; asking EC2 each time scans the whole subnet's address book, which over a node group of
 * 1,000 instances is a scan per instance. Instead the first question about a subnet reads its book
 * once into an owner → addresses map, which this adapter then keeps current with its own allocations
 * and releases — the only writes for these owners, since an instance's addresses are this cluster's
 * CNI's alone (a terminated instance's are freed by EC2, and its machine never attaches again).
 */
import type { Ec2Api } from '../aws/services/contracts.js';
import type { SubnetAddresses } from '../dataplane/contracts.js';

export function subnetAddresses(ec2: Ec2Api, account: string, region: string): SubnetAddresses {
  /** Subnet → (owner → addresses), from one read of the subnet's book. */
  const books = new Map<string, Promise<Map<string, Set<string>>>>();
  const book = (subnetId: string) => {
    let b = books.get(subnetId);
    if (!b) {
      b = ec2.privateIpsByOwner(account, region, subnetId).then((byOwner) => new Map([...byOwner].map(([o, ips]) => [o, new Set(ips)])));
      books.set(subnetId, b);
      b.catch(() => books.delete(subnetId));
    }
    return b;
  };
  /** Records what this adapter changed in a book already read (an unread one reads EC2 when asked). */
  const note = async (subnetId: string, owner: string | undefined, ips: readonly string[]) => {
    const b = books.get(subnetId);
    if (!b) return;
    const byOwner = await b;
    if (owner === undefined) {
      for (const set of byOwner.values()) for (const ip of ips) set.delete(ip);
      return;
    }
    let set = byOwner.get(owner);
    if (!set) byOwner.set(owner, (set = new Set()));
    for (const ip of ips) set.add(ip);
  };
  const releaseAll = async (subnetId: string, ips: string[]) => {
    for (const ip of ips) await ec2.releasePrivateIp(account, region, subnetId, ip);
    await note(subnetId, undefined, ips);
  };
  return {
    async allocate(subnetId, count, owner) {
      const ips = await ec2.allocatePrivateIps(account, region, subnetId, count, owner);
      await note(subnetId, owner, ips);
      return ips;
    },
    release: releaseAll,
    async allocatePrefix(subnetId, owner) {
      const ips = await ec2.allocatePrefix(account, region, subnetId, owner);
      if (ips) await note(subnetId, owner, ips);
      return ips;
    },
    releasePrefix: releaseAll,
    async heldBy(subnetId, owner) {
      const ips = (await book(subnetId)).get(owner);
      return ips ? [...ips].sort(byAddress) : [];
    },
  };
}

const toInt = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const byAddress = (a: string, b: string) => toInt(a) - toInt(b);
