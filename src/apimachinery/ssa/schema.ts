/**
 * How server-side apply treats each field of an object: the part of a structured-merge-diff
 * schema that merging, field sets and pruning need. Built-in kinds get it from the generated type
 * table, custom resources from their CRD version's structural schema; anything else gets the
 * "deduced" schema that upstream uses for objects without a usable schema.
 */
import type { Structural } from '../crd/structural.js';
import type { JsonObject, JsonValue } from '../json.js';
import { lookupField, messageFor, messageInfo, type FieldInfo, type GVK } from '../schema/types.js';

/** A leaf: merged by replacement, owned as one field. Also any value a schema cannot walk. */
export interface ScalarType {
  readonly kind: 'scalar';
}

/**
 * A JSON object: a struct with declared fields, a map with typed values, or both.
 * `atomic` objects are replaced as a whole and owned as one leaf (`+structType=atomic`,
 * `+mapType=atomic`).
 */
export interface MapType {
  readonly kind: 'map';
  readonly atomic: boolean;
  /** The type of a declared (struct) field; undefined when `name` is not declared. */
  field(name: string): ApplyType | undefined;
  /** The type of keys that are not declared fields (map values); undefined for a closed struct. */
  readonly elements?: ApplyType;
}

/** A JSON array: `atomic` (replaced whole), `set` of scalars, or `map` keyed by `keys`. */
export interface ListType {
  readonly kind: 'list';
  readonly listType: 'atomic' | 'set' | 'map';
  /** Key fields of a `map` list, in schema order. */
  readonly keys: readonly string[];
  readonly elements: ApplyType;
  /** The default of a key field an item omits (OpenAPI `default`), e.g. `protocol: TCP` of ports. */
  keyDefault(name: string): JsonValue | undefined;
}

/**
 * Upstream's `__untyped_deduced_`: objects are granular maps of deduced values, arrays atomic,
 * everything else a scalar. Used for unknown kinds and fields the schema does not know.
 */
export interface DeducedType {
  readonly kind: 'deduced';
}

export type ApplyType = ScalarType | MapType | ListType | DeducedType;

/** The schema of one kind, as seen by server-side apply. */
export interface ApplySchema {
  readonly root: ApplyType;
  /**
   * The object the API server's decoder produces for an empty body of this kind, restricted to
   * the parts that exist in `obj`. Upstream compares a create against such a zero object, so
   * struct fields that Go embeds by value (`spec`, `template`, ...) count as already present and
   * are not recorded as owned nodes of their own.
   */
  zeroObject(obj: JsonObject): JsonObject;
}

export const SCALAR: ScalarType = { kind: 'scalar' };
export const DEDUCED: DeducedType = { kind: 'deduced' };

/** The granular map a deduced object is walked as. */
export const DEDUCED_MAP: MapType = { kind: 'map', atomic: false, field: () => undefined, elements: DEDUCED };

function typeMetaOf(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (typeof obj.apiVersion === 'string') out.apiVersion = obj.apiVersion;
  if (typeof obj.kind === 'string') out.kind = obj.kind;
  return out;
}

/**
 * The schema for objects without one: every object a granular map, every list atomic (what
 * upstream uses for CRDs with `x-kubernetes-preserve-unknown-fields` and schema-less kinds).
 */
export function permissiveApplySchema(): ApplySchema {
  return { root: DEDUCED, zeroObject: typeMetaOf };
}

const messageTypes = new Map<string, MapType>();

/** Server-side apply reads a few key defaults from OpenAPI; the built-in ones are all this one. */
function builtinKeyDefault(name: string): JsonValue | undefined {
  return name === 'protocol' ? 'TCP' : undefined;
}

function listTypeOf(f: FieldInfo): ListType['listType'] {
  if (f.listType) return f.listType;
  // kube-openapi schemaconv: without x-kubernetes-list-type, patchStrategy merge makes an
  // associative list keyed by the merge key (a set without one); anything else is atomic.
  if (f.patchStrategy === 'merge' || f.patchStrategy === 'merge,retainKeys') return f.patchMergeKey ? 'map' : 'set';
  return 'atomic';
}

