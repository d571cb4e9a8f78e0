/**
 * apiextensions.k8s.io/v1 customresourcedefinitions, as pkg/registry/customresourcedefinition:
 * cluster-scoped, short names crd/crds, category api-extensions, a status subresource. v1
 * defaults (singular from kind, listKind, conversion None, webhook service port 443), status
 * reset on create with storedVersions seeded from the storage version, the storage version
 * appended to storedVersions on updates, ValidateCustomResourceDefinition(+Update), and the
 * default table's NAME / CREATED AT columns.
 *
 * Upstream's naming and establishing controllers then set acceptedNames and the NamesAccepted
 * and Established conditions; this server does it synchronously on create and on name changes
 * (crdAcceptedStatus), so a CRD is established as soon as it is stored.
 */
import type { CRDCondition, CRDNames, CustomResourceDefinition } from '../../../apimachinery/crd/types.js';
import { deepEqual } from '../../../apimachinery/json.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { validateCRD, validateCRDUpdate } from './crd-validation.js';

type CRD = CustomResourceDefinition & KObject;

/** SetDefaults_CustomResourceDefinition(Spec) of apiextensions v1, in place. */
export function defaultCRD(crd: CustomResourceDefinition): void {
  const spec = (crd.spec ??= {});
  const names = (spec.names ??= {});
  if (!names.singular && names.kind) names.singular = names.kind.toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  spec.conversion ??= { strategy: 'None' };
  const svc = spec.conversion.webhook?.clientConfig?.service;
  if (svc) svc.port ??= 443;
  const status = (crd.status ??= {});
  if (!status.storedVersions?.length) {
    const storage = spec.versions?.find((v) => v.storage);
    if (storage?.name) status.storedVersions = [storage.name];
  }
}

const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function acceptedNames(n: CRDNames | undefined): CRDNames {
  const out: CRDNames = { plural: n?.plural ?? '', kind: n?.kind ?? '' };
  if (n?.singular) out.singular = n.singular;
  if (n?.shortNames?.length) out.shortNames = [...n.shortNames];
  if (n?.listKind) out.listKind = n.listKind;
  if (n?.categories?.length) out.categories = [...n.categories];
  return out;
}

function conflict(crd: CustomResourceDefinition, others: readonly CustomResourceDefinition[]): { reason: string; message: string } | undefined {
  const n = crd.spec?.names ?? {};
  const peers = others.filter((o) => o.spec?.group === crd.spec?.group && o.metadata?.name !== crd.metadata?.name);
  const taken = (get: (x: CRDNames) => (string | undefined)[]) => new Set(peers.flatMap((o) => get(o.status?.acceptedNames ?? o.spec?.names ?? {})));
  const plurals = taken((x) => [x.plural, x.singular, ...(x.shortNames ?? [])]);
  const kinds = taken((x) => [x.kind, x.listKind]);
  if (n.plural && plurals.has(n.plural)) return { reason: 'PluralConflict', message: `"${n.plural}" is already in use` };
  if (n.singular && plurals.has(n.singular)) return { reason: 'SingularConflict', message: `"${n.singular}" is already in use` };
  const short = (n.shortNames ?? []).find((s) => plurals.has(s));
  if (short) return { reason: 'ShortNamesConflict', message: `"${short}" is already in use` };
  if (n.kind && kinds.has(n.kind)) return { reason: 'KindConflict', message: `"${n.kind}" is already in use` };
  if (n.listKind && kinds.has(n.listKind)) return { reason: 'ListKindConflict', message: `"${n.listKind}" is already in use` };
  return undefined;
}

function setCondition(list: CRDCondition[], c: CRDCondition): CRDCondition[] {
  const old = list.find((x) => x.type === c.type);
  if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) return list;
  const next = old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime ?? c.lastTransitionTime } : c;
  return old ? list.map((x) => (x.type === c.type ? next : x)) : [...list, next];
}

/**
 * The status upstream's naming and establishing controllers converge to: acceptedNames copied
 * from spec.names and NamesAccepted=True/NoConflicts plus Established=True/InitialNamesAccepted,
 * or NamesAccepted=False with a `…Conflict` reason when another CRD of the same group holds a
 * name (then the previously accepted names are kept and Established is not set).
 */
export function crdAcceptedStatus(crd: CustomResourceDefinition, now: number, others: readonly CustomResourceDefinition[] = []): NonNullable<CustomResourceDefinition['status']> {
  const ts = rfc3339(now);
  const prev = crd.status ?? {};
  let conditions = prev.conditions ?? [];
  const clash = conflict(crd, others);
  const status: NonNullable<CustomResourceDefinition['status']> = { ...prev };
  if (clash) {
    conditions = setCondition(conditions, { type: 'NamesAccepted', status: 'False', lastTransitionTime: ts, ...clash });
    status.acceptedNames = prev.acceptedNames ?? { plural: '', kind: '' };
  } else {
    conditions = setCondition(conditions, { type: 'NamesAccepted', status: 'True', lastTransitionTime: ts, reason: 'NoConflicts', message: 'no conflicts found' });
    conditions = setCondition(conditions, { type: 'Established', status: 'True', lastTransitionTime: ts, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
    status.acceptedNames = acceptedNames(crd.spec?.names);
  }
  status.conditions = conditions;
  status.storedVersions = prev.storedVersions ?? [];
  return status;
}

function appendStorageVersion(crd: CustomResourceDefinition): void {
  const storage = crd.spec?.versions?.find((v) => v.storage)?.name;
  const status = (crd.status ??= {});
  const stored = (status.storedVersions ??= []);
  if (storage && !stored.includes(storage)) stored.push(storage);
}

/** Upstream's finalizer that holds a deleted CRD until its objects are gone. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** The CRD strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const crdStrategy = {
  prepareForCreate(crd, ctx) {
    const meta = (crd.metadata ??= {});
    if (!meta.finalizers?.includes(CRD_CLEANUP_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), CRD_CLEANUP_FINALIZER];
    defaultCRD(crd);
    crd.status = { storedVersions: [] };
    appendStorageVersion(crd);
    crd.status = crdAcceptedStatus(crd, ctx.now);
  },
  prepareForUpdate(crd, old, ctx) {
    defaultCRD(crd);
    crd.status = structuredClone(old.status ?? {});
    appendStorageVersion(crd);
    if (!deepEqual(crd.spec?.names, old.spec?.names)) crd.status = crdAcceptedStatus(crd, ctx.now);
  },
  defaults(crd) {
    defaultCRD(crd);
  },
  validate(crd) {
    return validateCRD(crd);
  },
  validateUpdate(crd, old) {
    return validateCRDUpdate(crd, old);
  },
} satisfies ResourceStrategy<CRD>;

/** apiextensions.k8s.io/v1 customresourcedefinitions. */
export const customResourceDefinitions: ResourceDef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  subresources: { status: true },
  generation: true,
  printerColumns: [
    {
      name: 'Created At',
      type: 'date',
      priority: 0,
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
      cell: (o) => (o.metadata?.creationTimestamp ? rfc3339(Date.parse(o.metadata.creationTimestamp)) : '0001-01-01T00:00:00Z'),
    },
  ],
  strategy: crdStrategy as ResourceStrategy,
};
