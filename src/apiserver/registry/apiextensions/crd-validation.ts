/**
 * ValidateCustomResourceDefinition / ValidateCustomResourceDefinitionUpdate of
 * apiextensions-apiserver (pkg/apis/apiextensions/validation), on the internal form the v1
 * object converts to: per-version schemas, subresources, printer columns and selectable fields
 * that are identical in every version move to the top level (so a one-version CRD reports
 * `spec.validation.openAPIV3Schema…`, as a real server does), the others stay at
 * `spec.versions[i]`. Checks and messages as upstream: group, scope, version names and the one
 * storage version, names, schemas (crd-schema.ts), subresources, columns, selectable fields,
 * conversion, API approval for *.k8s.io groups, stored versions, and the update rules.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { forbidden, GoLiteral, goStrings, index, invalid, notSupported, required, tooMany, duplicate } from '../../../apimachinery/crd/field-errors.js';
import { validFieldPath } from '../../../apimachinery/crd/field-path.js';
import { newStructural } from '../../../apimachinery/crd/structural.js';
import type { ColumnDefinition, CRDNames, CRDSubresources, CRDVersion, CustomResourceDefinition, JSONSchemaProps } from '../../../apimachinery/crd/types.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { isDNS1035Label, isDNS1123Subdomain, validateImmutableField } from '../../../apimachinery/validation.js';
import { validateCRDSchema } from './crd-schema.js';

/** The internal (folded) spec validation runs on. */
interface InternalSpec {
  validation?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: CRDSubresources;
  additionalPrinterColumns?: ColumnDefinition[];
  selectableFields?: { jsonPath?: string }[];
  versions: CRDVersion[];
}

const norm = <T>(v: T[] | undefined): T[] | undefined => (v?.length ? v : undefined);

/** Convert_v1_CustomResourceDefinitionSpec_To_apiextensions: identical per-version fields move to the top level. */
export function foldVersions(versions: CRDVersion[]): InternalSpec {
  const out: InternalSpec = { versions: versions.map((v) => ({ ...v })) };
  if (!versions.length) return out;
  const first = versions[0]!;
  const same = (f: (v: CRDVersion) => unknown) => versions.every((v) => deepEqual(f(v), f(first)));
  const schemas = same((v) => v.schema);
  const subs = same((v) => v.subresources);
  const cols = same((v) => norm(v.additionalPrinterColumns));
  const sels = schemas && same((v) => norm(v.selectableFields));
  if (schemas && first.schema) out.validation = first.schema;
  if (subs && first.subresources) out.subresources = first.subresources;
  if (cols && norm(first.additionalPrinterColumns)) out.additionalPrinterColumns = first.additionalPrinterColumns!;
  if (sels && norm(first.selectableFields)) out.selectableFields = first.selectableFields!;
  for (const v of out.versions) {
    if (schemas) delete v.schema;
    if (subs) delete v.subresources;
    if (cols) delete v.additionalPrinterColumns;
    if (sels) delete v.selectableFields;
  }
  return out;
}

const ptr = (t: string, v: unknown) => (v === undefined ? `(*${t})(nil)` : `(*${t})(0xc000a1b2e0)`);
/** `%#v` of the internal versions slice, as the version-set errors print it. */
function goVersions(vs: CRDVersion[]): GoLiteral {
  const one = (v: CRDVersion) =>
    `apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(v.name ?? '')}, Served:${!!v.served}, Storage:${!!v.storage}, Deprecated:${!!v.deprecated}, DeprecationWarning:${ptr('string', v.deprecationWarning)}, Schema:${ptr('apiextensions.CustomResourceValidation', v.schema)}, Subresources:${ptr('apiextensions.CustomResourceSubresources', v.subresources)}, AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}`;
  return new GoLiteral(`[]apiextensions.CustomResourceDefinitionVersion{${vs.map(one).join(', ')}}`);
}

