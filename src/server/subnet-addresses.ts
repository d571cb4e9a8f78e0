/**
 * The VPC CNI's source of pod addresses: EC2's own subnet address book, so every address a pod
 * holds is one EC2 counts as used and DescribeSubnets' AvailableIpAddressCount falls as pods start.
 */
import type { Ec2Api } from '../aws/services/contracts.js';
import type { SubnetAddresses } from '../dataplane/contracts.js';

export function subnetAddresses(ec2: Ec2Api, account: string, region: string): SubnetAddresses {
  const releaseAll = async (subnetId: string, ips: string[]) => {
    for (const ip of ips) await ec2.releasePrivateIp(account, region, subnetId, ip);
  };
  return {
    allocate: (subnetId, count, owner) => ec2.allocatePrivateIps(account, region, subnetId, count, owner),
    release: releaseAll,
    allocatePrefix: (subnetId, owner) => ec2.allocatePrefix(account, region, subnetId, owner),
    releasePrefix: releaseAll,
    heldBy: (subnetId, owner) => ec2.privateIpsHeldBy(account, region, subnetId, owner),
  };
}
