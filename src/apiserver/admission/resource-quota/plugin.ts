/**
 * ResourceQuota (plugin/pkg/admission/resourcequota) over the namespace's quotas: a create or
 * update that raises usage of something a quota limits is refused when the new usage would exceed
 * hard (`exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`), and pods must
 * state cpu/memory requests or limits that a quota limits (`failed quota: q: must specify
 * limits.cpu for: c`). Usage comes from the watch cache (see status.ts), not from status.used,
 * so no controller has to run first; like upstream, two racing creates may both pass.
 */
import { addQuantities, compareQuantities, formatQuantity, subtractQuantities } from '../../../apimachinery/quantity.js';
import type { AdmissionAttributes } from '../../auth/types.js';
import type { KObject } from '../../registry/resource.js';
import { parseResourceList, type QuantityMap } from '../pod-resources.js';
import { admissionForbidden, cachedObjects, type AdmissionPlugin, type PluginFactory } from '../types.js';
import { hardLimits, namespaceUsage } from './status.js';
import { computeUsage, POD_VALIDATION_SET, quotaMatches, resourceForQuotaName, usageOf } from './usage.js';

/** `a=1,b=2` with names sorted (prettyPrint). */
function pretty(m: QuantityMap, names: string[]): string {
  return [...names].sort().filter((n) => m.has(n)).map((n) => `${n}=${formatQuantity(m.get(n)!)}`).join(',');
}

/** new − old, keeping only increases (SubtractWithNonNegativeResult). */
function delta(next: QuantityMap, prev: QuantityMap | undefined): QuantityMap {
  const out: QuantityMap = new Map();
  for (const [k, q] of next) {
    const p = prev?.get(k);
    const d = p ? subtractQuantities(q, p) : q;
    if (d.mantissa > 0n) out.set(k, p ? d : q);
  }
  return out;
}

interface ContainerLike {
  name?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** The pod evaluator's Constraints: every container states what the quota limits of the validation set. */
function podConstraintError(pod: KObject, hard: Set<string>): string | undefined {
  const required = POD_VALIDATION_SET.filter((n) => hard.has(n));
  if (!required.length) return undefined;
  const spec = (pod.spec ?? {}) as { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  const missing = new Map<string, Set<string>>();
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const has = computeUsage(parseResourceList(c.resources?.requests), parseResourceList(c.resources?.limits));
    for (const r of required) if (!has.has(r)) (missing.get(r) ?? missing.set(r, new Set()).get(r)!).add(c.name ?? '');
  }
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

/** The plugin; validate only, last in the chain as upstream requires. */
export const resourceQuotaPlugin: PluginFactory = (ctx): AdmissionPlugin => ({
  name: 'ResourceQuota',
  validate(a: AdmissionAttributes) {
    if ((a.operation !== 'CREATE' && a.operation !== 'UPDATE') || a.subresource || !a.object || !a.namespace) return;
    const api = ctx.api();
    const quotas = cachedObjects(api, '', 'resourcequotas', a.namespace);
    if (!quotas.length) return;
    const { group, plural } = a.def;
    const now = ctx.clock.now();
    const change = delta(usageOf(group, plural, a.object, now), a.oldObject ? usageOf(group, plural, a.oldObject, now) : undefined);
    if (!change.size) return;
    for (const quota of [...quotas].sort((x, y) => (x.metadata!.name! < y.metadata!.name! ? -1 : 1))) {
      if (!quotaMatches(quota, group, plural, a.object)) continue;
      const hard = hardLimits(quota);
      const name = quota.metadata?.name ?? '';
      const tracked = [...hard.keys()].filter((k) => {
        const r = resourceForQuotaName(k);
        return r?.group === group && r.plural === plural;
      });
      if (!tracked.length) continue;
      if (group === '' && plural === 'pods' && a.operation === 'CREATE') {
        const err = podConstraintError(a.object, new Set(tracked));
        if (err) throw admissionForbidden(a, `failed quota: ${name}: ${err}`);
      }
      const requested = tracked.filter((k) => change.has(k));
      if (!requested.length) continue;
      const used = namespaceUsage(api, quota, requested, now);
      const exceeded = requested.filter((k) => compareQuantities(addQuantities(used.get(k)!, change.get(k)!), hard.get(k)!) > 0);
      if (!exceeded.length) continue;
      throw admissionForbidden(a, `exceeded quota: ${name}, requested: ${pretty(change, exceeded)}, used: ${pretty(used, exceeded)}, limited: ${pretty(hard, exceeded)}`);
    }
  },
});
