/**
 * What a stored CRD serves: one ResourceDef per served version (the generic store does CRUD,
 * ObjectMeta and the status subresource), with a strategy that does what the custom-resource
 * strategy and decoder of apiextensions-apiserver do — prune unknown fields, drop
 * non-nullable nulls, apply schema defaults, validate against the schema (types, list types,
 * embedded resources), evaluate `x-kubernetes-validations` (transition rules on updates) and
 * check the scale paths — plus the OpenAPI v3 component schemas to publish for the version.
 */
import { hasRules, validateRules } from '../../../apimachinery/crd/cel.js';
import { defaultCustomObject } from '../../../apimachinery/crd/defaults.js';
import { invalid } from '../../../apimachinery/crd/field-errors.js';
import { customColumns } from '../../../apimachinery/crd/printer.js';
import { pruneCustomObject, type PruneResult } from '../../../apimachinery/crd/prune.js';
import { newStructural, type Structural } from '../../../apimachinery/crd/structural.js';
import type { CRDVersion, CustomResourceDefinition, JSONSchemaProps } from '../../../apimachinery/crd/types.js';
import { validateAgainstSchema, validateEmbeddedResources, validateListTypes } from '../../../apimachinery/crd/validate.js';
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepClone } from '../../../apimachinery/json.js';
import { crdStorageConversion } from './crd-conversion.js';
import { compareKubeVersions } from './version-priority.js';
import type { KObject, PrinterColumn, ResourceDef, ResourceStrategy } from '../resource.js';

/** A custom resource's ResourceDef, with what request decoding needs besides the strategy. */
export interface CustomResourceDef extends ResourceDef {
  crd: {
    /** The CRD's name (`crontabs.stable.example.com`). */
    name: string;
    /** The version objects are stored in; other versions convert through `storage` (crd-conversion.ts). */
    storageVersion: string;
    /** The version's structural schema, absent when the CRD has none for it. */
    structural?: Structural;
    /** A pruned copy and the unknown-field paths, for fieldValidation Strict/Warn (`unknown field "spec.foo"`). */
    prune<T>(obj: T): PruneResult<T>;
  };
}

const MAX_INT32 = 2147483647;

function at(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

const splitPath = (p: string): string[] => p.replace(/^\./, '').split('.').filter(Boolean);
const goType = (v: unknown): string => (typeof v === 'number' ? 'float64' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}');

/** ValidateScaleSpec / ValidateScaleStatus: the replicas at `path` are absent or an int32 ≥ 0. */
function replicasErrors(obj: unknown, path: string | undefined): FieldError[] {
  if (!path) return [];
  const v = at(obj, splitPath(path));
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isInteger(v)) return [invalid(path, 0, `${path} accessor error: ${String(v)} is of the type ${goType(v)}, expected int64`)];
  if (v < 0) return [invalid(path, v, 'should be a non-negative integer')];
  if (v > MAX_INT32) return [invalid(path, v, `should be less than or equal to ${MAX_INT32}`)];
  return [];
}

function replaceContents(target: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, from);
}

/** The strategy of one custom-resource version. */
export function customResourceStrategy(structural: Structural | undefined, version: CRDVersion): ResourceStrategy {
  const scale = version.subresources?.scale;
  const rules = hasRules(structural);
  return {
    defaults(obj) {
      if (!structural) return;
      replaceContents(obj, pruneCustomObject(obj, structural).pruned);
      defaultCustomObject(obj, structural);
    },
    validate(obj) {
      const errs = structural ? validateAgainstSchema(structural.source, obj) : [];
      errs.push(...replicasErrors(obj, scale?.specReplicasPath), ...replicasErrors(obj, scale?.statusReplicasPath));
      if (structural) errs.push(...validateEmbeddedResources(structural, obj), ...validateListTypes(structural, obj));
      if (structural && rules) errs.push(...validateRules(structural, obj));
      return errs;
    },
    validateUpdate(obj, old) {
      return structural && rules ? validateRules(structural, obj, old, true) : [];
    },
  };
}

function selectableValue(path: string[]): (obj: KObject) => string {
  return (obj) => {
    const v = at(obj, path);
    return v === undefined || v === null || typeof v === 'object' ? '' : String(v);
  };
}

/**
 * One ResourceDef per served version of `crd`, in Kubernetes' version priority order (the first
 * is the preferred version), each converting to and from the storage version: names and scope from the spec, the version's
 * status/scale subresources, generation tracking, selectable fields (the version's
 * selectableFields, keyed without the leading dot as field selectors name them), printer
 * columns from additionalPrinterColumns (Age alone without any) and the custom-resource strategy.
 */