function valueType(f: FieldInfo, atomicOverride: boolean): ApplyType {
  if (f.scalar) return SCALAR;
  if (f.unresolved) return DEDUCED;
  const info = messageInfo(f.type);
  if (!info) return DEDUCED;
  if (info.special) return SCALAR;
  return messageType(f.type, atomicOverride);
}

function fieldType(f: FieldInfo): ApplyType {
  if (f.repeated) {
    const listType = listTypeOf(f);
    const keys = listType === 'map' ? (f.listMapKeys ?? (f.patchMergeKey ? [f.patchMergeKey] : [])) : [];
    return { kind: 'list', listType, keys, elements: valueType(f, false), keyDefault: builtinKeyDefault };
  }
  if (f.map) return { kind: 'map', atomic: f.mapType === 'atomic', field: () => undefined, elements: valueType(f, false) };
  return valueType(f, f.mapType === 'atomic');
}

function messageType(name: string, atomicOverride = false): MapType {
  const cacheKey = atomicOverride ? `${name}#atomic` : name;
  const hit = messageTypes.get(cacheKey);
  if (hit) return hit;
  const fields = new Map<string, ApplyType | null>();
  const t: MapType = {
    kind: 'map',
    atomic: atomicOverride || messageInfo(name)?.atomic === true,
    field(jsonName: string): ApplyType | undefined {
      let ft = fields.get(jsonName);
      if (ft === undefined) {
        const f = lookupField(name, jsonName);
        ft = f ? fieldType(f) : null;
        fields.set(jsonName, ft);
      }
      return ft ?? undefined;
    },
  };
  messageTypes.set(cacheKey, t);
  return t;
}

/**
 * Struct fields that Go embeds by value in the built-in kinds, so the zero object has them as
 * `{}` (`spec`, `status`, `metadata`, pod `template`s, update `strategy`s, ...). Names rather
 * than types because the type table does not record Go pointers; nested by-value structs are
 * only followed outside lists, where the difference is visible.
 */
const BY_VALUE_STRUCTS = new Set([
  'metadata', 'spec', 'status', 'template', 'jobTemplate', 'strategy', 'updateStrategy', 'resources', 'scaleTargetRef',
]);
/** Lists without `omitempty` in Go, so the zero object has them as `null`. */
const NULL_LISTS = new Set(['containers']);

function zeroOf(obj: JsonObject, t: MapType, isMeta: boolean): JsonObject {
  const out: JsonObject = {};
  if (isMeta) out.creationTimestamp = null;
  for (const [k, v] of Object.entries(obj)) {
    const ft = t.field(k);
    if (!ft) continue;
    if (ft.kind === 'map' && !ft.atomic && BY_VALUE_STRUCTS.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = zeroOf(v, ft, k === 'metadata');
    } else if (ft.kind === 'list' && ft.listType !== 'atomic' && NULL_LISTS.has(k)) {
      out[k] = null;
    } else if (v === null) {
      out[k] = null;
    }
  }
  return out;
}

/**
 * The schema of a built-in kind from the generated type table, or the permissive schema when
 * the table does not know the kind. List types follow upstream's OpenAPI conversion: explicit
 * `+listType`, else `patchStrategy=merge` lists are maps by their merge key, else atomic.
 */
export function builtinApplySchema(gvk: GVK): ApplySchema {
  const message = messageFor(gvk);
  if (!message) return permissiveApplySchema();
  const root = messageType(message);
  return {
    root,
    zeroObject: (obj) => ({ ...zeroOf(obj, root, false), ...typeMetaOf(obj) }),
  };
}

const OBJECT_META = 'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * The type of a structural schema node, as upstream's CRD type converter reads the published
 * OpenAPI: `x-kubernetes-list-type` (default atomic) with its map keys and their defaults,
 * `x-kubernetes-map-type: atomic`, `additionalProperties` as map values, and deduced values
 * where `x-kubernetes-preserve-unknown-fields` lets unknown fields in. `metadata` of the object
 * and of embedded resources is the built-in ObjectMeta.
 */
