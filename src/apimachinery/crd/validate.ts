/**
 * Validating a custom object against its CRD version's schema, as apiextensions-apiserver does
 * with kube-openapi's SchemaValidator and kubeOpenAPIResultToFieldErrors: the same checks in
 * the same order (type, allOf/anyOf/oneOf/not, string, format, number, array, enum, object),
 * the same messages (`spec.replicas in body must be of type integer: "string"`) and the same
 * mapping to field errors (Required, NotSupported for enums, TooLong, TooMany, Invalid).
 */
import { deepEqual } from '../json.js';
import type { FieldError } from '../errors.js';
import { isDNS1035Label, validateObjectMeta, type ObjectMetaInput } from '../validation.js';
import { child, duplicate, goJSON, invalid, notSupported, required, tooLong, tooMany, typeInvalid } from './field-errors.js';
import { effectiveFormat, formatValid, isKnownStringFormat } from './formats.js';
import type { Structural } from './structural.js';
import type { JSONSchemaProps } from './types.js';

/** Where validation errors go: `root` is the field path the schema applies at (null: the object root, printed `<nil>` by non-field errors). */
interface Ctx {
  root: string | null;
  errs: FieldError[];
}

/** The JSON type name kube-openapi infers for a decoded JSON value. */
export function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** The field path of an error named `name` (kube-openapi's path, leading dot trimmed). */
function errPath(c: Ctx, name: string): string {
  const n = name.startsWith('.') ? name.slice(1) : name;
  if (!n) return c.root ?? '<nil>';
  return c.root ? child(c.root, n) : n;
}
const where = (name: string) => `${name} in body`;
const goNum = (n: number): string => String(n);

function types(s: JSONSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

function invalidType(c: Ctx, name: string, typeName: string, actual: string): void {
  c.errs.push(typeInvalid(errPath(c, name), actual, `${where(name)} must be of type ${typeName}: ${JSON.stringify(actual)}`));
}

function typeCheck(c: Ctx, s: JSONSchemaProps, name: string, v: unknown): void {
  const ts = types(s);
  const format = effectiveFormat(ts.length === 1 ? ts[0]! : '', s.format);
  if (!ts.length && !format) return;
  if (v === null || v === undefined) {
    if (ts.length && !s.nullable) invalidType(c, name, ts.join(','), 'null');
    return;
  }
  const schType = jsonType(v);
  const goFormat = schType === 'integer' ? 'int64' : schType === 'number' ? 'float64' : '';
  const isIntFloat = schType === 'integer' && ts.includes('number');
  const stringOrSlice = schType === 'string' || schType === 'array';
  if (!stringOrSlice && format && !(ts.includes(schType) || goFormat === format || isIntFloat)) return invalidType(c, name, format, goFormat);
  if (!(ts.includes('number') || ts.includes('integer')) && format && stringOrSlice) return;
  if (!(ts.includes(schType) || isIntFloat)) invalidType(c, name, ts.join(','), schType);
}

/** Validates `v` against `s` and pushes the errors; returns how many checks failed (for anyOf/oneOf choices). */
function validate(c: Ctx, s: JSONSchemaProps, name: string, v: unknown): void {
  typeCheck(c, s, name, v);
  if (v === null || v === undefined) {
    enumCheck(c, s, name, v);
    return;
  }
  junctors(c, s, name, v);
  const t = jsonType(v);
  if (t === 'string') stringChecks(c, s, name, v as string);
  if (t === 'integer' || t === 'number') numberChecks(c, s, name, v as number);
  if (t === 'array') arrayChecks(c, s, name, v as unknown[]);
  enumCheck(c, s, name, v);
  if (t === 'object') objectChecks(c, s, name, v as Record<string, unknown>);
}

function sub(c: Ctx, s: JSONSchemaProps, name: string, v: unknown): FieldError[] {
  const inner: Ctx = { root: c.root, errs: [] };
  validate(inner, s, name, v);
  return inner.errs;
}

/** A non-field error (kube-openapi's composite messages): `<root>: Invalid value: "": detail`. */
function composite(c: Ctx, detail: string): void {
  c.errs.push(invalid(c.root ?? '<nil>', '', detail));
}

function junctors(c: Ctx, s: JSONSchemaProps, name: string, v: unknown): void {
  const q = JSON.stringify(name);
  if (s.anyOf?.length) {
    const results = s.anyOf.map((a) => sub(c, a, name, v));
    if (!results.some((r) => r.length === 0)) {
      composite(c, `${q} must validate at least one schema (anyOf)`);
      c.errs.push(...fewest(results));
    }
  }
  if (s.oneOf?.length) {
    const results = s.oneOf.map((a) => sub(c, a, name, v));
    const valid = results.filter((r) => r.length === 0).length;
    if (valid !== 1) {
      composite(c, `${q} must validate one and only one schema (oneOf). ${valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`}`);
      if (valid === 0) c.errs.push(...fewest(results));
    }
  }
  if (s.allOf?.length) {
    const results = s.allOf.map((a) => sub(c, a, name, v));
    for (const r of results) c.errs.push(...r);
    const valid = results.filter((r) => r.length === 0).length;
    if (valid !== results.length) composite(c, `${q} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`);
  }
  if (s.not && sub(c, s.not, name, v).length === 0) composite(c, `${q} must not validate the schema (not)`);
}

/** The failures of the alternative that came closest (kube-openapi keeps the one with the most passing checks). */
function fewest(results: FieldError[][]): FieldError[] {
  return results.reduce((best, r) => (r.length < best.length ? r : best));
}

function stringChecks(c: Ctx, s: JSONSchemaProps, name: string, v: string): void {
  const p = errPath(c, name);
  const runes = [...v].length;
  if (s.maxLength !== undefined && runes > s.maxLength) c.errs.push(tooLong(p, s.maxLength));
  if (s.minLength !== undefined && runes < s.minLength) c.errs.push(invalid(p, v, `${where(name)} should be at least ${s.minLength} chars long`));
  if (s.pattern) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern, 'u');
    } catch {
      re = undefined;
    }
    if (re && !re.test(v)) c.errs.push(invalid(p, v, `${where(name)} should match '${s.pattern}'`));
  }
  const format = effectiveFormat(s.type ?? '', s.format);
  if (format && isKnownStringFormat(format) && !formatValid(format, v)) c.errs.push(typeInvalid(p, v, `${where(name)} must be of type ${format}: ${JSON.stringify(v)}`));
}

function numberChecks(c: Ctx, s: JSONSchemaProps, name: string, v: number): void {
  const p = errPath(c, name);
  if (s.multipleOf !== undefined) {
    if (s.multipleOf < 0) c.errs.push(invalid(p, s.multipleOf, `factor MultipleOf declared for ${name} must be positive: ${goNum(s.multipleOf)}`));
    else {
      const mult = s.multipleOf < 1 ? (1 / s.multipleOf) * v : v / s.multipleOf;
      if (!Number.isInteger(mult)) c.errs.push(invalid(p, v, `${where(name)} should be a multiple of ${goNum(s.multipleOf)}`));
    }
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
    c.errs.push(invalid(p, v, `${where(name)} should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${goNum(s.minimum)}`));
  }
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
    c.errs.push(invalid(p, v, `${where(name)} should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${goNum(s.maximum)}`));
  }
}

function arrayChecks(c: Ctx, s: JSONSchemaProps, name: string, v: unknown[]): void {
  if (s.items && !Array.isArray(s.items)) {
    const items = s.items;
    v.forEach((x, i) => validate(c, items, `${name}[${i}]`, x));
  }
  const p = errPath(c, name);
  if (s.minItems !== undefined && v.length < s.minItems) c.errs.push(invalid(p, v.length, `${where(name)} should have at least ${s.minItems} items`));
  if (s.maxItems !== undefined && v.length > s.maxItems) c.errs.push(tooMany(p, v.length, s.maxItems));
  if (s.uniqueItems && v.some((x, i) => v.findIndex((y) => deepEqual(x, y)) !== i)) c.errs.push(invalid(p, '', `${where(name)} shouldn't contain duplicates`));
}

function enumCheck(c: Ctx, s: JSONSchemaProps, name: string, v: unknown): void {
  if (!s.enum?.length) return;
  if (v !== null && v !== undefined && s.enum.some((e) => e !== null && deepEqual(e, v))) return;
  c.errs.push(notSupported(errPath(c, name), v ?? null, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
}

function objectChecks(c: Ctx, s: JSONSchemaProps, name: string, v: Record<string, unknown>): void {
  const p = errPath(c, name);
  const n = Object.keys(v).length;
  if (s.minProperties !== undefined && n < s.minProperties) c.errs.push(invalid(p, n, `${where(name)} should have at least ${s.minProperties} properties`));
  if (s.maxProperties !== undefined && n > s.maxProperties) c.errs.push(tooMany(p, n, s.maxProperties));
  const props = s.properties ?? {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(props, k);
  const ap = s.additionalProperties;
  for (const [k, x] of Object.entries(v)) {
    if (has(k)) continue;
    if (ap === false) c.errs.push(invalid(p, k, `${name}.${k} in body is a forbidden property`));
    else if (ap && typeof ap === 'object') validate(c, ap, `${name}.${k}`, x);
  }
  for (const [k, ps] of Object.entries(props)) {
    if (Object.prototype.hasOwnProperty.call(v, k)) validate(c, ps, name ? `${name}.${k}` : k, v[k]);
  }
  for (const k of s.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) c.errs.push(required(errPath(c, `${name}.${k}`)));
  }
}

/**
 * ValidateCustomResource: the field errors of `value` against `schema`. `root` is the path the
 * schema applies at (`…default` when checking a default value); omit it for an object's root.
 */
export function validateAgainstSchema(schema: JSONSchemaProps, value: unknown, root: string | null = null): FieldError[] {
  const c: Ctx = { root, errs: [] };
  validate(c, schema, '', value);
  return c.errs;
}

// ---- list types and embedded resources (schema/listtype, schema/objectmeta) ----

/**
 * ValidateListSetsAndMaps: items of `x-kubernetes-list-type: set` lists are unique, and items of
 * `map` lists are objects unique by their `x-kubernetes-list-map-keys` (a missing key counts as
 * its default). Paths as upstream: `spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a"}`.
 */
export function validateListTypes(s: Structural | undefined, v: unknown, path = ''): FieldError[] {
  if (!s || v === null || typeof v !== 'object') return [];
  const errs: FieldError[] = [];
  if (Array.isArray(v)) {
    if (s.listType === 'set') {
      v.forEach((x, i) => {
        if (v.findIndex((y) => deepEqual(x, y)) !== i) errs.push(duplicate(`${path}[${i}]`, x));
      });
    } else if (s.listType === 'map') errs.push(...listMapErrors(s, v, path));
    v.forEach((x, i) => errs.push(...validateListTypes(s.items, x, `${path}[${i}]`)));
    return errs;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const prop = s.properties?.[k];
    if (prop) errs.push(...validateListTypes(prop, x, child(path, k)));
    else if (s.additionalProperties?.schema) errs.push(...validateListTypes(s.additionalProperties.schema, x, `${path}[${k}]`));
  }
  return errs;
}

function listMapErrors(s: Structural, v: unknown[], path: string): FieldError[] {
  for (const [i, x] of v.entries()) {
    if (x !== null && (typeof x !== 'object' || Array.isArray(x))) return [invalid(`${path}[${i}]`, x, 'must be an object for an array of list-type map')];
  }
  if (v.length <= 1) return [];
  const keys = s.listMapKeys ?? [];
  const seen: Record<string, unknown>[] = [];
  const errs: FieldError[] = [];
  v.forEach((x, i) => {
    if (x === null) return;
    const item = x as Record<string, unknown>;
    const k: Record<string, unknown> = {};
    for (const name of keys) {
      const val = Object.prototype.hasOwnProperty.call(item, name) ? item[name] : s.items?.properties?.[name]?.default;
      if (val !== undefined) k[name] = val;
    }
    if (seen.some((o) => deepEqual(o, k))) errs.push(duplicate(`${path}[${i}]`, goJSON(k)));
    else seen.push(k);
  });
  return errs;
}

/** ValidatePathSegmentName: what a name in an embedded resource may not be. */
function pathSegmentName(name: string, prefix: boolean): string[] {
  if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/**
 * objectmeta.Validate for embedded resources (`x-kubernetes-embedded-resource`) below the root:
 * apiVersion and kind required and well-formed, metadata a valid ObjectMeta.
 */
export function validateEmbeddedResources(s: Structural | undefined, v: unknown, path = ''): FieldError[] {
  if (!s || v === null || typeof v !== 'object') return [];
  const errs: FieldError[] = [];
  if (Array.isArray(v)) {
    v.forEach((x, i) => errs.push(...validateEmbeddedResources(s.items, x, `${path}[${i}]`)));
    return errs;
  }
  const obj = v as Record<string, unknown>;
  if (s.embeddedResource) errs.push(...embeddedResource(obj, path));
  for (const [k, x] of Object.entries(obj)) {
    const prop = s.properties?.[k];
    if (prop) errs.push(...validateEmbeddedResources(prop, x, child(path, k)));
    else if (s.additionalProperties?.schema) errs.push(...validateEmbeddedResources(s.additionalProperties.schema, x, `${path}[${k}]`));
  }
  return errs;
}

function embeddedResource(x: Record<string, unknown>, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!('apiVersion' in x)) errs.push(required(child(p, 'apiVersion')));
  if (!('kind' in x)) errs.push(required(child(p, 'kind')));
  for (const [k, v] of Object.entries(x)) {
    const fp = child(p, k);
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push(invalid(fp, v, 'must be a string'));
      else if (!v) errs.push(required(fp));
      else if (v.split('/').length > 2) errs.push(invalid(fp, v, `unexpected GroupVersion string: ${v}`));
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push(invalid(fp, v, 'must be a string'));
      else if (!v) errs.push(required(fp));
      else {
        const m = isDNS1035Label(v.toLowerCase());
        if (m.length) errs.push(invalid(fp, v, `may have mixed case, but should otherwise match: ${m.join(',')}`));
      }
    } else if (k === 'metadata') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        errs.push(invalid(fp, v, `json: cannot unmarshal ${jsonType(v) === 'array' ? 'array' : jsonType(v)} into Go value of type v1.ObjectMeta`));
        continue;
      }
      const meta = { ...(v as ObjectMetaInput) };
      if (!meta.name) meta.name = 'fakename';
      errs.push(...validateObjectMeta(meta, { namespaced: !!meta.namespace, nameValidator: pathSegmentName }, fp));
    }
  }
  return errs;
}

/**
 * Everything the custom-resource strategy checks against the schema, in upstream's order:
 * the OpenAPI validation, embedded ObjectMeta/TypeMeta below the root, then list-type
 * uniqueness. Metadata at the root is the generic store's; CEL rules are cel.ts's.
 */
export function validateCustomObject(s: Structural, obj: unknown): FieldError[] {
  return [...validateAgainstSchema(s.source, obj), ...validateEmbeddedResources(s, obj), ...validateListTypes(s, obj)];
}
