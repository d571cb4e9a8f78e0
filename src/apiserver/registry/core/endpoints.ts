/**
 * core/v1 endpoints, as pkg/registry/core/endpoint: port protocols default to TCP
 * (SetDefaults_Endpoints), subsets are validated as validateEndpointSubsets (an address is needed,
 * IPs are valid and not special, ports have names when there are several), PUT may create, and
 * the printer lists up to three `ip:port` pairs as formatEndpoints.
 */
import { isIP, isIPv4 } from 'node:net';
import type { FieldError } from '../../../apimachinery/errors.js';
import { isValidPortNum } from '../../../apimachinery/validation.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { PORT_PROTOCOLS } from './container-validation.js';
import { dns1123Label, dns1123Subdomain, invalid, notSupported, qualifiedName, required } from './field-errors.js';
import { IP_MSG } from './service-validation.js';

interface EndpointAddress {
  ip?: string;
  hostname?: string;
  nodeName?: string;
  [k: string]: unknown;
}
interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}
interface Subset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}
interface Endpoints extends KObject {
  subsets?: Subset[];
}

/** ValidateNonSpecialIP: no unspecified, loopback, link-local or link-local multicast address. */
export function specialIPErrors(ip: string, path: string): FieldError[] {
  const v4 = isIPv4(ip);
  const lower = ip.toLowerCase();
  if (ip === '0.0.0.0' || lower === '::') return [invalid(path, ip, 'may not be unspecified (0.0.0.0, ::)')];
  if ((v4 && ip.startsWith('127.')) || lower === '::1') return [invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  if ((v4 && ip.startsWith('169.254.')) || /^fe[89ab]/.test(lower)) return [invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  if ((v4 && ip.startsWith('224.0.0.')) || lower.startsWith('ff02:')) return [invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  return [];
}

function validateAddress(a: EndpointAddress, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ip = a.ip ?? '';
  if (!isIP(ip)) errs.push(invalid(`${path}.ip`, ip, IP_MSG));
  if (a.hostname) errs.push(...dns1123Label(a.hostname, `${path}.hostname`));
  if (a.nodeName !== undefined) errs.push(...dns1123Subdomain(a.nodeName, `${path}.nodeName`));
  if (isIP(ip)) errs.push(...specialIPErrors(ip, `${path}.ip`));
  return errs;
}

function validatePort(p: EndpointPort, path: string, requireName: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(required(`${path}.name`));
  else if (p.name) errs.push(...dns1123Label(p.name, `${path}.name`));
  for (const m of isValidPortNum(p.port ?? 0)) errs.push(invalid(`${path}.port`, p.port ?? 0, m));
  if (!p.protocol) errs.push(required(`${path}.protocol`));
  else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, PORT_PROTOCOLS));
  if (p.appProtocol !== undefined) errs.push(...qualifiedName(p.appProtocol, `${path}.appProtocol`));
  return errs;
}

/** The endpoints strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const endpointsStrategy = {
  defaults(ep) {
    for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
  },
  validate(ep) {
    const errs: FieldError[] = [];
    (ep.subsets ?? []).forEach((ss, i) => {
      const path = `subsets[${i}]`;
      if (!ss.addresses?.length && !ss.notReadyAddresses?.length) errs.push(required(path, 'must specify `addresses` or `notReadyAddresses`'));
      (ss.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${path}.addresses[${j}]`)));
      (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${path}.notReadyAddresses[${j}]`)));
      (ss.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `${path}.ports[${j}]`, (ss.ports ?? []).length > 1)));
    });
    return errs;
  },
} satisfies ResourceStrategy<Endpoints>;

/** formatEndpoints: the first three `ip:port` (or bare IPs for port-less subsets), `+ N more...`, `<none>`. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  const join = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(a.ip ?? '');
      continue;
    }
    for (const p of ss.ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(join(a.ip ?? '', p.port ?? 0));
    }
  }
  const text = list.join(',');
  return count > 3 ? `${text} + ${count - 3} more...` : text;
}

/** The `endpoints` resource: table data plus its strategy. */
export const endpoints: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  allowCreateOnUpdate: true,
  printerColumns: [
    {
      name: 'Endpoints',
      type: 'string',
      priority: 0,
      description: 'The set of all endpoints is the union of all subsets.',
      cell: (o) => formatEndpoints(o as Endpoints),
    },
  ],
  strategy: endpointsStrategy as ResourceStrategy,
};
