/**
 * Service validation with the paths and messages of pkg/apis/core/validation ValidateService and
 * ValidateServiceUpdate (1.32): ports (required unless headless or ExternalName, names when more
 * than one, ranges, protocols, target ports), type, session affinity, external IPs, traffic
 * policies, IP families, and a primary cluster IP that never changes once set.
 */
import { isIP } from 'node:net';
import type { FieldError } from '../../../apimachinery/errors.js';
import { isDNS1035Label, isDNS1123Label, isValidPortName, isValidPortNum, validateLabels } from '../../../apimachinery/validation.js';
import { PORT_PROTOCOLS } from './container-validation.js';
import { dns1123Label, dns1123Subdomain, duplicate, forbidden, GoLiteral, invalid, notSupported, qualifiedName, required } from './field-errors.js';
import { externallyAccessible, isHeadless, type Service, type ServicePort } from './service-types.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const FAMILIES = ['IPv4', 'IPv6'];
const MAX_AFFINITY_SECONDS = 86400;
/** validation.IsValidIP's message (1.32). */
export const IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

const goStrings = (l: readonly string[] | undefined) => new GoLiteral(l ? `[]string{${l.map((s) => JSON.stringify(s)).join(', ')}}` : '[]string(nil)');

function goServicePort(p: ServicePort): GoLiteral {
  const tp = p.targetPort;
  const target = typeof tp === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(tp)}}` : `intstr.IntOrString{Type:0, IntVal:${tp ?? 0}, StrVal:""}`;
  const app = p.appProtocol === undefined ? '(*string)(nil)' : `(*string)(${JSON.stringify(p.appProtocol)})`;
  return new GoLiteral(`core.ServicePort{Name:${JSON.stringify(p.name ?? '')}, Protocol:${JSON.stringify(p.protocol ?? '')}, AppProtocol:${app}, Port:${p.port ?? 0}, TargetPort:${target}, NodePort:${p.nodePort ?? 0}}`);
}

function validatePort(p: ServicePort, path: string, requireName: boolean, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(required(`${path}.name`));
  else if (p.name) {
    errs.push(...dns1123Label(p.name, `${path}.name`));
    if (names.has(p.name)) errs.push(duplicate(`${path}.name`, p.name));
    else names.add(p.name);
  }
  for (const m of isValidPortNum(p.port ?? 0)) errs.push(invalid(`${path}.port`, p.port ?? 0, m));
  if (!p.protocol) errs.push(required(`${path}.protocol`));
  else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, PORT_PROTOCOLS));
  const tp = p.targetPort;
  if (typeof tp === 'string') for (const m of isValidPortName(tp)) errs.push(invalid(`${path}.targetPort`, tp, m));
  else for (const m of isValidPortNum(tp ?? 0)) errs.push(invalid(`${path}.targetPort`, tp ?? 0, m));
  if (p.appProtocol !== undefined) errs.push(...qualifiedName(p.appProtocol, `${path}.appProtocol`));
  return errs;
}

function validateIPFields(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName') return errs;
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip !== 'None' && !isIP(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, IP_MSG));
  });
  const policy = spec.ipFamilyPolicy;
  if (policy !== undefined && !FAMILY_POLICIES.includes(policy)) errs.push(notSupported('spec.ipFamilyPolicy', policy, FAMILY_POLICIES));
  const fams = spec.ipFamilies ?? [];
  const seen = new Set<string>();
  fams.forEach((f, i) => {
    if (!FAMILIES.includes(f)) errs.push(notSupported(`spec.ipFamilies[${i}]`, f, FAMILIES));
    else if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (fams.length > 2) errs.push(invalid('spec.ipFamilies', goStrings(fams), 'may not have more than 2 entries'));
  if (fams.length > 1 && policy === 'SingleStack')
    errs.push(invalid('spec.ipFamilyPolicy', policy, 'must be RequireDualStack or PreferDualStack when multiple IP families are specified'));
  return errs;
}

/** ValidateService (metadata is the generic store's, except the DNS-1035 rule for the name). */
export function validateService(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const name = svc.metadata?.name ?? '';
  // Service names are DNS-1035 labels; the generic store already checked the DNS-1123 label rule.
  if (name && isDNS1123Label(name).length === 0) for (const m of isDNS1035Label(name)) errs.push(invalid('metadata.name', name, m));
  const type = spec.type ?? '';
  const headless = isHeadless(svc);
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  if (type === 'ExternalName') {
    if ((spec.clusterIPs ?? []).length > 0 || spec.clusterIP) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (cname) errs.push(...dns1123Subdomain(cname, 'spec.externalName'));
    else errs.push(required('spec.externalName'));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validatePort(p, `spec.ports[${i}]`, ports.length > 1, names)));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const aff = spec.sessionAffinity;
  if (!aff) errs.push(required('spec.sessionAffinity'));
  else if (!AFFINITIES.includes(aff)) errs.push(notSupported('spec.sessionAffinity', aff, AFFINITIES));
  if (aff === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t === undefined) errs.push(required('spec.sessionAffinityConfig', 'when session affinity type is ClientIP'));
    else if (!(t > 0 && t <= MAX_AFFINITY_SECONDS))
      errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`));
  } else if (aff === 'None' && spec.sessionAffinityConfig != null) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateIPFields(svc));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isIP(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, ip, IP_MSG));
  });
  if (!type) errs.push(required('spec.type'));
  else if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  if (type === 'ClusterIP') ports.forEach((p, i) => p.nodePort && errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'")));
  const nodePorts = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort) {
      const k = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(k)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      nodePorts.add(k);
    }
    const k = `${p.protocol}/${p.port}`;
    if (keys.has(k)) errs.push(duplicate(`spec.ports[${i}]`, goServicePort({ protocol: p.protocol, port: p.port })));
    keys.add(k);
  });
  errs.push(...validateTrafficPolicies(svc));
  return errs;
}

function validateTrafficPolicies(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(svc)) {
    if (etp) errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) errs.push(required('spec.externalTrafficPolicy'));
  else if (!TRAFFIC_POLICIES.includes(etp)) errs.push(notSupported('spec.externalTrafficPolicy', etp, TRAFFIC_POLICIES));
  const needsHealthCheck = spec.type === 'LoadBalancer' && etp === 'Local';
  if (!needsHealthCheck && spec.healthCheckNodePort)
    errs.push(invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type ?? '')) errs.push(required('spec.internalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(itp)) errs.push(notSupported('spec.internalTrafficPolicy', itp, TRAFFIC_POLICIES));
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: the primary cluster IP stays unless the type moves to or from ExternalName. */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const before = old.spec?.clusterIPs ?? [];
  const now = svc.spec?.clusterIPs ?? [];
  if (before.length === 0 || old.spec?.type === 'ExternalName' || svc.spec?.type === 'ExternalName') return [];
  if (now.length === 0) return [required('spec.clusterIPs[0]', 'primary clusterIP can not be unset')];
  if (now[0] !== before[0]) return [invalid('spec.clusterIPs[0]', goStrings(now), 'may not change once set')];
  return [];
}
