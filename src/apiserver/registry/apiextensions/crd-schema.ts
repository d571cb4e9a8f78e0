/**
 * Validation of a CRD's `openAPIV3Schema`, as apiextensions validation.go's
 * validateCustomResourceDefinitionValidation and ValidateCustomResourceDefinitionOpenAPISchema:
 * the root restrictions with a status subresource, the OpenAPI features CRDs do not support,
 * list/map types and their keys, defaults (allowed, pruned, valid against the schema — as
 * defaulting.ValidateDefaults), structurality, and each `x-kubernetes-validations` rule's
 * fields and compilation (only where the schema below it is free of errors, as upstream).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { compileRule } from '../../../apimachinery/crd/cel.js';
import { typeCheckRule } from '../../../apimachinery/crd/cel-typecheck.js';
import { child, forbidden, goJSON, GoLiteral, goStrings, goValidationRule, index, invalid, key, notSupported, required } from '../../../apimachinery/crd/field-errors.js';
import { validFieldPath } from '../../../apimachinery/crd/field-path.js';
import { pruneCustomObject } from '../../../apimachinery/crd/prune.js';
import { newStructural, validateStructural, type Structural } from '../../../apimachinery/crd/structural.js';
import type { JSONSchemaProps } from '../../../apimachinery/crd/types.js';
import { validateAgainstSchema, validateEmbeddedResources } from '../../../apimachinery/crd/validate.js';
import { deepEqual } from '../../../apimachinery/json.js';

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
/** JSON names of the JSONSchemaProps fields allowed at the root with a status subresource, and their Go names. */
const ROOT_FIELDS: Record<string, string> = {
  description: 'Description',
  type: 'Type',
  format: 'Format',
  title: 'Title',
  maximum: 'Maximum',
  exclusiveMaximum: 'ExclusiveMaximum',
  minimum: 'Minimum',
  exclusiveMinimum: 'ExclusiveMinimum',
  maxLength: 'MaxLength',
  minLength: 'MinLength',
  pattern: 'Pattern',
  maxItems: 'MaxItems',
  minItems: 'MinItems',
  uniqueItems: 'UniqueItems',
  multipleOf: 'MultipleOf',
  required: 'Required',
  items: 'Items',
  properties: 'Properties',
  externalDocs: 'ExternalDocs',
  example: 'Example',
  'x-kubernetes-preserve-unknown-fields': 'XPreserveUnknownFields',
  'x-kubernetes-validations': 'XValidations',
};

const isZero = (v: unknown): boolean => v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** The state specStandardValidatorV3 carries down the schema. */
interface Ssv {
  allowDefaults: boolean;
  disallowReason?: string;
  insideResourceMeta: boolean;
  forbidOldSelf?: string;
}

interface Errs {
  schema: FieldError[];
  cel: FieldError[];
}

/**
 * validateCustomResourceDefinitionValidation: the errors of one `openAPIV3Schema` at `path`
 * (`spec.validation` or `spec.versions[i].schema`), `statusEnabled` when the version has a status subresource.
 */