/** ValidateCustomResourceDefinitionNames. */
export function validateNames(n: CRDNames | undefined, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const dns = (field: string, v: string | undefined, mixed = false) => {
    if (!v) return;
    const m = isDNS1035Label(mixed ? v.toLowerCase() : v);
    if (m.length) errs.push(invalid(`${p}.${field}`, v, mixed ? `may have mixed case, but should otherwise match: ${m.join(',')}` : m.join(',')));
  };
  dns('plural', n?.plural);
  dns('singular', n?.singular);
  dns('kind', n?.kind, true);
  dns('listKind', n?.listKind, true);
  (n?.shortNames ?? []).forEach((s, i) => {
    const m = isDNS1035Label(s);
    if (m.length) errs.push(invalid(index(`${p}.shortNames`, i), s, m.join(',')));
  });
  if (n?.kind && n.kind === n.listKind) errs.push(invalid(`${p}.listKind`, n.listKind, 'kind and listKind may not be the same'));
  (n?.categories ?? []).forEach((c, i) => {
    const m = isDNS1035Label(c);
    if (m.length) errs.push(invalid(index(`${p}.categories`, i), c, m.join(',')));
  });
  return errs;
}

function simpleJSONPath(s: string, p: string): FieldError[] {
  if (!s) return [invalid(p, s, 'must not be empty')];
  if (!s.startsWith('.')) return [invalid(p, s, 'must be a simple json path starting with .')];
  return [];
}

/** ValidateCustomResourceColumnDefinition. */
function validateColumn(c: ColumnDefinition, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const types = 'boolean,date,integer,number,string';
  const formats = 'byte,date,date-time,double,float,int32,int64,password';
  if (!c.name) errs.push(required(`${p}.name`));
  if (!c.type) errs.push(required(`${p}.type`, `must be one of ${types}`));
  else if (!types.split(',').includes(c.type)) errs.push(invalid(`${p}.type`, c.type, `must be one of ${types}`));
  if (c.format && !formats.split(',').includes(c.format)) errs.push(invalid(`${p}.format`, c.format, `must be one of ${formats}`));
  if (!c.jsonPath) errs.push(required(`${p}.JSONPath`));
  else errs.push(...simpleJSONPath(c.jsonPath, `${p}.JSONPath`));
  return errs;
}

/** ValidateCustomResourceDefinitionSubresources. */
function validateSubresources(s: CRDSubresources | undefined, p: string): FieldError[] {
  const sc = s?.scale;
  if (!sc) return [];
  const errs: FieldError[] = [];
  const check = (v: string | undefined, field: string, prefixes: string[], where: string) => {
    const fp = `${p}.scale.${field}`;
    if (!v) return errs.push(required(fp));
    const e = simpleJSONPath(v, fp);
    if (e.length) return errs.push(...e);
    if (!prefixes.some((x) => v.startsWith(x))) errs.push(invalid(fp, v, `should be a json path under ${where}`));
  };
  check(sc.specReplicasPath, 'specReplicasPath', ['.spec.'], '.spec');
  check(sc.statusReplicasPath, 'statusReplicasPath', ['.status.'], '.status');
  if (sc.labelSelectorPath) check(sc.labelSelectorPath, 'labelSelectorPath', ['.spec.', '.status.'], 'either .spec or .status');
  return errs;
}

/** ValidateCustomResourceSelectableFields (at most 8, string/boolean/integer fields outside metadata). */
function validateSelectableFields(fields: { jsonPath?: string }[], schema: JSONSchemaProps | undefined, p: string): FieldError[] {
  if (!schema) return [invalid(p, '', 'selectableFields may only be set when version.schema.openAPIV3Schema is not included')];
  const errs: FieldError[] = [];
  const ss = newStructural(schema);
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const fp = `${index(p, i)}.jsonPath`;
    const jp = f.jsonPath ?? '';
    if (!jp) return errs.push(required(fp));
    const r = validFieldPath(jp, ss, false);
    if ('error' in r) return errs.push(invalid(fp, jp, `is an invalid path: ${r.error}`));
    if (r.root === 'metadata') errs.push(invalid(fp, jp, 'must not point to fields in metadata'));
    if (!['string', 'boolean', 'integer'].includes(r.schema.type)) errs.push(invalid(fp, jp, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    if (seen.has(r.path)) errs.push(duplicate(fp, jp));
    else seen.add(r.path);
  });
  if (seen.size > 8) errs.push(tooMany(p, seen.size, 8));
  return errs;
}

