/**
 * PodSecurity (k8s.io/pod-security-admission/admission), validate only: pods are held to their
 * namespace's `enforce` level (403 `pods "p" is forbidden: violates PodSecurity
 * "restricted:latest": …`), `warn` violations become warnings (`would violate PodSecurity …`) and
 * `audit` ones the pod-security.kubernetes.io/audit-violations audit annotation. Workload
 * resources (Deployments, Jobs … whose pod templates) only warn and audit. Namespaces must carry
 * valid labels (422), and tightening a namespace's enforce level warns about the existing pods
 * that would violate it. Pod updates are looked at only when an image or seccomp annotation
 * changes, as upstream's isSignificantPodUpdate. No exemptions are configured (as EKS). Namespace
 * label errors: `namespaces "x" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: …`.
 */
import { invalid, StatusError } from '../../../apimachinery/errors.js';
import type { AdmissionAttributes } from '../../auth/types.js';
import type { KObject } from '../../registry/resource.js';
import { addAuditAnnotation, addWarning, cachedObject, cachedObjects, isResource, type AdmissionPlugin, type ApiAccess, type PluginFactory } from '../types.js';
import type { PodMeta, PodSpecPS } from './model.js';
import { evaluatePod, forbiddenDetail, forbiddenReasons, fullyPrivileged, LABEL_PREFIX, levelVersionString, policyFromLabels, sameLevelVersion, type LevelVersion, type Policy } from './policy.js';

/** Where the pod template sits in each workload resource (DefaultPodSpecExtractor). */
const TEMPLATE_PATHS: Record<string, string[]> = {
  '/podtemplates': ['template'],
  '/replicationcontrollers': ['spec', 'template'],
  'apps/replicasets': ['spec', 'template'],
  'apps/deployments': ['spec', 'template'],
  'apps/statefulsets': ['spec', 'template'],
  'apps/daemonsets': ['spec', 'template'],
  'batch/jobs': ['spec', 'template'],
  'batch/cronjobs': ['spec', 'jobTemplate', 'spec', 'template'],
};
const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);
/** namespaceMaxPodsToCheck. */
const MAX_PODS_TO_CHECK = 3000;
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';