export function validateCRDSchema(schema: JSONSchemaProps | undefined, statusEnabled: boolean, path: string): FieldError[] {
  if (!schema) return [];
  const p = child(path, 'openAPIV3Schema');
  const errs: FieldError[] = [];
  if (statusEnabled) {
    for (const [k, v] of Object.entries(schema)) {
      if (isZero(v) && k !== 'type') continue;
      if (k === 'type') {
        if (v !== 'object') errs.push(invalid(`${p}.type`, v, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
        continue;
      }
      if (!ROOT_FIELDS[k]) {
        errs.push(invalid(p, new GoLiteral('apiextensions.JSONSchemaProps{…}'), `only [${Object.values(ROOT_FIELDS).join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`));
        break;
      }
    }
  }
  if (schema.nullable) errs.push(forbidden(`${p}.nullable`, 'nullable cannot be true at the root'));

  let celEnabled = false;
  const ss = newStructural(schema);
  const structuralErrs = validateStructural(p, ss);
  if (structuralErrs.length) errs.push(...structuralErrs);
  else {
    const defaultErrs = validateDefaults(ss, p, true, false);
    if (defaultErrs.length) errs.push(...defaultErrs);
    else celEnabled = true;
  }
  const r = openAPISchema(schema, p, { allowDefaults: true, insideResourceMeta: false }, true, celEnabled);
  errs.push(...r.schema, ...r.cel);
  return errs;
}

/** defaulting.ValidateDefaults: every default is pruned, valid against its schema and (in embedded resources) well-formed. */
function validateDefaults(s: Structural, p: string, resourceRoot: boolean, insideMeta: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const embedded = resourceRoot || s.embeddedResource;
  if (s.default !== undefined && !insideMeta) {
    const dp = child(p, 'default');
    const pruned = pruneCustomObject(s.default, s, s.embeddedResource).pruned;
    if (!deepEqual(pruned, s.default)) errs.push(invalid(dp, goJSON(s.default), 'must not have unknown fields'));
    const metaErrs = validateEmbeddedResources(s, s.default, dp);
    errs.push(...(metaErrs.length ? metaErrs : validateAgainstSchema(s.source, s.default, dp)));
  }
  if (s.items) errs.push(...validateDefaults(s.items, child(p, 'items'), false, insideMeta));
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    errs.push(...validateDefaults(sub, key(child(p, 'properties'), k), false, insideMeta || (embedded && META_FIELDS.has(k))));
  }
  return errs;
}

function nodeChecks(s: JSONSchemaProps, p: string, ssv: Ssv): FieldError[] {
  const errs: FieldError[] = [];
  if (s.type && !OPENAPI_TYPES.includes(s.type) && s.type !== 'null') errs.push(notSupported(`${p}.type`, s.type, OPENAPI_TYPES));
  if (s.default !== undefined && s.default !== null && !ssv.allowDefaults) errs.push(forbidden(`${p}.default`, `must not be set${ssv.disallowReason ? ` ${ssv.disallowReason}` : ''}`));
  if (s.id) errs.push(forbidden(`${p}.id`, 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(forbidden(`${p}.additionalItems`, 'additionalItems is not supported'));
  if (!isZero(s.patternProperties)) errs.push(forbidden(`${p}.patternProperties`, 'patternProperties is not supported'));
  if (!isZero(s.definitions)) errs.push(forbidden(`${p}.definitions`, 'definitions is not supported'));
  if (s.dependencies !== undefined) errs.push(forbidden(`${p}.dependencies`, 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(forbidden(`${p}.$ref`, '$ref is not supported'));
  if (s.type === 'null') errs.push(forbidden(`${p}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length) errs.push(forbidden(`${p}.items`, 'items must be a schema object and not an array'));
  if (ssv.insideResourceMeta && s['x-kubernetes-embedded-resource']) errs.push(forbidden(`${p}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));
  if (s.uniqueItems) errs.push(forbidden(`${p}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  return errs;
}

function typeExtensionChecks(s: JSONSchemaProps, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const mapType = s['x-kubernetes-map-type'];
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(invalid(`${p}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  const typeMust = (t: string, why: string) => (s.type ? invalid(`${p}.type`, s.type, `must be ${t} if ${why}`) : required(`${p}.type`, `must be ${t} if ${why}`));
  if (mapType !== undefined && s.type !== 'object') errs.push(typeMust('object', 'x-kubernetes-map-type is specified'));
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') errs.push(notSupported(`${p}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  if (listType !== undefined && s.type !== 'array') errs.push(typeMust('array', 'x-kubernetes-list-type is specified'));
  else if (listType === 'set' && items) {
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
      errs.push(invalid(`${p}.items.x-kubernetes-list-type`, new GoLiteral('(*string)(0xc000a1b2d0)'), 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(invalid(`${p}.items.x-kubernetes-map-type`, new GoLiteral('(*string)(nil)'), 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) errs.push(notSupported(`${p}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  if (keys.length) {
    if (listType === undefined) errs.push(required(`${p}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(invalid(`${p}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (!keys.length) errs.push(required(`${p}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    if (!s.items) errs.push(required(`${p}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') errs.push(invalid(`${p}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    if (items?.type === 'object') {
      const seen = new Set<string>();
      for (const k of keys) {
        const prop = items.properties?.[k];
        if (!prop) errs.push(invalid(`${p}.x-kubernetes-list-map-keys`, goStrings(keys), 'entries must all be names of item properties'));
        else if (prop.type === 'array' || prop.type === 'object') errs.push(invalid(`${p}.items.properties[${k}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        if (seen.has(k)) errs.push(invalid(`${p}.x-kubernetes-list-map-keys`, goStrings(keys), 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if (items && (listType === 'set' || listType === 'map')) {
    if (items.nullable) errs.push(forbidden(`${p}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === 'map') {
      for (const k of keys) {
        const prop = items.properties?.[k];
        if (!prop) continue;
        if (!(items.required ?? []).includes(k) && prop.default === undefined) {
          errs.push(required(`${p}.items.properties[${k}].default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        }
        if (prop.nullable) errs.push(forbidden(`${p}.items.properties[${k}].nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
  return errs;
}

function ruleChecks(s: JSONSchemaProps, p: string): FieldError[] {
  const errs: FieldError[] = [];
  (s['x-kubernetes-validations'] ?? []).forEach((r, i) => {
    const rp = index(`${p}.x-kubernetes-validations`, i);
    const rule = (r.rule ?? '').trim();
    const msg = (r.message ?? '').trim();
    if (!rule) errs.push(required(`${rp}.rule`, 'rule is not specified'));
    else if (r.message && !msg) errs.push(invalid(`${rp}.message`, r.message, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(msg)) errs.push(invalid(`${rp}.message`, r.message, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(rule) && !msg) errs.push(required(`${rp}.message`, 'message must be specified if rule contains line breaks'));
    if (r.messageExpression && !r.messageExpression.trim()) errs.push(required(`${rp}.messageExpression`, 'messageExpression must be non-empty if specified'));
    if (r.reason !== undefined && !REASONS.includes(r.reason)) errs.push(notSupported(`${rp}.reason`, r.reason, REASONS));
    const fp = r.fieldPath;
    if (fp !== undefined && fp !== '') {
      if (!fp.trim()) errs.push(invalid(`${rp}.fieldPath`, fp, 'fieldPath must be non-empty if specified'));
      if (/[\n\r]/.test(fp)) errs.push(invalid(`${rp}.fieldPath`, fp, 'fieldPath must not contain line breaks'));
      if ('error' in validFieldPath(fp, newStructural(s))) errs.push(invalid(`${rp}.fieldPath`, fp, 'fieldPath must be a valid path'));
    }
  });
  return errs;
}

function celChecks(s: JSONSchemaProps, p: string, ssv: Ssv, isRoot: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let structural: Structural | undefined;
  (s['x-kubernetes-validations'] ?? []).forEach((r, i) => {
    const rp = index(`${p}.x-kubernetes-validations`, i);
    const c = compileRule(r);
    // A rule that parses is checked against the node's schema (field names, operand types) first, as cel-go's checker
    // reports those before the result type.
    const typeError = r.rule?.trim() ? typeCheckRule(r.rule, (structural ??= newStructural(s)), isRoot) : undefined;
    if (typeError) errs.push(invalid(`${rp}.rule`, goValidationRule(r), `compilation failed: ${typeError}`));
    else if (c.error) errs.push(invalid(`${rp}.rule`, goValidationRule(r), c.error));
    if (c.messageError) errs.push(invalid(`${rp}.messageExpression`, goValidationRule(r), c.messageError));
    if (c.usesOldSelf && ssv.forbidOldSelf !== undefined) errs.push(invalid(`${rp}.rule`, r.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${ssv.forbidOldSelf}`));
    else if (!c.usesOldSelf && r.optionalOldSelf !== undefined) errs.push(invalid(`${rp}.optionalOldSelf`, r.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
  });
  return errs;
}

/** ValidateCustomResourceDefinitionOpenAPISchema, recursively; CEL compiles only under `cel` (a structural, correctly defaulted schema). */
function openAPISchema(s: JSONSchemaProps, p: string, ssv: Ssv, isRoot: boolean, cel: boolean): Errs {
  const out: Errs = { schema: nodeChecks(s, p, ssv), cel: [] };
  const add = (e: Errs) => {
    out.schema.push(...e.schema);
    out.cel.push(...e.cel);
  };
  const ap = s.additionalProperties;
  if (ap !== undefined) {
    if (!isZero(s.properties) && (ap === false || typeof ap === 'object')) out.schema.push(forbidden(`${p}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    const sub = ssv.insideResourceMeta ? { ...ssv, allowDefaults: false, disallowReason: 'inside additionalProperties applying to object metadata' } : ssv;
    if (typeof ap === 'object' && ap) add(openAPISchema(ap, `${p}.additionalProperties`, sub, false, cel));
  }
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    let sub: Ssv = ssv;
    if (s['x-kubernetes-map-type'] === 'atomic' && sub.forbidOldSelf === undefined) sub = { ...sub, forbidOldSelf: p };
    if ((isRoot || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowReason: `in top-level ${k}` };
    }
    add(openAPISchema(prop, `${p}.properties[${k}]`, sub, false, cel));
  }
  if (s.not) add(openAPISchema(s.not, `${p}.not`, ssv, false, false));
  for (const [name, list] of [['allOf', s.allOf], ['oneOf', s.oneOf], ['anyOf', s.anyOf]] as const) (list ?? []).forEach((x, i) => add(openAPISchema(x, `${p}.${name}[${i}]`, ssv, false, false)));
  for (const [k, d] of Object.entries(s.definitions ?? {})) add(openAPISchema(d, `${p}.definitions[${k}]`, ssv, false, false));
  if (s.items) {
    const sub = s['x-kubernetes-list-type'] !== 'map' && ssv.forbidOldSelf === undefined ? { ...ssv, forbidOldSelf: p } : ssv;
    if (Array.isArray(s.items)) s.items.forEach((x, i) => add(openAPISchema(x, `${p}.items[${i}]`, sub, false, cel)));
    else add(openAPISchema(s.items, `${p}.items`, sub, false, cel));
  }
  out.schema.push(...typeExtensionChecks(s, p), ...ruleChecks(s, p));
  if (out.schema.length === 0 && cel) out.cel.push(...celChecks(s, p, ssv, isRoot));
  return out;
}