function validateConversion(crd: CustomResourceDefinition, p: string): FieldError[] {
  const conv = crd.spec?.conversion;
  if (!conv) return [];
  const errs: FieldError[] = [];
  const strategy = conv.strategy ?? '';
  if (!strategy) errs.push(required(`${p}.strategy`));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(notSupported(`${p}.strategy`, strategy, ['None', 'Webhook']));
  const cc = conv.webhook?.clientConfig;
  const reviews = conv.webhook?.conversionReviewVersions ?? [];
  if (strategy === 'Webhook') {
    if (!cc) errs.push(required(`${p}.webhookClientConfig`, 'required when strategy is set to Webhook'));
    else if ((cc.url === undefined) === (cc.service === undefined)) errs.push(required(`${p}.webhookClientConfig`, 'exactly one of url or service is required'));
    else if (cc.url !== undefined && !/^https:\/\//.test(cc.url)) errs.push(invalid(`${p}.webhookClientConfig.url`, cc.url, "'https' is the only allowed URL scheme"));
    if (!reviews.length) errs.push(required(`${p}.conversionReviewVersions`));
    else {
      reviews.forEach((v, i) => {
        if (reviews.indexOf(v) !== i) errs.push(invalid(index(`${p}.conversionReviewVersions`, i), v, 'duplicate version'));
        for (const m of isDNS1035Label(v)) errs.push(invalid(index(`${p}.conversionReviewVersions`, i), v, m));
      });
      if (!reviews.some((v) => v === 'v1' || v === 'v1beta1')) errs.push(invalid(`${p}.conversionReviewVersions`, goStrings(reviews), 'must include at least one of v1, v1beta1'));
    }
  } else {
    if (cc) errs.push(forbidden(`${p}.webhookClientConfig`, 'should not be set when strategy is not set to Webhook'));
    if (reviews.length) errs.push(forbidden(`${p}.conversionReviewVersions`, 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

const hasStatus = (s: CRDSubresources | undefined): boolean => s?.status !== undefined && s.status !== null;

/** Groups whose CRDs need the `api-approved.kubernetes.io` annotation. */
const isProtectedGroup = (g: string): boolean => g === 'k8s.io' || g.endsWith('.k8s.io') || g === 'kubernetes.io' || g.endsWith('.kubernetes.io');

/** ValidateCustomResourceDefinition (metadata is the generic store's; the name rule is added here). */
export function validateCRD(crd: CustomResourceDefinition): FieldError[] {
  const spec = crd.spec ?? {};
  const errs: FieldError[] = [];
  const name = crd.metadata?.name ?? '';
  if (name && name !== `${spec.names?.plural ?? ''}.${spec.group ?? ''}`) errs.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  const group = spec.group ?? '';
  if (!group) errs.push(required('spec.group'));
  else if (isDNS1123Subdomain(group).length) errs.push(invalid('spec.group', group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2) errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (!spec.scope) errs.push(required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const versions = spec.versions ?? [];
  const internal = foldVersions(versions);
  if (!internal.validation?.openAPIV3Schema) {
    internal.versions.forEach((v, i) => {
      if (!v.schema?.openAPIV3Schema) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    });
  }
  const names = new Set<string>();
  let unique = true;
  internal.versions.forEach((v, i) => {
    const vp = `spec.versions[${i}]`;
    if (names.has(v.name ?? '')) unique = false;
    names.add(v.name ?? '');
    const m = isDNS1035Label(v.name ?? '');
    if (m.length) errs.push(invalid(`${vp}.name`, v.name ?? '', m.join(',')));
    if (v.deprecationWarning !== undefined) {
      if (!v.deprecated) errs.push(invalid(`${vp}.deprecationWarning`, v.deprecationWarning, 'can only be set for deprecated versions'));
      else if (v.deprecationWarning.length > 256) errs.push(invalid(`${vp}.deprecationWarning`, v.deprecationWarning, 'must be <= 256 characters long'));
      else if (!v.deprecationWarning) errs.push(invalid(`${vp}.deprecationWarning`, v.deprecationWarning, 'must not be an empty string'));
    }
    const status = hasStatus(internal.subresources ?? v.subresources);
    errs.push(...validateCRDSchema(v.schema?.openAPIV3Schema, status, `${vp}.schema`));
    errs.push(...validateSubresources(v.subresources, `${vp}.subresources`));
    (v.additionalPrinterColumns ?? []).forEach((c, j) => errs.push(...validateColumn(c, `${vp}.additionalPrinterColumns[${j}]`)));
    if (v.selectableFields?.length) errs.push(...validateSelectableFields(v.selectableFields, v.schema?.openAPIV3Schema ?? internal.validation?.openAPIV3Schema, `${vp}.selectableFields`));
  });
  if (!unique) errs.push(invalid('spec.versions', goVersions(internal.versions), 'must contain unique version names'));
  if (internal.versions.filter((v) => v.storage).length !== 1) errs.push(invalid('spec.versions', goVersions(internal.versions), 'must have exactly one version marked as storage version'));
  if (!spec.names?.plural) errs.push(required('spec.names.plural'));
  if (!spec.names?.singular) errs.push(required('spec.names.singular'));
  if (!spec.names?.kind) errs.push(required('spec.names.kind'));
  if (!spec.names?.listKind) errs.push(required('spec.names.listKind'));
  errs.push(...validateNames(spec.names, 'spec.names'));
  const anyStatus = hasStatus(internal.subresources) || versions.some((v) => hasStatus(v.subresources));
  errs.push(...validateCRDSchema(internal.validation?.openAPIV3Schema, anyStatus, 'spec.validation'));
  errs.push(...validateSubresources(internal.subresources, 'spec.subresources'));
  (internal.additionalPrinterColumns ?? []).forEach((c, j) => errs.push(...validateColumn(c, `spec.additionalPrinterColumns[${j}]`)));
  if (internal.selectableFields?.length) errs.push(...validateSelectableFields(internal.selectableFields, internal.validation?.openAPIV3Schema, 'spec.selectableFields'));
  errs.push(...validateConversion(crd, 'spec.conversion'));
  errs.push(...validateNames(crd.status?.acceptedNames, 'status.acceptedNames'));
  errs.push(...validateStoredVersions(crd));
  if (isProtectedGroup(group)) {
    const ann = (crd.metadata?.annotations as Record<string, string> | undefined)?.['api-approved.kubernetes.io'];
    const ap = 'metadata.annotations[api-approved.kubernetes.io]';
    if (ann === undefined) errs.push(required(ap, 'protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111'));
    else if (!/^https?:\/\//.test(ann) && !ann.startsWith('unapproved')) errs.push(invalid(ap, ann, 'protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved"'));
  }
  if (spec.preserveUnknownFields) errs.push(invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  return errs;
}

/** ValidateCustomResourceDefinitionStoredVersions. */
function validateStoredVersions(crd: CustomResourceDefinition): FieldError[] {
  const stored = crd.status?.storedVersions ?? [];
  const p = 'status.storedVersions';
  if (!stored.length) return [invalid(p, goStrings(stored), 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const versions = crd.spec?.versions ?? [];
  for (const v of versions) if (v.storage && !stored.includes(v.name ?? '')) errs.push(invalid(p, goStrings(stored), `must have the storage version ${v.name}`));
  stored.forEach((v, i) => {
    if (!versions.some((x) => x.name === v)) {
      errs.push(invalid(index(p, i), v, `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`));
    }
  });
  return errs;
}

/** The additional rules of ValidateCustomResourceDefinitionUpdate: group and plural never change, scope and kind not once established. */
export function validateCRDUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const established = old.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
  if (established) {
    errs.push(...validateImmutableField(crd.spec?.scope, old.spec?.scope, 'spec.scope'));
    errs.push(...validateImmutableField(crd.spec?.names?.kind, old.spec?.names?.kind, 'spec.names.kind'));
  }
  errs.push(...validateImmutableField(crd.spec?.group, old.spec?.group, 'spec.group'));
  errs.push(...validateImmutableField(crd.spec?.names?.plural, old.spec?.names?.plural, 'spec.names.plural'));
  return errs;
}


