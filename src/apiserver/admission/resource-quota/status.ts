/**
 * ResourceQuota usage from the watch cache: `computeQuotaStatus` gives the `status.hard` and
 * `status.used` the resource quota controller would write (used computed for every tracked name
 * in hard, 0 when nothing counts), and `quotaStatusUpdater` writes them through the status
 * subresource when they changed — an internal write, which admission does not see.
 */
import { StatusError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { addQuantities, formatQuantity, newQuantity, parseQuantity } from '../../../apimachinery/quantity.js';
import type { Logger } from '../../../lib/logger.js';
import type { Clock } from '../../../lib/clock.js';
import type { KObject } from '../../registry/resource.js';
import type { QuantityMap } from '../pod-resources.js';
import { cachedObjects, type ApiAccess } from '../types.js';
import { quotaMatches, resourceForQuotaName, usageOf } from './usage.js';

/** The status the quota controller keeps: hard mirrors spec.hard, used is current usage per hard name. */
export interface QuotaStatus {
  hard: Record<string, string>;
  used: Record<string, string>;
}

/** The quota's hard limits as quantities (unparsable values are skipped). */
export function hardLimits(quota: KObject): QuantityMap {
  const out: QuantityMap = new Map();
  for (const [k, v] of Object.entries(((quota.spec ?? {}) as { hard?: Record<string, string> }).hard ?? {})) {
    try {
      out.set(k, parseQuantity(v));
    } catch {
      // validation keeps these out
    }
  }
  return out;
}

/**
 * Current usage in the quota's namespace of the names in `names` (those the quota tracks and a
 * resource answers for), summed over the objects the quota sees. Names nothing counts are 0.
 */
export function namespaceUsage(api: ApiAccess, quota: KObject, names: Iterable<string>, now: number): QuantityMap {
  const ns = quota.metadata?.namespace ?? '';
  const wanted = new Set<string>();
  const resources = new Map<string, { group: string; plural: string }>();
  for (const n of names) {
    const r = resourceForQuotaName(n);
    if (!r) continue;
    wanted.add(n);
    resources.set(`${r.group}/${r.plural}`, r);
  }
  const used: QuantityMap = new Map([...wanted].map((n) => [n, newQuantity(0)]));
  for (const { group, plural } of resources.values()) {
    for (const obj of cachedObjects(api, group, plural, ns)) {
      if (!quotaMatches(quota, group, plural, obj)) continue;
      for (const [k, q] of usageOf(group, plural, obj, now)) {
        const cur = used.get(k);
        if (cur && wanted.has(k)) used.set(k, cur.mantissa === 0n ? q : addQuantities(cur, q));
      }
    }
  }
  return used;
}

/** The status.hard/status.used the quota controller would write for `quota` now. */
export function computeQuotaStatus(quota: KObject, api: ApiAccess, now: number): QuotaStatus {
  const hard = hardLimits(quota);
  const used = namespaceUsage(api, quota, hard.keys(), now);
  const render = (m: QuantityMap) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, formatQuantity(v)]));
  return { hard: render(hard), used: render(used) };
}

/** Recomputes and writes quota statuses; run it when objects in a namespace change, or periodically. */
export interface QuotaStatusUpdater {
  /** Updates the quotas of one namespace; resolves to how many were written. */
  syncNamespace(namespace: string): Promise<number>;
  /** Updates every quota; resolves to how many were written. */
  syncAll(): Promise<number>;
}

/** A QuotaStatusUpdater over the API server's stores (writes bypass admission, as the controller's status writes do). */
export function quotaStatusUpdater(opts: { api: () => ApiAccess; clock: Clock; log: Logger }): QuotaStatusUpdater {
  const write = async (quota: KObject): Promise<boolean> => {
    const api = opts.api();
    const gs = api.storeFor('', 'resourcequotas');
    if (!gs) return false;
    const status = computeQuotaStatus(quota, api, opts.clock.now());
    if (deepEqual(quota.status, status)) return false;
    try {
      await gs.update(quota.metadata?.namespace, quota.metadata!.name!, (cur) => {
        if (!cur) throw new StatusError(404, 'NotFound', 'gone');
        cur.status = status;
        return cur;
      }, { subresource: 'status' });
      return true;
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return false;
      opts.log.warn({ err, ns: quota.metadata?.namespace, name: quota.metadata?.name }, 'quota status update failed');
      return false;
    }
  };
  const sync = async (quotas: KObject[]) => {
    let n = 0;
    for (const q of quotas) if (await write(q)) n++;
    return n;
  };
  return {
    syncNamespace: (ns) => sync(cachedObjects(opts.api(), '', 'resourcequotas', ns)),
    syncAll: () => sync(cachedObjects(opts.api(), '', 'resourcequotas')),
  };
}
