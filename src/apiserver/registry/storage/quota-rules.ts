/**
 * ResourceQuota and LimitRange rules of pkg/apis/core/validation (ValidateResourceQuotaSpec,
 * ValidateLimitRange) and pkg/apis/core/helper's resource-name tables: standard quota resources
 * and their integer-only members, quota scopes and their conflicts, limit types and the
 * min ≤ defaultRequest ≤ default ≤ max ordering with upstream's messages.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../../apimachinery/quantity.js';
import { isQualifiedName } from '../../../apimachinery/validation.js';
import { duplicate, GoLiteral, invalid, required } from '../core/field-errors.js';
import type { ResourceList } from '../core/pod-types.js';
import { integerQuantity, nonNegativeQuantity, tryQuantity } from './quantities.js';

const STANDARD_QUOTA = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers',
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const INTEGER_RESOURCES = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'services.nodeports', 'services.loadbalancers', 'secrets', 'configmaps', 'persistentvolumeclaims']);
const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const CONFLICTS = [['Terminating', 'NotTerminating'], ['BestEffort', 'NotBestEffort']];
const LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);
const CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

const isHugePages = (n: string) => /^(requests\.)?hugepages-/.test(n);
const isNative = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');
const isCount = (n: string) => n.startsWith('count/');

function resourceNameErrors(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(path, name, m));
}

/** ValidateResourceQuotaSpec: hard resource names and values, scopes. */
export function validateQuotaSpec(spec: { hard?: ResourceList; scopes?: string[] }): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(spec.hard ?? {})) {
    const at = `spec.hard[${name}]`;
    const nameErrs = resourceNameErrors(name, at);
    errs.push(...nameErrs);
    if (!nameErrs.length && !name.includes('/') && !STANDARD_QUOTA.has(name) && !isHugePages(name)) errs.push(invalid(at, name, 'must be a standard resource for quota'));
    errs.push(...nonNegativeQuantity(q, at));
    if (INTEGER_RESOURCES.has(name) || isCount(name) || (!isNative(name) && !name.startsWith('requests.'))) errs.push(...integerQuantity(q, at));
  }
  const scopes = spec.scopes ?? [];
  const shown = new GoLiteral(`[]core.ResourceQuotaScope{${scopes.map((s) => JSON.stringify(s)).join(', ')}}`);
  for (const s of scopes) if (!SCOPES.includes(s)) errs.push(invalid('spec.scopes', shown, 'unsupported scope'));
  for (const [a, b] of CONFLICTS) if (scopes.includes(a!) && scopes.includes(b!)) errs.push(invalid('spec.scopes', shown, 'conflicting scopes'));
  return errs;
}

function limitResourceErrors(type: string, name: string, path: string): FieldError[] {
  const errs = resourceNameErrors(name, path);
  if (errs.length || (type !== 'Pod' && type !== 'Container')) return errs;
  if (!name.includes('/')) {
    if (!CONTAINER_RESOURCES.has(name) && !isHugePages(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && (name.startsWith('requests.') || isQualifiedName(`requests.${name}`).length)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

interface LimitItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

const text = (q: Quantity) => formatQuantity(q);

/** ValidateLimitRange over spec.limits. */
export function validateLimitRange(limits: LimitItem[]): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  limits.forEach((item, i) => {
    const at = `spec.limits[${i}]`;
    const type = item?.type ?? '';
    const typeErrs = isQualifiedName(type).map((m) => invalid(`${at}.type`, type, m));
    if (!typeErrs.length && !type.includes('/') && !LIMIT_TYPES.has(type)) typeErrs.push(invalid(`${at}.type`, type, 'must be a standard limit type or fully qualified'));
    errs.push(...typeErrs);
    if (types.has(type)) errs.push(duplicate(`${at}.type`, type));
    types.add(type);
    const lists: Record<string, Map<string, Quantity>> = {};
    const keys = new Set<string>();
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const) {
      lists[f] = new Map();
      if (type === 'Pod' && (f === 'default' || f === 'defaultRequest')) {
        if (Object.keys(item?.[f] ?? {}).length) errs.push({ type: 'FieldValueForbidden', field: `${at}.${f}`, detail: "may not be specified when `type` is 'Pod'" });
        continue;
      }
      for (const [k, v] of Object.entries(item?.[f] ?? {})) {
        errs.push(...limitResourceErrors(type, k, `${at}.${f}[${k}]`));
        keys.add(k);
        const q = tryQuantity(v);
        if (q) lists[f]!.set(k, q);
      }
    }
    if (type === 'PersistentVolumeClaim' && item?.min?.storage == null && item?.max?.storage == null)
      errs.push(required(`${at}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    for (const k of keys) {
      const [min, max, def, req, ratio] = ['min', 'max', 'default', 'defaultRequest', 'maxLimitRequestRatio'].map((f) => lists[f]!.get(k));
      const gt = (a: Quantity | undefined, b: Quantity | undefined) => !!a && !!b && compareQuantities(a, b) > 0;
      if (gt(min, max)) errs.push(invalid(`${at}.min[${k}]`, text(min!), `min value ${text(min!)} is greater than max value ${text(max!)}`));
      if (gt(min, req)) errs.push(invalid(`${at}.defaultRequest[${k}]`, text(req!), `min value ${text(min!)} is greater than default request value ${text(req!)}`));
      if (gt(req, max)) errs.push(invalid(`${at}.defaultRequest[${k}]`, text(req!), `default request value ${text(req!)} is greater than max value ${text(max!)}`));
      if (gt(req, def)) errs.push(invalid(`${at}.defaultRequest[${k}]`, text(req!), `default request value ${text(req!)} is greater than default limit value ${text(def!)}`));
      if (gt(min, def)) errs.push(invalid(`${at}.default[${k}]`, text(min!), `min value ${text(min!)} is greater than default value ${text(def!)}`));
      if (gt(def, max)) errs.push(invalid(`${at}.default[${k}]`, text(max!), `default value ${text(def!)} is greater than max value ${text(max!)}`));
      if (ratio && compareQuantities(ratio, parseQuantity(1)) < 0) errs.push(invalid(`${at}.maxLimitRequestRatio[${k}]`, text(ratio), `ratio ${text(ratio)} is less than 1`));
      if ((!isNative(k) || isHugePages(k)) && def && req && compareQuantities(def, req) !== 0)
        errs.push(invalid(`${at}.defaultRequest[${k}]`, text(req), `default value ${text(def)} must equal to defaultRequest value ${text(req)} in ${k}`));
    }
  });
  return errs;
}