function dig(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

/** isSignificantPodUpdate: images, container counts or seccomp annotations changed. */
function significantPodUpdate(pod: KObject, old: KObject): boolean {
  const ann = pod.metadata?.annotations ?? {};
  const oldAnn = old.metadata?.annotations ?? {};
  if (ann[SECCOMP_POD] !== oldAnn[SECCOMP_POD]) return true;
  const spec = (pod.spec ?? {}) as PodSpecPS;
  const oldSpec = (old.spec ?? {}) as PodSpecPS;
  const changed = (c: { name?: string; image?: string }, o: { name?: string; image?: string }) =>
    c.image !== o.image || ann[`${SECCOMP_CONTAINER}${c.name}`] !== oldAnn[`${SECCOMP_CONTAINER}${c.name}`];
  for (const k of ['containers', 'initContainers'] as const) {
    const a = spec[k] ?? [];
    const b = oldSpec[k] ?? [];
    if (a.length !== b.length || a.some((c, i) => changed(c, b[i]!))) return true;
  }
  for (const c of spec.ephemeralContainers ?? []) {
    const o = (oldSpec.ephemeralContainers ?? []).find((x) => x.name === c.name);
    if (!o || changed(c, o)) return true;
  }
  return false;
}

/** EvaluatePod: enforce (pods only), audit, then warn unless already refused. */
function evaluate(a: AdmissionAttributes, policy: Policy, labelErrors: string | undefined, meta: PodMeta, spec: PodSpecPS, enforce: boolean): void {
  if (labelErrors) addAuditAnnotation(a, `${LABEL_PREFIX}error`, `Failed to parse policy: ${labelErrors}`);
  const cache: [LevelVersion, ReturnType<typeof evaluatePod>][] = [];
  const run = (lv: LevelVersion) => {
    const hit = cache.find(([k]) => sameLevelVersion(k, lv));
    if (hit) return hit[1];
    const r = evaluatePod(lv, meta, spec);
    cache.push([lv, r]);
    return r;
  };
  let refusal: StatusError | undefined;
  if (enforce) {
    addAuditAnnotation(a, `${LABEL_PREFIX}enforce-policy`, levelVersionString(policy.enforce));
    const r = run(policy.enforce);
    if (r.length) {
      refusal = new StatusError(403, 'Forbidden', `${a.def.plural} "${a.name}" is forbidden: violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(r)}`, { name: a.name, kind: a.def.plural });
    }
  }
  const audit = run(policy.audit);
  if (audit.length) addAuditAnnotation(a, `${LABEL_PREFIX}audit-violations`, `would violate PodSecurity "${levelVersionString(policy.audit)}": ${forbiddenDetail(audit)}`);
  if (refusal) throw refusal;
  const warn = run(policy.warn);
  if (warn.length) addWarning(a, `would violate PodSecurity "${levelVersionString(policy.warn)}": ${forbiddenDetail(warn)}`);
}

/** EvaluatePodsInNamespace: warnings naming existing pods that a new enforce level would refuse. */
export function existingPodWarnings(api: ApiAccess, namespace: string, enforce: LevelVersion): string[] {
  const pods = cachedObjects(api, '', 'pods', namespace);
  const checked = pods.slice(0, MAX_PODS_TO_CHECK);
  const byReason = new Map<string, { first: string; count: number }>();
  for (const pod of checked) {
    const r = evaluatePod(enforce, (pod.metadata ?? {}) as PodMeta, (pod.spec ?? {}) as PodSpecPS);
    if (!r.length) continue;
    const reason = forbiddenReasons(r);
    const name = pod.metadata?.name ?? '';
    const c = byReason.get(reason);
    if (!c) byReason.set(reason, { first: name, count: 1 });
    else {
      c.count++;
      if (name < c.first) c.first = name;
    }
  }
  const out: string[] = [];
  if (checked.length < pods.length) out.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${pods.length} existing pods`);
  if (byReason.size) out.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
  const podLines = [...byReason].map(([reason, { first, count }]) => {
    if (count === 1) return `${first}: ${reason}`;
    if (count === 2) return `${first} (and 1 other pod): ${reason}`;
    return `${first} (and ${count - 1} other pods): ${reason}`;
  });
  return [...out, ...podLines.sort()];
}

function validateNamespace(a: AdmissionAttributes, api: ApiAccess): void {
  if (a.subresource || !a.object) return;
  const next = policyFromLabels(a.object.metadata?.labels);
  if (a.operation === 'CREATE') {
    if (next.errors.length) throw invalid('namespaces', '', a.name, next.errors);
    return;
  }
  if (a.operation !== 'UPDATE' || !a.oldObject) return;
  const prev = policyFromLabels(a.oldObject.metadata?.labels);
  if (next.errors.length && (!prev.errors.length || JSON.stringify(next.errors) !== JSON.stringify(prev.errors))) throw invalid('namespaces', '', a.name, next.errors);
  const n = next.policy.enforce;
  const o = prev.policy.enforce;
  if (sameLevelVersion(n, o) || n.level === 'privileged') return;
  const order = ['privileged', 'baseline', 'restricted'];
  if (n.version === o.version && order.indexOf(n.level) <= order.indexOf(o.level)) return;
  for (const w of existingPodWarnings(api, a.name, n)) addWarning(a, w);
}

/** The plugin. */
export const podSecurityPlugin: PluginFactory = (ctx): AdmissionPlugin => ({
  name: 'PodSecurity',
  validate(a) {
    if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
    const api = ctx.api();
    if (isResource(a, '', 'namespaces')) return validateNamespace(a, api);
    const isPod = isResource(a, '', 'pods');
    const templatePath = TEMPLATE_PATHS[`${a.def.group}/${a.def.plural}`];
    if (!isPod && !templatePath) return;
    if (!a.object || !a.namespace) return;
    if (isPod ? IGNORED_POD_SUBRESOURCES.has(a.subresource ?? '') : a.subresource) return;
    const ns = cachedObject(api, '', 'namespaces', undefined, a.namespace);
    const { policy, errors } = policyFromLabels(ns?.metadata?.labels);
    if (!errors.length && (isPod ? fullyPrivileged(policy) : policy.warn.level === 'privileged' && policy.audit.level === 'privileged')) return;
    const labelErrors = errors.length ? errors.map((e) => `${e.field}: Invalid value: ${JSON.stringify(e.value)}: ${e.detail}`).join(', ') : undefined;
    if (isPod) {
      if (a.operation === 'UPDATE' && a.oldObject && !significantPodUpdate(a.object, a.oldObject)) return;
      return evaluate(a, policy, labelErrors, (a.object.metadata ?? {}) as PodMeta, (a.object.spec ?? {}) as PodSpecPS, true);
    }
    const template = dig(a.object, templatePath!) as { metadata?: PodMeta; spec?: PodSpecPS } | undefined;
    if (!template?.spec) return;
    evaluate(a, policy, labelErrors, template.metadata ?? {}, template.spec, false);
  },
});
