/**
 * Validation of one container of a pod spec (regular, init or ephemeral), with the field paths
 * and messages of pkg/apis/core/validation's validateContainerCommon, validateContainerPorts,
 * ValidateEnv, ValidateVolumeMounts and ValidateResourceRequirements at Kubernetes 1.32.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../../apimachinery/quantity.js';
import { isQualifiedName, isValidPortName, isValidPortNum } from '../../../apimachinery/validation.js';
import { dns1123Label, duplicate, forbidden, invalid, notSupported, required } from './field-errors.js';
import type { Container, ResourceList } from './pod-types.js';

/** supportedPortProtocols, sorted as upstream lists them in NotSupported errors. */
export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const RELAXED_ENV_MSG = "a valid environment variable name must consist only of printable ASCII characters other than '='";

/** Which list a container belongs to: its rules differ slightly (restartPolicy, probes). */
export type ContainerKind = 'container' | 'init' | 'ephemeral';

/**
 * Errors of one container at `path` (e.g. `spec.containers[0]`); `volumes` are the pod's volume
 * names, for volumeMounts.
 */
export function validateContainer(c: Container, path: string, kind: ContainerKind, volumes: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`));
  else errs.push(...dns1123Label(c.name, `${path}.name`));
  if (!c.image) errs.push(required(`${path}.image`));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
  else if (!MESSAGE_POLICIES.includes(tmp)) errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, MESSAGE_POLICIES));
  errs.push(...validatePorts(c, `${path}.ports`));
  errs.push(...validateEnv(c, `${path}.env`));
  errs.push(...validateMounts(c, `${path}.volumeMounts`, volumes));
  const pull = c.imagePullPolicy;
  if (!pull) errs.push(required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(pull)) errs.push(notSupported(`${path}.imagePullPolicy`, pull, PULL_POLICIES));
  errs.push(...validateResources(c.resources?.limits, c.resources?.requests, `${path}.resources`));
  errs.push(...validateContainerRestartPolicy(c, path, kind));
  return errs;
}

function validateContainerRestartPolicy(c: Container, path: string, kind: ContainerKind): FieldError[] {
  if (kind === 'init') {
    if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') return [notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always'])];
    if (c.restartPolicy === 'Always') return [];
    const errs: FieldError[] = [];
    for (const probe of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const)
      if (c[probe] != null) errs.push(forbidden(`${path}.${probe}`, 'may not be set for init containers without restartPolicy=Always'));
    return errs;
  }
  if (c.restartPolicy !== undefined) return [forbidden(`${path}.restartPolicy`, kind === 'ephemeral' ? 'cannot set containerRestartPolicy for EphemeralContainers' : 'may not be set for non-init containers')];
  return [];
}

function validatePorts(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (c.ports ?? []).forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (p.name) {
      const msgs = isValidPortName(p.name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${at}.name`, p.name, m));
      else if (names.has(p.name)) errs.push(duplicate(`${at}.name`, p.name));
      else names.add(p.name);
    }
    if (!p.containerPort) errs.push(required(`${at}.containerPort`));
    else for (const m of isValidPortNum(p.containerPort)) errs.push(invalid(`${at}.containerPort`, p.containerPort, m));
    if (p.hostPort) for (const m of isValidPortNum(p.hostPort)) errs.push(invalid(`${at}.hostPort`, p.hostPort, m));
    if (!p.protocol) errs.push(required(`${at}.protocol`));
    else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${at}.protocol`, p.protocol, PORT_PROTOCOLS));
  });
  return errs;
}

/** ValidateEnv with RelaxedEnvironmentVariableValidation (beta, on, in 1.32). */
function validateEnv(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (c.env ?? []).forEach((e, i) => {
    const at = `${path}[${i}]`;
    if (!e.name) errs.push(required(`${at}.name`));
    else if ([...e.name].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) > 0x7e || ch === '=')) errs.push(invalid(`${at}.name`, e.name, RELAXED_ENV_MSG));
    if (e.valueFrom != null && e.value) errs.push(invalid(`${at}.valueFrom`, '', 'may not be specified when `value` is not empty'));
  });
  return errs;
}

function validateMounts(c: Container, path: string, volumes: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const at = `${path}[${i}]`;
    if (!m.name) errs.push(required(`${at}.name`));
    // Upstream reports field.NotFound here; FieldError has no such type yet, so the closest kind is used.
    else if (!volumes.has(m.name)) errs.push(invalid(`${at}.name`, m.name, 'not found'));
    if (!m.mountPath) errs.push(required(`${at}.mountPath`));
    else if (paths.has(m.mountPath)) errs.push(invalid(`${at}.mountPath`, m.mountPath, 'must be unique'));
    else paths.add(m.mountPath);
  });
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isHugePages = (n: string) => n.startsWith('hugepages-');
const isNative = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');

function validateResourceName(name: string, path: string): FieldError[] {
  const msgs = isQualifiedName(name);
  if (msgs.length) return msgs.map((m) => invalid(path, name, m));
  if (!name.includes('/')) {
    if (STANDARD_CONTAINER_RESOURCES.has(name) || isHugePages(name)) return [];
    return [invalid(path, name, 'must be a standard resource type or fully qualified'), invalid(path, name, 'must be a standard resource for containers')];
  }
  if (!isNative(name) && (name.startsWith('requests.') || isQualifiedName(`requests.${name}`).length))
    return [invalid(path, name, "doesn't follow extended resource name standard")];
  return [];
}

function quantityErrors(name: string, raw: string | number, path: string): [FieldError[], Quantity | undefined] {
  let q: Quantity;
  try {
    q = parseQuantity(raw);
  } catch (e) {
    return [[invalid(path, String(raw), (e as Error).message)], undefined];
  }
  if (q.mantissa < 0n) return [[invalid(path, formatQuantity(q), 'must be greater than or equal to 0')], q];
  if (!isNative(name) && q.scale < 0 && q.mantissa % 10n ** BigInt(-q.scale) !== 0n) return [[invalid(path, formatQuantity(q), 'must be an integer')], q];
  return [[], q];
}

/**
 * ValidateResourceRequirements for a container: resource names, non-negative quantities, and each
 * request at most its limit (equal to it for resources that cannot be overcommitted).
 */
export function validateResources(limits: ResourceList | undefined, requests: ResourceList | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limitQ = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(limits ?? {})) {
    const at = `${path}.limits[${name}]`;
    errs.push(...validateResourceName(name, at));
    const [qe, q] = quantityErrors(name, raw, at);
    errs.push(...qe);
    if (q) limitQ.set(name, q);
  }
  for (const [name, raw] of Object.entries(requests ?? {})) {
    const at = `${path}.requests[${name}]`;
    errs.push(...validateResourceName(name, at));
    const [qe, q] = quantityErrors(name, raw, at);
    errs.push(...qe);
    if (!q) continue;
    const overcommit = isNative(name) && !isHugePages(name);
    const lim = limitQ.get(name);
    if (lim) {
      const cmp = compareQuantities(q, lim);
      if (cmp !== 0 && !overcommit) errs.push(invalid(`${path}.requests`, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
      else if (cmp > 0) errs.push(invalid(`${path}.requests`, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
    } else if (!overcommit) {
      errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
