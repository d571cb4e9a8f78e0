/**
 * networking.k8s.io/v1 ingressclasses, as pkg/apis/networking/validation: the controller is a
 * domain-prefixed path (at most 250 bytes, immutable), parameters name a kind and a name with a
 * scope (defaulted to Cluster) that decides whether a namespace is required or forbidden;
 * printIngressClass shows the controller and parameters.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { isDNS1123Subdomain, regexError, validateNamespaceName } from '../../../apimachinery/validation.js';
import { forbidden, immutable, invalid, notSupported, required, tooLong } from '../core/field-errors.js';
import { column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface Parameters {
  apiGroup?: string;
  kind?: string;
  name?: string;
  scope?: string;
  namespace?: string;
}

interface IngressClass extends KObject {
  spec?: { controller?: string; parameters?: Parameters };
}

const MAX_CONTROLLER = 250;
const SCOPES = ['Cluster', 'Namespace'];
const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";

/** IsDomainPrefixedPath: `acme.io/foo`. */
export function domainPrefixedPath(value: string, path: string): FieldError[] {
  if (!value) return [required(path)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (!host || !rest) return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  if (!new RegExp(`^${HTTP_PATH_FMT}$`).test(rest)) errs.push(invalid(path, rest, regexError('Invalid path', HTTP_PATH_FMT)));
  return errs;
}

function validateParameters(p: Parameters, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!p.kind) errs.push(required(`${path}.kind`, 'kind is required'));
  if (!p.name) errs.push(required(`${path}.name`, 'name is required'));
  if (p.apiGroup) for (const m of isDNS1123Subdomain(p.apiGroup)) errs.push(invalid(`${path}.apiGroup`, p.apiGroup, m));
  if (p.scope == null) return [...errs, required(`${path}.scope`)];
  if (!SCOPES.includes(p.scope)) return [...errs, notSupported(`${path}.scope`, p.scope, SCOPES)];
  if (p.scope === 'Namespace') {
    if (p.namespace == null) errs.push(required(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else for (const m of validateNamespaceName(p.namespace, false)) errs.push(invalid(`${path}.namespace`, p.namespace, m));
  } else if (p.namespace != null) errs.push(forbidden(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

/** The IngressClass strategy. */
export const ingressClassStrategy = {
  defaults(ic) {
    const p = ic.spec?.parameters;
    if (p) p.scope ??= 'Cluster';
  },
  validate(ic) {
    const spec = ic.spec ?? {};
    const controller = spec.controller ?? '';
    const errs: FieldError[] = [];
    if (Buffer.byteLength(controller) > MAX_CONTROLLER) errs.push(tooLong('spec.controller', MAX_CONTROLLER));
    errs.push(...domainPrefixedPath(controller, 'spec.controller'));
    if (spec.parameters) errs.push(...validateParameters(spec.parameters, 'spec.parameters'));
    return errs;
  },
  validateUpdate: (ic, old) => immutable('spec.controller', ic.spec?.controller, old.spec?.controller),
} satisfies ResourceStrategy<IngressClass>;

function formatParameters(ic: IngressClass): string {
  const p = ic.spec?.parameters;
  if (!p) return '<none>';
  return `${p.kind ?? ''}${p.apiGroup != null ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
}

/** The `ingressclasses` resource. */
export const ingressclasses: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  generation: true,
  printerColumns: [
    column('Controller', (o) => (o as IngressClass).spec?.controller ?? '', { description: 'Controller that is responsible for handling this class' }),
    column('Parameters', (o) => formatParameters(o as IngressClass), { description: 'A reference to a resource with additional parameters' }),
  ],
  strategy: ingressClassStrategy as ResourceStrategy,
};
