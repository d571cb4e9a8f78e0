/**
 * Structural schemas, as k8s.io/apiextensions-apiserver/pkg/apiserver/schema: the typed view of
 * a CRD version's `openAPIV3Schema` that pruning, defaulting, CEL and publishing walk
 * (NewStructural), and the structurality check every CRD must pass (ValidateStructural: every
 * field typed, no logic junctor setting types/defaults/extensions, metadata restricted to name
 * and generateName at the root, every field constrained in allOf/anyOf/oneOf/not also specified
 * outside them), with upstream's paths and messages, sorted the way upstream sorts them.
 */
import type { FieldError } from '../errors.js';
import { child, forbidden, index, invalid, key, required, sortByText } from './field-errors.js';
import type { JSONSchemaProps, ValidationRule } from './types.js';

/** One node of a structural schema. `source` is the JSONSchemaProps it was built from (value validations live there). */
export interface Structural {
  type: string;
  nullable: boolean;
  description?: string;
  title?: string;
  /** The default value; undefined (or a JSON null, which upstream treats the same) means none. */
  default?: unknown;
  format?: string;
  properties?: Record<string, Structural>;
  items?: Structural;
  /** `additionalProperties`: false, true, or a schema for the map values. */
  additionalProperties?: { allows: boolean; schema?: Structural };
  preserveUnknownFields: boolean;
  embeddedResource: boolean;
  intOrString: boolean;
  listType?: string;
  listMapKeys?: string[];
  mapType?: string;
  validations: ValidationRule[];
  source: JSONSchemaProps;
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * NewStructural: the structural view of `s`. Lenient about what CRD validation reports on its
 * own (`id`, `$ref`, `items` given as an array …), which are simply left out.
 */
export function newStructural(s: JSONSchemaProps): Structural {
  const st: Structural = {
    type: s.type ?? '',
    nullable: s.nullable === true,
    preserveUnknownFields: s['x-kubernetes-preserve-unknown-fields'] === true,
    embeddedResource: s['x-kubernetes-embedded-resource'] === true,
    intOrString: s['x-kubernetes-int-or-string'] === true,
    validations: s['x-kubernetes-validations'] ?? [],
    source: s,
  };
  if (s.description !== undefined) st.description = s.description;
  if (s.title !== undefined) st.title = s.title;
  if (s.default !== undefined && s.default !== null) st.default = s.default;
  if (s.format) st.format = s.format;
  if (s['x-kubernetes-list-type'] !== undefined) st.listType = s['x-kubernetes-list-type'];
  if (s['x-kubernetes-list-map-keys']?.length) st.listMapKeys = s['x-kubernetes-list-map-keys'];
  if (s['x-kubernetes-map-type'] !== undefined) st.mapType = s['x-kubernetes-map-type'];
  if (s.items && !Array.isArray(s.items) && typeof s.items === 'object') st.items = newStructural(s.items);
  if (s.properties && Object.keys(s.properties).length) {
    st.properties = {};
    for (const [k, v] of Object.entries(s.properties)) if (v && typeof v === 'object') st.properties[k] = newStructural(v);
  }
  if (s.additionalProperties !== undefined) {
    const ap = s.additionalProperties;
    st.additionalProperties = typeof ap === 'object' && ap !== null ? { allows: true, schema: newStructural(ap) } : { allows: ap === true };
  }
  return st;
}

type Level = 'root' | 'item' | 'field';

/** ValidateStructural: the errors that make `s` non-structural, sorted by their text as upstream. */
export function validateStructural(path: string, s: Structural): FieldError[] {
  return sortByText([...invariants(s, 'root', path), ...completeness(s.source, s, path, path)]);
}

function invariants(s: Structural, lvl: Level, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (s.type === 'array' && !s.items) errs.push(required(child(p, 'items'), 'must be specified'));
  if (s.items) errs.push(...invariants(s.items, 'item', child(p, 'items')));
  for (const [k, v] of Object.entries(s.properties ?? {})) errs.push(...invariants(v, 'field', key(child(p, 'properties'), k)));
  if (s.additionalProperties) {
    if (lvl === 'root') errs.push(forbidden(child(p, 'additionalProperties'), 'must not be used at the root'));
    if (s.additionalProperties.schema) errs.push(...invariants(s.additionalProperties.schema, 'field', child(p, 'additionalProperties')));
  }
  if (s.intOrString && s.preserveUnknownFields) errs.push(invalid(child(p, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (s.intOrString && s.embeddedResource) errs.push(invalid(child(p, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  errs.push(...junctors(s.source, isIntOrStringAnyOf(s.source), isIntOrStringAllOf(s.source), lvl, p));

  const checkMetadata = lvl === 'root' || s.embeddedResource;
  if (s.embeddedResource && s.type !== 'object') {
    if (!s.type) errs.push(required(child(p, 'type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(invalid(child(p, 'type'), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !s.intOrString && !s.preserveUnknownFields) {
    const where = lvl === 'root' ? 'at the root' : lvl === 'item' ? 'for specified array items' : 'for specified object fields';
    errs.push(required(child(p, 'type'), `must not be empty ${where}`));
  }
  if (s.embeddedResource && s.additionalProperties) errs.push(forbidden(child(p, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && s.type && s.type !== 'object') errs.push(invalid(child(p, 'type'), s.type, 'must be object at the root'));
  for (const tm of ['kind', 'apiVersion']) {
    const f = s.properties?.[tm];
    if (f && checkMetadata && f.type !== 'string') errs.push(invalid(child(key(child(p, 'properties'), tm), 'type'), f.type, 'must be string'));
  }
  const meta = s.properties?.metadata;
  if (meta) errs.push(...metadataInvariants(meta, checkMetadata, lvl, key(child(p, 'properties'), 'metadata')));
  if (s.embeddedResource && !s.preserveUnknownFields && !Object.keys(s.properties ?? {}).length) {
    errs.push(required(child(p, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

/** Whether a JSON value is Go's zero value for the field it fills (false, "", empty list or map). */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

function metadataInvariants(m: Structural, checkMetadata: boolean, lvl: Level, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (checkMetadata && m.type !== 'object') errs.push(invalid(child(p, 'type'), m.type, 'must be object'));
  if (lvl === 'root') {
    const props = Object.keys(m.source.properties ?? {});
    const onlyNames = props.length > 0 && props.length <= 2 && props.every((k) => k === 'name' || k === 'generateName');
    const extra = Object.entries(m.source).filter(([k, v]) => k !== 'type' && k !== 'default' && !(k === 'properties' && (onlyNames || isZero(v))) && !isZero(v));
    if (extra.length) errs.push(forbidden(p, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  return errs;
}

const JUNCTOR_KEYS = new Set(['type']);
/** `{type: X}` and nothing else, as the int-or-string patterns require. */
const onlyType = (s: JSONSchemaProps | undefined, t: string): boolean =>
  !!s && s.type === t && Object.entries(s).every(([k, v]) => JUNCTOR_KEYS.has(k) || isZero(v));
const isIntOrStringPair = (a: JSONSchemaProps[] | undefined): boolean => a?.length === 2 && onlyType(a[0], 'integer') && onlyType(a[1], 'string');
function isIntOrStringAnyOf(s: JSONSchemaProps): boolean {
  return isIntOrStringPair(s.anyOf);
}
function isIntOrStringAllOf(s: JSONSchemaProps): boolean {
  return (s.allOf?.length ?? 0) >= 1 && isIntOrStringPair(s.allOf?.[0]?.anyOf);
}

/** validateValueValidation: the allOf/anyOf/oneOf/not of a node, and its pattern. */
function junctors(v: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, lvl: Level, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) (v.anyOf ?? []).forEach((n, i) => errs.push(...nested(n, false, lvl, index(child(p, 'anyOf'), i))));
  (v.allOf ?? []).forEach((n, i) => errs.push(...nested(n, skipFirstAllOfAnyOf && i === 0, lvl, index(child(p, 'allOf'), i))));
  (v.oneOf ?? []).forEach((n, i) => errs.push(...nested(n, false, lvl, index(child(p, 'oneOf'), i))));
  if (v.not) errs.push(...nested(v.not, false, lvl, child(p, 'not')));
  if (v.pattern) {
    const err = regexError(v.pattern);
    if (err) errs.push(invalid(child(p, 'pattern'), v.pattern, `must be a valid regular expression, but isn't: ${err}`));
  }
  return errs;
}

/** Why `pattern` is not a regular expression we can run (Go's RE2 syntax approximated by JavaScript's), or undefined. */
export function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (e) {
    return `error parsing regexp: ${(e as Error).message}`;
  }
}

const FORBIDDEN_IN_JUNCTOR: readonly [keyof JSONSchemaProps, string, string][] = [
  ['x-kubernetes-preserve-unknown-fields', 'must be false', 'x-kubernetes-preserve-unknown-fields'],
  ['x-kubernetes-embedded-resource', 'must be false', 'x-kubernetes-embedded-resource'],
  ['x-kubernetes-int-or-string', 'must be false', 'x-kubernetes-int-or-string'],
  ['x-kubernetes-list-map-keys', 'must be empty', 'x-kubernetes-list-map-keys'],
  ['x-kubernetes-list-type', 'must be undefined', 'x-kubernetes-list-type'],
  ['x-kubernetes-map-type', 'must be undefined', 'x-kubernetes-map-type'],
  ['x-kubernetes-validations', 'must be empty', 'x-kubernetes-validations'],
];

/** validateNestedValueValidation: what a schema under a logic junctor may not set. */
function nested(v: JSONSchemaProps, skipAnyOf: boolean, lvl: Level, p: string): FieldError[] {
  const errs = junctors(v, skipAnyOf, false, lvl, p);
  if (v.items && !Array.isArray(v.items)) errs.push(...nested(v.items, false, lvl, child(p, 'items')));
  for (const [k, f] of Object.entries(v.properties ?? {})) errs.push(...nested(f, false, 'field', key(child(p, 'properties'), k)));
  if (v.type) errs.push(forbidden(child(p, 'type'), 'must be empty to be structural'));
  if (v.additionalProperties !== undefined) errs.push(forbidden(child(p, 'additionalProperties'), 'must be undefined to be structural'));
  if (v.default !== undefined && v.default !== null) errs.push(forbidden(child(p, 'default'), 'must be undefined to be structural'));
  if (v.title) errs.push(forbidden(child(p, 'title'), 'must be empty to be structural'));
  if (v.description) errs.push(forbidden(child(p, 'description'), 'must be empty to be structural'));
  if (v.nullable) errs.push(forbidden(child(p, 'nullable'), 'must be false to be structural'));
  for (const [k, msg, name] of FORBIDDEN_IN_JUNCTOR) {
    const x = v[k];
    const set = k === 'x-kubernetes-list-type' || k === 'x-kubernetes-map-type' ? x !== undefined : !isZero(x);
    if (set) errs.push(forbidden(child(p, name), `${msg} to be structural`));
  }
  if (v.properties && own(v.properties, 'metadata')) errs.push(forbidden(key(child(p, 'properties'), 'metadata'), 'must not be specified in a nested context'));
  return errs;
}

/** validateStructuralCompleteness: every field constrained under a junctor of the root is specified outside of it. */
function completeness(v: JSONSchemaProps, s: Structural | undefined, sPath: string, vPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const each = (n: JSONSchemaProps, np: string) => errs.push(...nestedCompleteness(n, s, sPath, np));
  if (v.not) each(v.not, child(vPath, 'not'));
  (v.allOf ?? []).forEach((n, i) => each(n, index(child(vPath, 'allOf'), i)));
  (v.anyOf ?? []).forEach((n, i) => each(n, index(child(vPath, 'anyOf'), i)));
  (v.oneOf ?? []).forEach((n, i) => each(n, index(child(vPath, 'oneOf'), i)));
  return errs;
}

function nestedCompleteness(v: JSONSchemaProps, s: Structural | undefined, sPath: string, vPath: string): FieldError[] {
  if (!s) return [required(sPath, `because it is defined in ${vPath}`)];
  const errs = completeness(v, s, sPath, vPath);
  if (v.items && !Array.isArray(v.items)) errs.push(...nestedCompleteness(v.items, s.items, child(sPath, 'items'), child(vPath, 'items')));
  for (const [k, f] of Object.entries(v.properties ?? {})) {
    const sf = s.properties?.[k];
    const vp = key(child(vPath, 'properties'), k);
    if (!sf) errs.push(required(key(child(sPath, 'properties'), k), `because it is defined in ${vp}`));
    else errs.push(...nestedCompleteness(f, sf, key(child(sPath, 'properties'), k), vp));
  }
  return errs;
}
