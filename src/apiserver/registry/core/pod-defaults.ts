/**
 * API defaulting of pod specs, shared by pods and every workload template (Deployment, Job, ...):
 * what core/v1 SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Volume, SetDefaults_Probe,
 * the volume-source defaults and the v1 PodSpec conversion fill in, plus the pod-only
 * SetDefaults_Pod. Every function is idempotent: the generic store runs defaults on create and on
 * every update.
 */
import { parseQuantity, QuantityParseError, toScaledBigInt, newQuantity, formatQuantity } from '../../../apimachinery/quantity.js';
import { decodeError } from './field-errors.js';
import type { Container, PodSpec, Probe, ResourceList, Volume } from './pod-types.js';

/** Volume sources that carry a defaultMode of 0644 (420) when unset. */
const MODE_SOURCES = ['secret', 'configMap', 'downwardAPI', 'projected'];
const DEFAULT_MODE = 420;

/** The kind and version named in a 400 when a quantity does not parse (`Deployment in version "v1" ...`). */
export interface DecodeContext {
  kind: string;
  version: string;
}

/**
 * Fills the defaults of a PodSpec in place (SetDefaults_PodSpec and the defaults of everything it
 * contains): dnsPolicy ClusterFirst, restartPolicy Always, securityContext {}, a 30 s termination
 * grace period, the default scheduler, container pull policies and termination-message settings,
 * port protocols, probe timings, volume modes, and canonical resource quantities. A quantity that
 * does not parse throws upstream's 400 decode error.
 */
export function defaultPodSpec(spec: PodSpec, ctx: DecodeContext = { kind: 'Pod', version: 'v1' }): PodSpec {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  // v1 conversion: serviceAccount is the deprecated spelling of serviceAccountName.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) for (const c of list ?? []) defaultContainer(c, ctx);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  return spec;
}

/**
 * The pod-only defaults (SetDefaults_Pod), applied after defaultPodSpec: requests default to
 * limits, service links are enabled, and host-network pods expose every container port on the host.
 */
export function defaultPodOnly(spec: PodSpec): void {
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    const requests = (c.resources!.requests ??= {});
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  }
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
  }
}

function defaultContainer(c: Container, ctx: DecodeContext): void {
  c.imagePullPolicy ||= imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  for (const p of c.ports ?? []) p.protocol ||= 'TCP';
  c.resources ??= {};
  if (c.resources.limits) c.resources.limits = canonicalResources(c.resources.limits, ctx);
  if (c.resources.requests) c.resources.requests = canonicalResources(c.resources.requests, ctx);
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ||= 'v1';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const handler of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (handler?.httpGet) defaultHttpGet(handler);
}

function defaultProbe(p: Probe): void {
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  if (p.httpGet) defaultHttpGet(p);
}

function defaultHttpGet(p: Probe): void {
  p.httpGet!.path ||= '/';
  p.httpGet!.scheme ||= 'HTTP';
}

function defaultVolume(v: Volume): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] != null);
  if (sources.length === 0) v.emptyDir = {};
  for (const k of MODE_SOURCES) {
    const src = v[k] as { defaultMode?: number; sources?: { serviceAccountToken?: { expirationSeconds?: number } }[] } | undefined;
    if (!src || typeof src !== 'object') continue;
    src.defaultMode ??= DEFAULT_MODE;
    for (const s of src.sources ?? []) if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
  }
  const hostPath = v.hostPath as { type?: string } | undefined;
  if (hostPath && typeof hostPath === 'object') hostPath.type ??= '';
}

/**
 * SetDefaults_ResourceList: every quantity rounded up to milli precision and written back in its
 * canonical form (`0.5` → `500m`, `1024Mi` → `1Gi`); an unparsable one is a 400 decode error.
 */
export function canonicalResources(list: ResourceList, ctx: DecodeContext): ResourceList {
  const out: ResourceList = {};
  for (const [name, raw] of Object.entries(list)) {
    try {
      let q = parseQuantity(raw);
      if (q.scale < -3) {
        const milli = toScaledBigInt(q, -3);
        if (milli * 10n ** BigInt(-3 - q.scale) !== q.mantissa) q = newQuantity(milli, -3, q.format);
      }
      out[name] = formatQuantity(q);
    } catch (e) {
      if (e instanceof QuantityParseError) throw decodeError(ctx.kind, ctx.version, e.message);
      throw e;
    }
  }
  return out;
}

const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`);

/**
 * The tag the kubelet would pull, as parsers.ParseImageName: the explicit tag, `latest` when
 * neither tag nor digest is given, '' for a digest-only or unparsable reference.
 */
export function imageTag(image: string): string {
  const m = REFERENCE.exec(image);
  if (!m) return '';
  // A leading "host:port/" is not a tag; the regex only captures a tag in the last component.
  if (m[1]) return m[1];
  return m[2] ? '' : 'latest';
}