export function crdToResourceDefs(crd: CustomResourceDefinition): CustomResourceDef[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const storageVersion = spec.versions?.find((v) => v.storage)?.name ?? '';
  return (spec.versions ?? [])
    .filter((v) => v.served)
    .sort((a, b) => compareKubeVersions(a.name ?? '', b.name ?? ''))
    .map((v) => {
      const schema = v.schema?.openAPIV3Schema;
      const structural = schema ? newStructural(schema) : undefined;
      const scale = v.subresources?.scale;
      const def: CustomResourceDef = {
        group: spec.group ?? '',
        version: v.name ?? '',
        kind: names.kind ?? '',
        plural: names.plural ?? '',
        singular: names.singular ?? (names.kind ?? '').toLowerCase(),
        namespaced: spec.scope === 'Namespaced',
        generation: true,
        printerColumns: customColumns(v.additionalPrinterColumns).map(
          (c): PrinterColumn => ({ name: c.name, type: c.type as PrinterColumn['type'], format: c.format, description: c.description, priority: c.priority, cell: (o, now) => c.cell(o, now) }),
        ),
        strategy: customResourceStrategy(structural, v),
        crd: {
          name: crd.metadata?.name ?? '',
          storageVersion,
          ...(structural ? { structural } : {}),
          prune: <T>(obj: T) => (structural ? pruneCustomObject(obj, structural) : { pruned: obj, unknown: [] }),
        },
      };
      const storage = crdStorageConversion(crd, v.name ?? '');
      if (storage) def.storage = storage;
      if (v.deprecated) def.deprecationWarning = v.deprecationWarning ?? `${spec.group ?? ''}/${v.name ?? ''} ${names.kind ?? ''} is deprecated`;
      if (names.shortNames?.length) def.shortNames = [...names.shortNames];
      if (names.categories?.length) def.categories = [...names.categories];
      const subresources: ResourceDef['subresources'] = {};
      if (v.subresources?.status) subresources.status = true;
      if (scale?.specReplicasPath && scale.statusReplicasPath) {
        subresources.scale = { specReplicasPath: splitPath(scale.specReplicasPath), statusReplicasPath: splitPath(scale.statusReplicasPath) };
        if (scale.labelSelectorPath) subresources.scale.labelSelectorPath = splitPath(scale.labelSelectorPath);
      }
      if (subresources.status || subresources.scale) def.subresources = subresources;
      if (v.selectableFields?.length) {
        def.selectableFields = Object.fromEntries(v.selectableFields.map((f) => [(f.jsonPath ?? '').replace(/^\./, ''), selectableValue(splitPath(f.jsonPath ?? ''))]));
      }
      return def;
    });
}

/** The OpenAPI definition name of a custom kind: the group reversed, then version and kind (`com.example.stable.v1.CronTab`). */
export function openapiDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

const META_REF = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.';
const API_VERSION_DESC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/**
 * The OpenAPI v3 component schemas of `crd` at `version` for publishing: the kind (its schema
 * with apiVersion, kind and a `$ref` to ObjectMeta, as upstream's builder adds them) and its list
 * kind, each with `x-kubernetes-group-version-kind`, keyed by definition name. Undefined when the
 * version does not exist or has no schema.
 */
export function openapiSchemaFor(crd: CustomResourceDefinition, version: string): Record<string, JSONSchemaProps & Record<string, unknown>> | undefined {
  const spec = crd.spec ?? {};
  const v = spec.versions?.find((x) => x.name === version);
  const schema = v?.schema?.openAPIV3Schema;
  if (!v || !schema) return undefined;
  const group = spec.group ?? '';
  const kind = spec.names?.kind ?? '';
  const listKind = spec.names?.listKind ?? `${kind}List`;
  const name = openapiDefinitionName(group, version, kind);
  const s = deepClone(schema) as JSONSchemaProps & Record<string, unknown>;
  s.type = 'object';
  s.properties = {
    apiVersion: { type: 'string', description: API_VERSION_DESC },
    kind: { type: 'string', description: KIND_DESC },
    ...s.properties,
    metadata: { $ref: `${META_REF}ObjectMeta`, description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" },
  };
  s['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  const list: JSONSchemaProps & Record<string, unknown> = {
    type: 'object',
    description: `${listKind} is a list of ${kind}`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: API_VERSION_DESC },
      items: { type: 'array', description: `List of ${spec.names?.plural ?? ''}. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md`, items: { $ref: `#/components/schemas/${name}` } },
      kind: { type: 'string', description: KIND_DESC },
      metadata: { $ref: `${META_REF}ListMeta`, description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
    },
    'x-kubernetes-group-version-kind': [{ group, kind: listKind, version }],
  };
  return { [name]: s, [openapiDefinitionName(group, version, listKind)]: list };
}
