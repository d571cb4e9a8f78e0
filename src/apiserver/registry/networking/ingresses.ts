/**
 * networking.k8s.io/v1 ingresses, as pkg/registry/networking/ingress and
 * pkg/apis/networking/validation: status starts empty (written through /status), generation
 * follows the spec, ValidateIngressCreate (rules or a default backend, hosts as (wildcard) DNS
 * names and never IPs, pathType required with the Exact/Prefix path rules, backends naming a
 * service port or a resource, TLS hosts and secret names, the class annotation agreeing with
 * ingressClassName), and printIngress's columns (CLASS HOSTS ADDRESS PORTS AGE).
 */
import { isIP } from 'node:net';
import type { FieldError } from '../../../apimachinery/errors.js';
import { isDNS1123Subdomain, isDNS1035Label, isValidPortName, isValidPortNum, regexError } from '../../../apimachinery/validation.js';
import { dns1123Subdomain, invalid, notSupported, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface Backend {
  service?: { name?: string; port?: { name?: string; number?: number } };
  resource?: { apiGroup?: string; kind?: string; name?: string };
}

interface Ingress extends KObject {
  spec?: {
    ingressClassName?: string;
    defaultBackend?: Backend;
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: { host?: string; http?: { paths?: { path?: string; pathType?: string; backend?: Backend }[] } }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_SUFFIXES = ['/..', '/.'];
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const WILDCARD_FMT = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const WILDCARD_MSG = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** IsWildcardDNS1123Subdomain. */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (Buffer.byteLength(value) > 253) errs.push('must be no more than 253 characters');
  if (!new RegExp(`^(?:${WILDCARD_FMT})$`).test(value)) errs.push(regexError(WILDCARD_MSG, WILDCARD_FMT, '*.example.com'));
  return errs;
}

const hostErrors = (host: string) => (host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host));

/** validateIngressBackend: exactly one of a service (name and port name or number) or a resource. */
export function validateBackend(b: Backend, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (b.resource && b.service) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (b.resource) {
    if (!b.resource.kind) errs.push(required(`${path}.resource.kind`, 'kind is required'));
    if (!b.resource.name) errs.push(required(`${path}.resource.name`, 'name is required'));
    return errs;
  }
  if (!b.service) return [invalid(path, '', 'resource or service backend is required')];
  const name = b.service.name ?? '';
  if (!name) errs.push(required(`${path}.service.name`));
  else for (const m of isDNS1035Label(name)) errs.push(invalid(`${path}.service.name`, name, m));
  const port = b.service.port ?? {};
  if (port.name && port.number) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (port.name) for (const m of isValidPortName(port.name)) errs.push(invalid(`${path}.service.port.name`, port.name, m));
  else if (port.number) for (const m of isValidPortNum(port.number)) errs.push(invalid(`${path}.service.port.number`, port.number, m));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validatePath(p: { path?: string; pathType?: string; backend?: Backend }, at: string): FieldError[] {
  if (p.pathType == null) return [required(`${at}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const path = p.path ?? '';
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!path.startsWith('/')) errs.push(invalid(`${at}.path`, path, 'must be an absolute path'));
    for (const seq of INVALID_SEQUENCES) if (path.includes(seq)) errs.push(invalid(`${at}.path`, path, `must not contain '${seq}'`));
    for (const suf of INVALID_SUFFIXES) if (path.endsWith(suf)) errs.push(invalid(`${at}.path`, path, `cannot end with '${suf}'`));
  } else if (p.pathType === 'ImplementationSpecific') {
    if (path && !path.startsWith('/')) errs.push(invalid(`${at}.path`, path, 'must be an absolute path'));
  } else errs.push(notSupported(`${at}.pathType`, p.pathType, PATH_TYPES));
  errs.push(...validateBackend(p.backend ?? {}, `${at}.backend`));
  return errs;
}

function validateSpec(ing: Ingress): FieldError[] {
  const spec = ing.spec ?? {};
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  if (!rules.length && !spec.defaultBackend) errs.push(invalid('spec', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    const host = rule?.host ?? '';
    if (host) {
      if (isIP(host)) errs.push(invalid(`${at}.host`, host, 'must be a DNS name, not an IP address'));
      for (const m of hostErrors(host)) errs.push(invalid(`${at}.host`, host, m));
    }
    if (rule?.http) {
      const paths = rule.http.paths ?? [];
      if (!paths.length) errs.push(required(`${at}.http.paths`));
      paths.forEach((p, j) => errs.push(...validatePath(p ?? {}, `${at}.http.paths[${j}]`)));
    }
  });
  (spec.tls ?? []).forEach((tls, i) => {
    (tls?.hosts ?? []).forEach((h, j) => {
      for (const m of hostErrors(h)) errs.push(invalid(`spec.tls[${i}].hosts[${j}]`, h, m));
    });
    if (tls?.secretName) errs.push(...dns1123Subdomain(tls.secretName, `spec.tls[${i}].secretName`));
  });
  if (spec.ingressClassName != null) errs.push(...dns1123Subdomain(spec.ingressClassName, 'spec.ingressClassName'));
  return errs;
}

function validateStatus(ing: Ingress): FieldError[] {
  const errs: FieldError[] = [];
  (ing.status?.loadBalancer?.ingress ?? []).forEach((lb, i) => {
    const at = `status.loadBalancer.ingress[${i}]`;
    if (lb?.ip && !isIP(lb.ip)) errs.push(invalid(`${at}.ip`, lb.ip, 'must be a valid IP address'));
    if (lb?.hostname) {
      for (const m of isDNS1123Subdomain(lb.hostname)) errs.push(invalid(`${at}.hostname`, lb.hostname, m));
      if (isIP(lb.hostname)) errs.push(invalid(`${at}.hostname`, lb.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

/** The Ingress strategy. */
export const ingressStrategy = {
  validate: (ing) => [...validateSpec(ing), ...classAnnotationErrors(ing), ...validateStatus(ing)],
} satisfies ResourceStrategy<Ingress>;

/** ValidateIngressCreate's extra rule: the legacy class annotation must agree with ingressClassName. */
function classAnnotationErrors(ing: Ingress): FieldError[] {
  const ann = ing.metadata?.annotations?.[CLASS_ANNOTATION];
  const cls = ing.spec?.ingressClassName;
  return ann !== undefined && cls != null && ann !== cls ? [invalid(`annotations.${CLASS_ANNOTATION}`, ann, 'must match `ingressClassName` when both are specified')] : [];
}

/** formatHosts: up to three hosts, then `+ N more...`; `*` when no rule names one. */
function formatHosts(ing: Ingress): string {
  const rules = ing.spec?.rules ?? [];
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === 3) more = true;
    if (!more && r?.host) list.push(r.host);
  }
  if (!list.length) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

/** ingressLoadBalancerStatusStringer (wide, as the server prints): sorted unique IPs or hostnames. */
function formatAddress(ing: Ingress): string {
  const set = new Set<string>();
  for (const lb of ing.status?.loadBalancer?.ingress ?? []) {
    if (lb?.ip) set.add(lb.ip);
    else if (lb?.hostname) set.add(lb.hostname);
  }
  return [...set].sort().join(',');
}

const ing = (o: KObject) => o as Ingress;

/** The `ingresses` resource. */
export const ingresses: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  subresources: { status: true },
  generation: true,
  printerColumns: [
    column('Class', (o) => ing(o).spec?.ingressClassName ?? '<none>', { description: 'The name of the IngressClass resource that should be used for ingress rules' }),
    column('Hosts', (o) => formatHosts(ing(o)), { description: 'Hosts that incoming requests are matched against before the ingress rule' }),
    column('Address', (o) => formatAddress(ing(o)), { description: 'Address is a list containing ingress points for the load-balancer' }),
    column('Ports', (o) => (ing(o).spec?.tls?.length ? '80, 443' : '80'), { description: 'Ports of TLS configurations that open' }),
    ageColumn,
  ],
  strategy: ingressStrategy as ResourceStrategy,
};
