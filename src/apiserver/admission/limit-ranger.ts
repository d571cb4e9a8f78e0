/**
 * LimitRanger (plugin/pkg/admission/limitranger) over the namespace's LimitRanges: on pod creates
 * it fills missing container requests and limits from `Container` limits' defaultRequest and
 * default (noting what it set in the kubernetes.io/limit-ranger annotation), then checks min,
 * max and maxLimitRequestRatio for `Container` and `Pod` limits; on PVC creates and updates it
 * checks `PersistentVolumeClaim` min/max storage. Refusals are 403s with upstream's texts,
 * several at once as `[a, b]` (`maximum cpu usage per Container is 1, but limit is 2`).
 * Pod updates and subresources are not looked at, as upstream (containers are immutable).
 */
import { formatQuantity, parseQuantity, toScaledBigInt, type Quantity } from '../../apimachinery/quantity.js';
import type { AdmissionAttributes } from '../auth/types.js';
import { podQOSClass } from '../registry/core/pod-qos.js';
import type { PodSpec } from '../registry/core/pod-types.js';
import type { KObject } from '../registry/resource.js';
import { parseResourceList, podLimits, podRequests, type PodResourcesSpec, type QuantityMap } from './pod-resources.js';
import { admissionForbidden, aggregateMessage, cachedObjects, isResource, type AdmissionPlugin, type PluginFactory } from './types.js';

/** The annotation naming what the plugin defaulted. */
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';
/** resource.MaxMilliValue: values beyond it are compared in whole units. */
const MAX_MILLI_VALUE = 9223372036854775807n / 1000n;

type List = Record<string, string | number>;
interface LimitItem {
  type?: string;
  max?: List;
  min?: List;
  default?: List;
  defaultRequest?: List;
  maxLimitRequestRatio?: List;
}
interface LimitRange extends KObject {
  spec?: { limits?: LimitItem[] };
}
interface Container {
  name?: string;
  resources?: { requests?: List; limits?: List; [k: string]: unknown };
}

const q = (v: string | number): Quantity => parseQuantity(v);
const text = (v: string | number): string => formatQuantity(q(v));

/** requestLimitEnforcedValues: milli units when every value fits, whole units otherwise. */
function enforcedValues(req: Quantity | undefined, lim: Quantity | undefined, enforced: Quantity): [bigint, bigint, bigint] {
  const whole = (x: Quantity | undefined) => (x ? toScaledBigInt(x, 0) : 0n);
  const milli = (x: Quantity | undefined) => (x ? toScaledBigInt(x, -3) : 0n);
  const [r, l, e] = [whole(req), whole(lim), whole(enforced)];
  if (r <= MAX_MILLI_VALUE && l <= MAX_MILLI_VALUE && e <= MAX_MILLI_VALUE) return [milli(req), milli(lim), milli(enforced)];
  return [r, l, e];
}

