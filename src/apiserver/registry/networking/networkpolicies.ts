/**
 * networking.k8s.io/v1 networkpolicies, as pkg/apis/networking/validation and v1 defaults: ports
 * default to TCP, policyTypes default to Ingress (plus Egress when egress rules exist), every peer
 * names exactly one kind of selector or an ipBlock whose exceptions are strict subsets of its
 * CIDR, ports are numbers or names with an optional endPort range; printNetworkPolicy shows the
 * pod selector.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { validateLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { isValidPortName, isValidPortNum } from '../../../apimachinery/validation.js';
import { forbidden, GoLiteral, invalid, notSupported, required } from '../core/field-errors.js';
import { column, formatSelector } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { cidrContains, parseCidr, validCidr } from '../discovery/addresses.js';

interface Port {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface Peer {
  podSelector?: MetaLabelSelector;
  namespaceSelector?: MetaLabelSelector;
  ipBlock?: { cidr?: string; except?: string[] };
}

interface Rule {
  ports?: Port[];
  from?: Peer[];
  to?: Peer[];
}

interface NetworkPolicy extends KObject {
  spec?: { podSelector?: MetaLabelSelector; ingress?: Rule[]; egress?: Rule[]; policyTypes?: string[] };
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

function validatePort(port: Port, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol != null && !PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  if (port.port == null) {
    if (port.endPort != null) errs.push(invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is not specified'));
  } else if (typeof port.port === 'number') {
    for (const m of isValidPortNum(port.port)) errs.push(invalid(`${path}.port`, port.port, m));
    if (port.endPort != null) {
      if (port.endPort < port.port) errs.push(invalid(`${path}.endPort`, port.port, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(port.endPort)) errs.push(invalid(`${path}.endPort`, port.endPort, m));
    }
  } else {
    if (port.endPort != null) errs.push(invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is non-numeric'));
    for (const m of isValidPortName(port.port)) errs.push(invalid(`${path}.port`, port.port, m));
  }
  return errs;
}

function validateIPBlock(b: NonNullable<Peer['ipBlock']>, path: string): FieldError[] {
  if (!b.cidr) return [required(`${path}.cidr`)];
  const errs = validCidr(b.cidr, `${path}.cidr`);
  const outer = parseCidr(b.cidr);
  if (!outer) return errs;
  (b.except ?? []).forEach((ex, i) => {
    const at = `${path}.except[${i}]`;
    const e = validCidr(ex, at);
    errs.push(...e);
    const inner = parseCidr(ex);
    if (inner && (!cidrContains(outer, inner) || outer.prefix >= inner.prefix)) errs.push(invalid(at, ex, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Peer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector) n++, errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  if (peer.namespaceSelector) n++, errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  if (peer.ipBlock) n++, errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  if (n === 0) errs.push(required(path, 'must specify a peer'));
  else if (n > 1 && peer.ipBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateRules(rules: Rule[] | undefined, dir: 'ingress' | 'egress'): FieldError[] {
  const peers = dir === 'ingress' ? 'from' : 'to';
  return (rules ?? []).flatMap((rule, i) => [
    ...(rule?.ports ?? []).flatMap((p, j) => validatePort(p ?? {}, `spec.${dir}[${i}].ports[${j}]`)),
    ...(rule?.[peers] ?? []).flatMap((p, j) => validatePeer(p ?? {}, `spec.${dir}[${i}].${peers}[${j}]`)),
  ]);
}

/** The NetworkPolicy strategy. */
export const networkPolicyStrategy = {
  defaults(np) {
    const spec = (np.spec ??= {});
    spec.podSelector ??= {};
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of rule?.ports ?? []) if (p) p.protocol ??= 'TCP';
    if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  validate(np) {
    const spec = np.spec ?? {};
    const errs = [...validateLabelSelector(spec.podSelector, 'spec.podSelector'), ...validateRules(spec.ingress, 'ingress'), ...validateRules(spec.egress, 'egress')];
    const types = spec.policyTypes ?? [];
    if (types.length > 2) return [...errs, invalid('spec.policyTypes', new GoLiteral(`[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`), 'may not specify more than two policyTypes')];
    types.forEach((t, i) => {
      if (!POLICY_TYPES.includes(t)) errs.push(notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
    });
    return errs;
  },
} satisfies ResourceStrategy<NetworkPolicy>;

/** The `networkpolicies` resource. */
export const networkpolicies: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  generation: true,
  printerColumns: [
    column('Pod-Selector', (o) => formatSelector((o as NetworkPolicy).spec?.podSelector), {
      description: "podSelector selects the pods to which this NetworkPolicy object applies. The array of rules is applied to any pods selected by this field. An empty selector matches all pods in this namespace. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is not optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.",
    }),
  ],
  strategy: networkPolicyStrategy as ResourceStrategy,
};