function structuralType(s: Structural, withMeta: boolean): ApplyType {
  if (s.intOrString) return SCALAR;
  if (s.type === 'array') {
    const items = s.items;
    const listType = s.listType === 'set' || s.listType === 'map' ? s.listType : 'atomic';
    return {
      kind: 'list',
      listType,
      keys: listType === 'map' ? (s.listMapKeys ?? []) : [],
      elements: items ? structuralType(items, false) : DEDUCED,
      keyDefault: (name) => items?.properties?.[name]?.default as JsonValue | undefined,
    };
  }
  const isObject = s.type === 'object' || (s.type === '' && (s.properties !== undefined || s.preserveUnknownFields));
  if (!isObject) return s.type === '' ? DEDUCED : SCALAR;
  const meta = withMeta || s.embeddedResource;
  const props = s.properties ?? {};
  const fields = new Map<string, ApplyType | null>();
  const ap = s.additionalProperties;
  const elements = ap?.schema ? structuralType(ap.schema, false) : ap?.allows || s.preserveUnknownFields ? DEDUCED : undefined;
  return {
    kind: 'map',
    atomic: s.mapType === 'atomic',
    field(name: string): ApplyType | undefined {
      let ft = fields.get(name);
      if (ft === undefined) {
        if (meta && name === 'metadata') ft = messageType(OBJECT_META);
        else if (meta && (name === 'apiVersion' || name === 'kind')) ft = SCALAR;
        else ft = props[name] ? structuralType(props[name], false) : null;
        fields.set(name, ft);
      }
      return ft ?? undefined;
    },
    ...(elements ? { elements } : {}),
  };
}

/** The schema of a custom resource from its CRD version's structural schema. */
export function structuralApplySchema(s: Structural): ApplySchema {
  return { root: structuralType(s, true), zeroObject: typeMetaOf };
}

/** What a value is walked as under `t`: a leaf, a granular map, or a non-atomic list. */
export type Resolved =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'map'; readonly type: MapType }
  | { readonly kind: 'list'; readonly type: ListType };

const LEAF: Resolved = { kind: 'leaf' };
const DEDUCED_RESOLVED: Resolved = { kind: 'map', type: DEDUCED_MAP };
const resolvedCache = new WeakMap<MapType | ListType, Resolved>();

function resolvedOf(t: MapType | ListType): Resolved {
  let r = resolvedCache.get(t);
  if (!r) {
    r = t.kind === 'map' ? { kind: 'map', type: t } : { kind: 'list', type: t };
    resolvedCache.set(t, r);
  }
  return r;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Resolves `t` against a value (upstream `deduceAtom`). Null and absent values take the shape
 * the schema gives; a value of the wrong JSON type is treated as a leaf.
 */
export function resolveType(t: ApplyType, v: JsonValue | undefined): Resolved {
  switch (t.kind) {
    case 'scalar':
      return LEAF;
    case 'deduced':
      return isObject(v) ? DEDUCED_RESOLVED : LEAF;
    case 'map':
      if (t.atomic || !(v === undefined || v === null || isObject(v))) return LEAF;
      return resolvedOf(t);
    default:
      if (t.listType === 'atomic' || !(v === undefined || v === null || Array.isArray(v))) return LEAF;
      return resolvedOf(t);
  }
}

/**
 * Resolves `t` for a pair of values being merged or compared: a null or absent side takes the
 * other side's shape; undefined when the two sides disagree (the pair is then a leaf).
 */
export function resolvePair(t: ApplyType, l: JsonValue | undefined, r: JsonValue | undefined): Resolved {
  if (l === undefined || l === null) return resolveType(t, r === null ? undefined : r);
  if (r === undefined || r === null) return resolveType(t, l);
  const a = resolveType(t, l);
  const b = resolveType(t, r);
  return a.kind === b.kind ? a : LEAF;
}

/** The type of key `name` of a resolved map: declared field, else map value, else deduced. */
export function childTypeOf(m: MapType, name: string): ApplyType {
  return m.field(name) ?? m.elements ?? DEDUCED;
}