function minConstraint(type: string, name: string, raw: string | number, requests: QuantityMap, limits: QuantityMap): string | undefined {
  const enforced = q(raw);
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l, e] = enforcedValues(req, lim, enforced);
  if (!req) return `minimum ${name} usage per ${type} is ${text(raw)}.  No request is specified`;
  if (r < e) return `minimum ${name} usage per ${type} is ${text(raw)}, but request is ${formatQuantity(req)}`;
  if (lim && l < e) return `minimum ${name} usage per ${type} is ${text(raw)}, but limit is ${formatQuantity(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, raw: string | number, requests: QuantityMap, limits: QuantityMap): string | undefined {
  const enforced = q(raw);
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l, e] = enforcedValues(req, lim, enforced);
  if (!lim) return `maximum ${name} usage per ${type} is ${text(raw)}.  No limit is specified`;
  if (l > e) return `maximum ${name} usage per ${type} is ${text(raw)}, but limit is ${formatQuantity(lim)}`;
  if (req && r > e) return `maximum ${name} usage per ${type} is ${text(raw)}, but request is ${formatQuantity(req)}`;
  return undefined;
}

/** maxRequestConstraint: PVCs are checked on what they request. */
function maxRequestConstraint(type: string, name: string, raw: string | number, requests: QuantityMap): string | undefined {
  const req = requests.get(name);
  const [r, , e] = enforcedValues(req, undefined, q(raw));
  if (!req) return `maximum ${name} usage per ${type} is ${text(raw)}.  No request is specified`;
  if (r > e) return `maximum ${name} usage per ${type} is ${text(raw)}, but request is ${formatQuantity(req)}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, raw: string | number, requests: QuantityMap, limits: QuantityMap): string | undefined {
  const enforced = q(raw);
  const [r, l] = enforcedValues(requests.get(name), limits.get(name), enforced);
  if (!requests.has(name) || r === 0n) return `${name} max limit to request ratio per ${type} is ${text(raw)}, but no request is specified or request is 0`;
  if (!limits.has(name) || l === 0n) return `${name} max limit to request ratio per ${type} is ${text(raw)}, but no limit is specified or limit is 0`;
  const observed = Number(l) / Number(r);
  let ratio = observed;
  let max = Number(toScaledBigInt(enforced, 0));
  if (toScaledBigInt(enforced, 0) <= MAX_MILLI_VALUE) {
    ratio = observed * 1000;
    max = Number(toScaledBigInt(enforced, -3));
  }
  if (ratio > max) return `${name} max limit to request ratio per ${type} is ${text(raw)}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

/** min, max and ratio of one limit item against one set of requests and limits. */
function checkItem(item: LimitItem, type: string, requests: QuantityMap, limits: QuantityMap, errs: string[]): void {
  const push = (m: string | undefined) => m && errs.push(m);
  for (const [k, v] of Object.entries(item.min ?? {})) push(minConstraint(type, k, v, requests, limits));
  for (const [k, v] of Object.entries(item.max ?? {})) push(maxConstraint(type, k, v, requests, limits));
  for (const [k, v] of Object.entries(item.maxLimitRequestRatio ?? {})) push(ratioConstraint(type, k, v, requests, limits));
}

/** PodValidateLimitFunc for one LimitRange. */
export function podLimitErrors(lr: LimitRange, spec: PodResourcesSpec): string[] {
  const errs: string[] = [];
  for (const item of lr.spec?.limits ?? []) {
    if (item.type === 'Container') {
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as Container[])
        checkItem(item, 'Container', parseResourceList(c.resources?.requests), parseResourceList(c.resources?.limits), errs);
    } else if (item.type === 'Pod') {
      checkItem(item, 'Pod', podRequests(spec), podLimits(spec), errs);
    }
  }
  return errs;
}

/** mergeContainerResources: fills what is missing; returns the annotation parts. */
function mergeContainer(c: Container, kind: string, limits: List, requests: List): string[] {
  const res = (c.resources ??= {});
  const add = (which: 'limits' | 'requests', from: List): string[] => {
    const set: string[] = [];
    for (const [k, v] of Object.entries(from)) {
      const cur = res[which];
      if (cur && k in cur) continue;
      (res[which] ??= {})[k] = v;
      set.push(k);
    }
    return set.sort();
  };
  const setLimits = add('limits', limits);
  const setRequests = add('requests', requests);
  const out: string[] = [];
  if (setRequests.length) out.push(`${setRequests.join(', ')} request for ${kind} ${c.name ?? ''}`);
  if (setLimits.length) out.push(`${setLimits.join(', ')} limit for ${kind} ${c.name ?? ''}`);
  return out;
}

/** PodMutateLimitFunc for one LimitRange: the Container defaults merged into every container. */
export function applyPodDefaults(lr: LimitRange, pod: KObject): void {
  const limits: List = {};
  const requests: List = {};
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    Object.assign(limits, item.default ?? {});
    Object.assign(requests, item.defaultRequest ?? {});
  }
  if (!Object.keys(limits).length && !Object.keys(requests).length) return;
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  const notes: string[] = [];
  for (const c of spec.containers ?? []) notes.push(...mergeContainer(c, 'container', limits, requests));
  for (const c of spec.initContainers ?? []) notes.push(...mergeContainer(c, 'init container', limits, requests));
  if (notes.length) ((pod.metadata ??= {}).annotations ??= {})[LIMIT_RANGER_ANNOTATION] = `LimitRanger plugin set: ${notes.join('; ')}`;
}

/** The plugin. */
export const limitRangerPlugin: PluginFactory = (ctx): AdmissionPlugin => {
  const rangesFor = (a: AdmissionAttributes) => cachedObjects(ctx.api(), '', 'limitranges', a.namespace ?? '') as LimitRange[];
  const supported = (a: AdmissionAttributes) => {
    if (a.subresource || !a.object || a.oldObject?.metadata?.deletionTimestamp) return false;
    if (isResource(a, '', 'pods')) return a.operation === 'CREATE';
    return isResource(a, '', 'persistentvolumeclaims') && (a.operation === 'CREATE' || a.operation === 'UPDATE');
  };
  return {
    name: 'LimitRanger',
    mutate(a) {
      if (!supported(a) || !isResource(a, '', 'pods')) return;
      for (const lr of rangesFor(a)) applyPodDefaults(lr, a.object!);
      // The store computed status.qosClass before admission (upstream computes it after):
      // keep it true to the defaulted resources.
      const status = a.object!.status as { qosClass?: string } | undefined;
      if (status?.qosClass) status.qosClass = podQOSClass((a.object!.spec ?? {}) as PodSpec);
    },
    validate(a) {
      if (!supported(a)) return;
      for (const lr of rangesFor(a)) {
        let errs: string[];
        if (isResource(a, '', 'pods')) errs = podLimitErrors(lr, (a.object!.spec ?? {}) as PodResourcesSpec);
        else {
          const requests = parseResourceList(((a.object!.spec as { resources?: { requests?: List } } | undefined)?.resources?.requests));
          errs = [];
          for (const item of lr.spec?.limits ?? []) {
            if (item.type !== 'PersistentVolumeClaim') continue;
            for (const [k, v] of Object.entries(item.min ?? {})) {
              const m = minConstraint('PersistentVolumeClaim', k, v, requests, new Map());
              if (m) errs.push(m);
            }
            for (const [k, v] of Object.entries(item.max ?? {})) {
              const m = maxRequestConstraint('PersistentVolumeClaim', k, v, requests);
              if (m) errs.push(m);
            }
          }
        }
        if (errs.length) throw admissionForbidden(a, aggregateMessage(errs));
      }
    },
  };
};
