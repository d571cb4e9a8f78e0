/**
 * apiregistration.k8s.io/v1 apiservices, as k8s.io/kube-aggregator's registry and validation: the
 * name is `version.group` (`v1.` for the core group), group a DNS subdomain, version a DNS-1035
 * label, priorities within range, a local APIService (no service) carries no CA bundle; the
 * service port defaults to 443; /status carries the Available condition. The built-in group
 * versions are served locally; BOOTSTRAP_API_SERVICES describes them as the autoregister
 * controller does, with upstream's group and version priorities.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { findTypeError } from '../../../apimachinery/schema/type-check.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum } from '../../../apimachinery/validation.js';
import { decodeError, invalid, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface APIService extends KObject {
  spec?: {
    service?: { namespace?: string; name?: string; port?: number } | null;
    group?: string;
    version?: string;
    insecureSkipTLSVerify?: boolean;
    caBundle?: string;
    groupPriorityMinimum?: number;
    versionPriority?: number;
  };
  status?: { conditions?: { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }[] };
}

/** Upstream's apiVersionPriorities (pkg/controlplane/apiserver): [groupPriorityMinimum, versionPriority]. */
export const API_VERSION_PRIORITIES: Record<string, [number, number]> = {
  v1: [18000, 1],
  'apiregistration.k8s.io/v1': [18000, 15],
  'apps/v1': [17800, 15],
  'events.k8s.io/v1': [17750, 15],
  'authentication.k8s.io/v1': [17700, 15],
  'authorization.k8s.io/v1': [17600, 15],
  'autoscaling/v2': [17500, 30],
  'autoscaling/v1': [17500, 15],
  'batch/v1': [17400, 15],
  'certificates.k8s.io/v1': [17300, 15],
  'networking.k8s.io/v1': [17200, 15],
  'policy/v1': [17100, 15],
  'rbac.authorization.k8s.io/v1': [17000, 15],
  'storage.k8s.io/v1': [16800, 15],
  'admissionregistration.k8s.io/v1': [16700, 15],
  'apiextensions.k8s.io/v1': [16700, 15],
  'scheduling.k8s.io/v1': [16600, 15],
  'coordination.k8s.io/v1': [16500, 15],
  'node.k8s.io/v1': [16300, 15],
  'discovery.k8s.io/v1': [16200, 15],
  'flowcontrol.apiserver.k8s.io/v1': [16100, 21],
};

type Shape = 'string' | 'bool' | 'int' | { [field: string]: Shape } | [Shape];

/** The JSON shape of an APIService (the type table has no kube-aggregator types to check it against). */
const SHAPE: Shape = {
  spec: {
    service: { namespace: 'string', name: 'string', port: 'int' },
    group: 'string',
    version: 'string',
    insecureSkipTLSVerify: 'bool',
    caBundle: 'string',
    groupPriorityMinimum: 'int',
    versionPriority: 'int',
  },
  status: { conditions: [{ type: 'string', status: 'string', reason: 'string', message: 'string', lastTransitionTime: 'string' }] },
};

/**
 * The Go decoder's complaint about the first value of the wrong JSON type, or undefined; the
 * metadata is checked against the table's ObjectMeta (through a kind that has one).
 */
function apiServiceTypeError(svc: APIService): string | undefined {
  return findTypeError({ group: '', version: 'v1', kind: 'ConfigMap' }, { metadata: svc.metadata }) ?? shapeError(svc, SHAPE, '');
}

function shapeError(v: unknown, shape: Shape, path: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  const got = Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v;
  const bad = (want: string) => `json: cannot unmarshal ${got} into Go struct field APIService.${path} of type ${want}`;
  if (shape === 'string') return typeof v === 'string' ? undefined : bad('string');
  if (shape === 'bool') return typeof v === 'boolean' ? undefined : bad('bool');
  if (shape === 'int') return Number.isInteger(v) ? undefined : bad('int32');
  if (Array.isArray(shape)) {
    if (!Array.isArray(v)) return bad('[]v1.APIServiceCondition');
    for (const x of v) {
      const e = shapeError(x, shape[0]!, path);
      if (e) return e;
    }
    return undefined;
  }
  if (typeof v !== 'object' || Array.isArray(v)) return bad('struct');
  for (const [k, sub] of Object.entries(shape)) {
    const e = shapeError((v as Record<string, unknown>)[k], sub, path ? `${path}.${k}` : k);
    if (e) return e;
  }
  return undefined;
}

