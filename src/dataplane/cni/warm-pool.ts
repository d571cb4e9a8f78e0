/**
 * How many addresses ipamd wants to add to a node's pool (pkg/ipamd/ipamd.go
 * isDatastorePoolTooLow / calculateShortage):
 * - with WARM_IP_TARGET or MINIMUM_IP_TARGET set: max(WARM_IP_TARGET − available,
 *   MINIMUM_IP_TARGET − total, 0);
 * - else with prefix delegation: short while available < 16 × WARM_PREFIX_TARGET;
 * - else: short while available < (IPv4 per ENI − 1) × WARM_ENI_TARGET (a spare ENI's worth);
 * - a target of 0 still refills an empty pool; nothing is added once the pool holds max-pods.
 */
import type { CniConfig } from './config.js';
import type { DatastoreStats } from './datastore.js';
import { IPS_PER_PREFIX } from './max-pods.js';

/** True when WARM_IP_TARGET / MINIMUM_IP_TARGET govern the pool (they override the ENI and prefix targets). */
export function warmIpTargetsDefined(cfg: CniConfig): boolean {
  return cfg.warmIpTarget > 0 || cfg.minimumIpTarget > 0;
}

/** Addresses short of the warm target (0 when the pool is big enough). */
export function addressesShort(stats: DatastoreStats, cfg: CniConfig, opts: { prefixMode: boolean; ipsPerEni: number; maxPods: number }): number {
  if (stats.totalIps >= opts.maxPods) return 0;
  const available = stats.availableIps;
  if (warmIpTargetsDefined(cfg)) return Math.max(cfg.warmIpTarget - available, cfg.minimumIpTarget - stats.totalIps, 0);
  const [unit, target] = opts.prefixMode ? [IPS_PER_PREFIX, cfg.warmPrefixTarget] : [opts.ipsPerEni, cfg.warmEniTarget];
  const want = unit * target;
  if (available < want) return want - available;
  return target === 0 && available === 0 ? 1 : 0;
}
