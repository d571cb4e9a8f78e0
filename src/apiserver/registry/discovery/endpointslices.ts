/**
 * discovery.k8s.io/v1 endpointslices, as pkg/registry/discovery/endpointslice and
 * pkg/apis/discovery/validation: ports default to name "" and protocol TCP, the address type is
 * required on create and immutable, addresses match it (and are not special IPs), port names are
 * unique DNS labels; generation grows with every change; printEndpointSlice's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { isQualifiedName } from '../../../apimachinery/validation.js';
import { dns1123Label, dns1123Subdomain, duplicate, immutable, invalid, notSupported, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { fullyQualified, ipOfFamily, nonSpecialIP } from './addresses.js';

interface EndpointPort {
  name?: string;
  protocol?: string;
  port?: number;
  appProtocol?: string;
}

interface Endpoint {
  addresses?: string[];
  hostname?: string;
  nodeName?: string;
  [k: string]: unknown;
}

interface EndpointSlice extends KObject {
  addressType?: string;
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;

function validateEndpoints(endpoints: Endpoint[], addressType: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (endpoints.length > MAX_ENDPOINTS) errs.push({ type: 'FieldValueTooMany', field: 'endpoints', detail: `must have at most ${MAX_ENDPOINTS} items` });
  endpoints.forEach((ep, i) => {
    const at = `endpoints[${i}]`;
    const addrs = ep?.addresses ?? [];
    if (!addrs.length) errs.push(required(`${at}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > MAX_ADDRESSES) errs.push({ type: 'FieldValueTooMany', field: `${at}.addresses`, detail: `must have at most ${MAX_ADDRESSES} items` });
    addrs.forEach((a, j) => {
      const p = `${at}.addresses[${j}]`;
      if (addressType === 'IPv4' || addressType === 'IPv6') {
        const ipErrs = ipOfFamily(a, addressType === 'IPv4' ? 4 : 6, p);
        errs.push(...(ipErrs.length ? ipErrs : nonSpecialIP(a, p)));
      } else if (addressType === 'FQDN') errs.push(...fullyQualified(a, p));
    });
    if (ep?.nodeName != null) errs.push(...dns1123Subdomain(ep.nodeName, `${at}.nodeName`));
    if (ep?.hostname != null) errs.push(...dns1123Label(ep.hostname, `${at}.hostname`));
  });
  return errs;
}

function validatePorts(ports: EndpointPort[]): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = `ports[${i}]`;
    const name = port?.name ?? '';
    if (name) errs.push(...dns1123Label(name, `${at}.name`));
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    names.add(name);
    if (port?.protocol == null) errs.push(required(`${at}.protocol`));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${at}.protocol`, port.protocol, PROTOCOLS));
    if (port?.appProtocol != null) for (const m of isQualifiedName(port.appProtocol)) errs.push(invalid(`${at}.appProtocol`, port.appProtocol, m));
  });
  return errs;
}

/** The EndpointSlice strategy. */
export const endpointSliceStrategy = {
  defaults(es) {
    for (const p of es.ports ?? []) {
      if (!p) continue;
      p.name ??= '';
      p.protocol ??= 'TCP';
    }
  },
  validate(es) {
    const errs: FieldError[] = [];
    if (!es.addressType) errs.push(required('addressType'));
    else if (!ADDRESS_TYPES.includes(es.addressType)) errs.push(notSupported('addressType', es.addressType, ADDRESS_TYPES));
    errs.push(...validateEndpoints(es.endpoints ?? [], es.addressType), ...validatePorts(es.ports ?? []));
    return errs;
  },
  validateUpdate: (es, old) => immutable('addressType', es.addressType, old.addressType),
} satisfies ResourceStrategy<EndpointSlice>;

/** listWithMoreString: at most three items, then `+ N more...`; `<unset>` when empty. */
export function listWithMore(items: string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown || '<unset>';
}

const es = (o: KObject) => o as EndpointSlice;

/** The `endpointslices` resource. */
export const endpointslices: ResourceDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  generation: true,
  printerColumns: [
    column('AddressType', (o) => es(o).addressType ?? '', { description: 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name. (Deprecated) The EndpointSlice controller only generates, and kube-proxy only processes, slices of addressType "IPv4" and "IPv6". No semantics are defined for the "FQDN" type.' }),
    column('Ports', (o) => listWithMore((es(o).ports ?? []).map((p) => (p?.port != null ? String(p.port) : p?.name ?? '*'))), { description: 'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. Each slice may include a maximum of 100 ports. Services always have at least 1 port, so EndpointSlices generated by the EndpointSlice controller will likewise always have at least 1 port. EndpointSlices used for other purposes may have an empty ports list.' }),
    column('Endpoints', (o) => listWithMore((es(o).endpoints ?? []).flatMap((e) => e?.addresses ?? [])), { description: 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.' }),
    ageColumn,
  ],
  strategy: endpointSliceStrategy as ResourceStrategy,
};
