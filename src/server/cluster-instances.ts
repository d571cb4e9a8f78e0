/**
 * Which EC2 instances belong to which cluster (tag `kubernetes.io/cluster/<name>`), from one
 * sweep of a region's instances shared by every cluster's data plane: with 100 clusters each
 * matching instances once a second, one scan per region and tick instead of a hundred.
 */
import type { Ec2Api, InstanceInfo } from '../aws/services/contracts.js';
import type { Clock } from '../lib/clock.js';

const CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';

interface Sweep {
  at: number;
  result: Promise<Map<string, InstanceInfo[]>>;
}

export class ClusterInstances {
  private readonly sweeps = new Map<string, Sweep>();

  constructor(
    private readonly ec2: Ec2Api,
    private readonly clock: Clock,
    /** A sweep younger than this (clock ms) answers every cluster of its region. */
    private readonly maxAgeMs = 500,
  ) {}

  /** The instances tagged for `cluster` in the account and region, any state. */
  async of(account: string, region: string, cluster: string): Promise<InstanceInfo[]> {
    const key = `${account}/${region}`;
    const now = this.clock.now();
    let sweep = this.sweeps.get(key);
    if (!sweep || now - sweep.at > this.maxAgeMs) {
      sweep = { at: now, result: this.sweep(account, region) };
      this.sweeps.set(key, sweep);
      sweep.result.catch(() => this.sweeps.get(key) === sweep && this.sweeps.delete(key));
    }
    return (await sweep.result).get(cluster) ?? [];
  }

  private async sweep(account: string, region: string): Promise<Map<string, InstanceInfo[]>> {
    const byCluster = new Map<string, InstanceInfo[]>();
    for (const inst of await this.ec2.instancesTagged(account, region, CLUSTER_TAG_PREFIX)) {
      for (const tag of Object.keys(inst.tags)) {
        if (!tag.startsWith(CLUSTER_TAG_PREFIX)) continue;
        const name = tag.slice(CLUSTER_TAG_PREFIX.length);
        let list = byCluster.get(name);
        if (!list) byCluster.set(name, (list = []));
        list.push(inst);
      }
    }
    return byCluster;
  }
}
