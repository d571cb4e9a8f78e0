/**
 * Validation of a pod spec and of pod templates, with the field paths and messages of
 * pkg/apis/core/validation ValidatePodSpec / ValidatePodTemplateSpec at Kubernetes 1.32, covering
 * the mistakes users make most: containers, volumes, restart and DNS policy, node selector,
 * tolerations, names of referenced objects.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { inclusiveRangeError, isValidLabelValue, validateAnnotations, validateLabels } from '../../../apimachinery/validation.js';
import { validateContainer, type ContainerKind } from './container-validation.js';
import { dns1123Label, dns1123Subdomain, duplicate, forbidden, GoLiteral, invalid, notSupported, qualifiedName, required } from './field-errors.js';
import type { Container, PodSpec, PodTemplateSpec, Toleration } from './pod-types.js';

/** Pod restart policies in upstream's NotSupported order. */
export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
/** Taint effects in upstream's NotSupported order. */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const MAX_INT32 = 2147483647;

/** Errors of a pod spec at `path` (`spec`, or `spec.template.spec` inside a workload). */
export function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec, `${path}.volumes`, errs);
  const names = new Set<string>();
  const containers = spec.containers ?? [];
  if (containers.length === 0) errs.push(required(`${path}.containers`));
  else errs.push(...validateContainerList(containers, `${path}.containers`, 'container', volumes, names));
  errs.push(...validateContainerList(spec.initContainers ?? [], `${path}.initContainers`, 'init', volumes, names));
  errs.push(...validateContainerList(spec.ephemeralContainers ?? [], `${path}.ephemeralContainers`, 'ephemeral', volumes, names));
  errs.push(...validateRestartPolicy(spec.restartPolicy, `${path}.restartPolicy`));
  const dns = spec.dnsPolicy;
  if (!dns) errs.push(required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dns)) errs.push(notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  if (spec.serviceAccountName) errs.push(...dns1123Subdomain(spec.serviceAccountName, `${path}.serviceAccountName`));
  if (spec.nodeName) errs.push(...dns1123Subdomain(spec.nodeName, `${path}.nodeName`));
  if (spec.hostname) errs.push(...dns1123Label(spec.hostname, `${path}.hostname`));
  if (spec.subdomain) errs.push(...dns1123Label(spec.subdomain, `${path}.subdomain`));
  if (spec.priorityClassName) errs.push(...dns1123Subdomain(spec.priorityClassName, `${path}.priorityClassName`));
  if (spec.schedulerName) errs.push(...dns1123Subdomain(spec.schedulerName, `${path}.schedulerName`));
  const ads = spec.activeDeadlineSeconds;
  if (ads != null && (ads < 1 || ads > MAX_INT32)) errs.push(invalid(`${path}.activeDeadlineSeconds`, ads, inclusiveRangeError(1, MAX_INT32)));
  errs.push(...validateTolerations(spec.tolerations ?? [], `${path}.tolerations`));
  (spec.schedulingGates ?? []).forEach((g, i) => {
    if (!g.name) errs.push(required(`${path}.schedulingGates[${i}].name`));
    else errs.push(...qualifiedName(g.name, `${path}.schedulingGates[${i}].name`));
  });
  return errs;
}

/** validateRestartPolicy: Required when empty, else one of Always, OnFailure, Never. */
export function validateRestartPolicy(policy: string | undefined, path: string): FieldError[] {
  if (!policy) return [required(path)];
  return RESTART_POLICIES.includes(policy) ? [] : [notSupported(path, policy, RESTART_POLICIES)];
}

function validateContainerList(list: Container[], path: string, kind: ContainerKind, volumes: ReadonlySet<string>, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainer(c, at, kind, volumes));
    if (c.name === undefined) return;
    if (names.has(c.name)) errs.push(duplicate(`${at}.name`, c.name));
    else names.add(c.name);
  });
  return errs;
}

/** ValidateVolumes: names (DNS labels, unique) and exactly one source; returns the volume names. */
function validateVolumes(spec: PodSpec, path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    const at = `${path}[${i}]`;
    const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] != null);
    if (sources.length === 0) errs.push(required(at, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(forbidden(`${at}.${extra}`, 'may not specify more than 1 volume type'));
    if (!v.name) errs.push(required(`${at}.name`));
    else errs.push(...dns1123Label(v.name, `${at}.name`));
    if (v.name !== undefined && names.has(v.name)) errs.push(duplicate(`${at}.name`, v.name));
    if (v.name) names.add(v.name);
  });
  return names;
}

/** validateTolerations: keys, the Exists/Equal rules, effects. */
export function validateTolerations(tolerations: Toleration[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const at = `${path}[${i}]`;
    if (t.key) errs.push(...qualifiedName(t.key, `${at}.key`));
    if (!t.key && t.operator !== 'Exists')
      errs.push(invalid(`${at}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds != null && t.effect !== 'NoExecute') errs.push(invalid(`${at}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    const op = t.operator ?? '';
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(t.value ?? '');
      if (msgs.length) errs.push(invalid(`${at}.operator`, t.value ?? '', msgs.join(';')));
    } else if (op === 'Exists') {
      if (t.value) errs.push(invalid(`${at}.operator`, new GoLiteral(goToleration(t)), "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${at}.operator`, op, TOLERATION_OPERATORS));
    }
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(`${at}.effect`, t.effect, TAINT_EFFECTS));
  });
  return errs;
}

function goToleration(t: Toleration): string {
  const secs = t.tolerationSeconds == null ? '(*int64)(nil)' : `(*int64)(${t.tolerationSeconds})`;
  return `core.Toleration{Key:${JSON.stringify(t.key ?? '')}, Operator:${JSON.stringify(t.operator ?? '')}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect ?? '')}, TolerationSeconds:${secs}}`;
}

/**
 * ValidatePodTemplateSpec: the template's labels and annotations (at `path.labels`, as upstream
 * words it), its pod spec, and no ephemeral containers.
 */
export function validatePodTemplateSpec(tpl: PodTemplateSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(tpl?.metadata?.labels, `${path}.labels`));
  errs.push(...validateAnnotations(tpl?.metadata?.annotations, `${path}.annotations`));
  const spec = tpl?.spec ?? {};
  errs.push(...validatePodSpec(spec, `${path}.spec`));
  if ((spec.ephemeralContainers ?? []).length > 0) errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}