function validateName(svc: APIService): FieldError[] {
  const name = svc.metadata?.name ?? '';
  const want = `${svc.spec?.version ?? ''}.${svc.spec?.group ?? ''}`;
  return name && name !== want ? [invalid('metadata.name', name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(want)}`)] : [];
}

/** The APIService strategy. */
export const apiServiceStrategy = {
  defaults(svc) {
    const e = apiServiceTypeError(svc);
    if (e) throw decodeError('APIService', 'v1', e);
    const s = svc.spec?.service;
    if (s) s.port ??= 443;
  },
  validate(svc) {
    const e = apiServiceTypeError(svc);
    if (e) throw decodeError('APIService', 'v1', e);
    const spec = svc.spec ?? {};
    const errs = validateName(svc);
    const group = spec.group ?? '';
    const version = spec.version ?? '';
    if (!group && version !== 'v1') errs.push(required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
    if (group) for (const m of isDNS1123Subdomain(group)) errs.push(invalid('spec.group', group, m));
    for (const m of isDNS1035Label(version)) errs.push(invalid('spec.version', version, m));
    const gp = spec.groupPriorityMinimum ?? 0;
    if (gp <= 0 || gp > 20000) errs.push(invalid('spec.groupPriorityMinimum', gp, 'must be positive and less than 20000'));
    const vp = spec.versionPriority ?? 0;
    if (vp <= 0 || vp > 1000) errs.push(invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
    const svcRef = spec.service;
    if (!svcRef) {
      if (spec.caBundle) errs.push(invalid('spec.caBundle', `${Buffer.from(spec.caBundle, 'base64').length} bytes`, 'local APIServices may not have a caBundle'));
      if (spec.insecureSkipTLSVerify) errs.push(invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
      return errs;
    }
    if (!svcRef.namespace) errs.push(required('spec.service.namespace'));
    if (!svcRef.name) errs.push(required('spec.service.name'));
    const portErrs = isValidPortNum(svcRef.port ?? 443);
    if (portErrs.length) errs.push(invalid('spec.service.port', svcRef.port, `port is not valid: ${portErrs.join(', ')}`));
    if (spec.insecureSkipTLSVerify && spec.caBundle) errs.push(invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
    return errs;
  },
} satisfies ResourceStrategy<APIService>;

/**
 * APIService objects for every group version in `defs` (the resource table), local and
 * Available as the autoregister controller writes them: name `v1.apps` (`v1.` for core),
 * upstream priorities (1000/100 for a group version upstream does not list). Create them with
 * the apiservices store (status included, e.g. with a follow-up /status write) at startup.
 */
export function BOOTSTRAP_API_SERVICES(defs: readonly { group: string; version: string }[], now = '1970-01-01T00:00:00Z'): KObject[] {
  const seen = new Set<string>();
  const out: KObject[] = [];
  for (const d of defs) {
    const gv = d.group ? `${d.group}/${d.version}` : d.version;
    if (seen.has(gv)) continue;
    seen.add(gv);
    const [gp, vp] = API_VERSION_PRIORITIES[gv] ?? [1000, 100];
    out.push({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: `${d.version}.${d.group}`, labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } },
      spec: { group: d.group, version: d.version, groupPriorityMinimum: gp, versionPriority: vp },
      status: { conditions: [{ type: 'Available', status: 'True', lastTransitionTime: now, reason: 'Local', message: 'Local APIServices are always available' }] },
    });
  }
  return out;
}

const a = (o: KObject) => o as APIService;

/** The Available cell: the condition's status, with its reason when not True; `Unknown` without one. */
function availableCell(svc: APIService): string {
  const conds = svc.status?.conditions;
  const c = Array.isArray(conds) ? conds.find((x) => x?.type === 'Available') : undefined;
  if (!c) return 'Unknown';
  return c.status === 'True' ? 'True' : `${c.status ?? ''} (${c.reason ?? ''})`;
}

/** The `apiservices` resource. */
export const apiservices: ResourceDef = {
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  singular: 'apiservice',
  namespaced: false,
  categories: ['api-extensions'],
  nameRule: 'path-segment',
  subresources: { status: true },
  printerColumns: [
    column('Service', (o) => (a(o).spec?.service ? `${a(o).spec!.service!.namespace ?? ''}/${a(o).spec!.service!.name ?? ''}` : 'Local'), { description: 'The reference to the service that hosts this API endpoint.' }),
    column('Available', (o) => availableCell(a(o)), { description: 'Whether this service is available.' }),
    ageColumn,
  ],
  strategy: apiServiceStrategy as ResourceStrategy,
};
