/**
 * Typed accessors over the generated table of Kubernetes built-in types (`types.gen.ts`).
 *
 * Two views of a message are offered:
 * - the **proto view** (`protoFieldsOf`): fields exactly as on the protobuf wire, for decoding
 *   `application/vnd.kubernetes.protobuf` bodies;
 * - the **JSON view** (`fieldsOf`, `lookupField`): what a JSON object of that type may contain,
 *   with Go-inlined structs flattened (`Volume` shows `configMap`, not `volumeSource`) and
 *   `apiVersion`/`kind` added to kinds, the way encoding/json sees the Go types.
 *
 * Decoded rows are cached per message, so repeated lookups are map reads.
 */
import {
  F_INLINE,
  F_MAP,
  F_OPTIONAL,
  F_REPEATED,
  F_REQUIRED,
  M_ATOMIC,
  M_TYPE_META,
  type ListType,
  type MapType,
  type PatchStrategy,
  type SpecialKind,
} from './table-format.js';
import { KIND_INDEX, MESSAGES } from './types.gen.js';

export type { ListType, MapType, PatchStrategy, SpecialKind } from './table-format.js';

/** A group/version/kind; the core group is `""`. */
export interface GVK {
  group: string;
  version: string;
  kind: string;
}

/** A group/version; the core group is `""`. */
export interface GroupVersion {
  group: string;
  version: string;
}

/** How strategic merge patch and server-side apply treat a field. */
export interface MergeInfo {
  patchStrategy?: PatchStrategy;
  patchMergeKey?: string;
  listType?: ListType;
  listMapKeys?: readonly string[];
  mapType?: MapType;
}

/** One field of a message, decoded from the table. */
export interface FieldInfo extends MergeInfo {
  /** Name in JSON (differs from the proto name for a few fields, see the generator). */
  json: string;
  /** Proto field number within `owner`; 0 for the `apiVersion`/`kind` of the JSON view. */
  number: number;
  /** The message that declares the field (differs from the queried one for inlined fields). */
  owner: string;
  /** A proto scalar (`string`, `int32`, `int64`, `bool`, `double`, `bytes`, ...) or a fully qualified message name. */
  type: string;
  /** `type` is a proto scalar. */
  scalar: boolean;
  /** `type` names a message the table does not hold (an unserved alpha type); accept any value. */
  unresolved: boolean;
  repeated: boolean;
  /** A JSON object with string keys whose values have `type`. */
  map: boolean;
  /** Go-embedded with `json:",inline"` (only in the proto view). */
  inline: boolean;
  optional: boolean;
  required: boolean;
}

/** One message, decoded from the table. */
export interface MessageInfo {
  name: string;
  /** The JSON form carries `apiVersion` and `kind`. */
  typeMeta: boolean;
  /** `+structType=atomic`. */
  atomic: boolean;
  /** Set when the JSON form is not an object of the proto fields (see `SpecialKind`). */
  special?: SpecialKind;
  /** Proto view. */
  fields: readonly FieldInfo[];
}

/**
 * apimachinery kinds registered into every served group version (`metav1.AddToGroupVersion`):
 * a `DeleteOptions` body or a watch event is valid under `apps/v1` as under `v1`.
 */
const META_IN_EVERY_GV = ['WatchEvent', 'DeleteOptions', 'ListOptions', 'GetOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions'];
/** apimachinery kinds that upstream files under the core `v1` group version only. */
const META_IN_CORE_V1 = ['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList'];
/** apimachinery kinds of the `meta.k8s.io/v1` group version. */
const META_IN_META_V1 = ['PartialObjectMetadata', 'PartialObjectMetadataList'];
/** Package of the apimachinery meta/v1 types. */
export const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';

const SCALAR_RE = /^[a-z][a-z0-9]*$/;

const infoCache = new Map<string, MessageInfo>();
const jsonCache = new Map<string, { list: readonly FieldInfo[]; byName: ReadonlyMap<string, FieldInfo> }>();

/** Whether `type` (as found in `FieldInfo.type`) is a proto scalar rather than a message. */
export function isScalar(type: string): boolean {
  return SCALAR_RE.test(type);
}

/** The decoded message, or undefined when the table has no such message. */
export function messageInfo(name: string): MessageInfo | undefined {
  const hit = infoCache.get(name);
  if (hit) return hit;
  const row = MESSAGES[name];
  if (!row) return undefined;
  const [flags, special, rows] = row;
  const pkg = name.slice(0, name.lastIndexOf('.'));
  const fields = rows.map((r): FieldInfo => {
    const [json, number, rawType, f = 0, patchStrategy, patchMergeKey, listType, listMapKeys, mapType] = r;
    const scalar = isScalar(rawType);
    const type = scalar || rawType.includes('.') ? rawType : `${pkg}.${rawType}`;
    const field: FieldInfo = {
      json,
      number,
      owner: name,
      type,
      scalar,
      unresolved: !scalar && MESSAGES[type] === undefined,
      repeated: (f & F_REPEATED) !== 0,
      map: (f & F_MAP) !== 0,
      inline: (f & F_INLINE) !== 0,
      optional: (f & F_OPTIONAL) !== 0,
      required: (f & F_REQUIRED) !== 0,
    };
    if (patchStrategy) field.patchStrategy = patchStrategy;
    if (patchMergeKey) field.patchMergeKey = patchMergeKey;
    if (listType) field.listType = listType;
    if (listMapKeys) field.listMapKeys = listMapKeys;
    if (mapType) field.mapType = mapType;
    return field;
  });
  const info: MessageInfo = { name, typeMeta: (flags & M_TYPE_META) !== 0, atomic: (flags & M_ATOMIC) !== 0, fields };
  if (special) info.special = special;
  infoCache.set(name, info);
  return info;
}

/** Proto view: the fields exactly as declared in the proto, or [] for an unknown message. */
export function protoFieldsOf(message: string): readonly FieldInfo[] {
  return messageInfo(message)?.fields ?? [];
}

function typeMetaField(json: string, owner: string): FieldInfo {
  return {
    json, number: 0, owner, type: 'string', scalar: true, unresolved: false,
    repeated: false, map: false, inline: false, optional: true, required: false,
  };
}

function jsonView(message: string): { list: readonly FieldInfo[]; byName: ReadonlyMap<string, FieldInfo> } {
  const hit = jsonCache.get(message);
  if (hit) return hit;
  const info = messageInfo(message);
  const byName = new Map<string, FieldInfo>();
  if (info) {
    if (info.typeMeta) {
      byName.set('apiVersion', typeMetaField('apiVersion', message));
      byName.set('kind', typeMetaField('kind', message));
    }
    // Go's encoding/json: a field of the outer struct hides a same-named inlined one.
    for (const f of info.fields) if (!f.inline) byName.set(f.json, f);
    for (const f of info.fields) {
      if (!f.inline) continue;
      for (const inner of jsonView(f.type).list) if (!byName.has(inner.json)) byName.set(inner.json, inner);
    }
  }
  const view = { list: [...byName.values()], byName };
  jsonCache.set(message, view);
  return view;
}

/**
 * JSON view: every field a JSON object of `message` may carry, with inlined structs
 * flattened and `apiVersion`/`kind` (number 0) first for kinds. [] for an unknown message.
 */
export function fieldsOf(message: string): readonly FieldInfo[] {
  return jsonView(message).list;
}

/** The JSON-view field named `jsonName`, or undefined when the message has no such field. */
export function lookupField(message: string, jsonName: string): FieldInfo | undefined {
  return jsonView(message).byName.get(jsonName);
}

/**
 * The merge markers of a field (`+patchStrategy`, `+patchMergeKey`, `+listType`,
 * `+listMapKey`, `+mapType`/field `+structType`), for strategic merge patch and apply.
 * Undefined when the field does not exist; `{}` when it has no markers.
 */
export function mergeInfo(message: string, jsonName: string): MergeInfo | undefined {
  const f = lookupField(message, jsonName);
  if (!f) return undefined;
  const out: MergeInfo = {};
  if (f.patchStrategy) out.patchStrategy = f.patchStrategy;
  if (f.patchMergeKey) out.patchMergeKey = f.patchMergeKey;
  if (f.listType) out.listType = f.listType;
  if (f.listMapKeys) out.listMapKeys = f.listMapKeys;
  if (f.mapType) out.mapType = f.mapType;
  return out;
}

function gvKey(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/**
 * The message of a built-in kind, e.g. `{group:'apps',version:'v1',kind:'Deployment'}` →
 * `k8s.io.api.apps.v1.Deployment`; apimachinery kinds (`DeleteOptions`, `WatchEvent`,
 * `Status`, ...) resolve where upstream registers them. Undefined for anything else (CRDs).
 */
export function messageFor(gvk: GVK): string | undefined {
  const direct = KIND_INDEX[`${gvKey(gvk.group, gvk.version)}/${gvk.kind}`];
  if (direct) return direct;
  const meta = `${META_V1}.${gvk.kind}`;
  if (META_IN_CORE_V1.includes(gvk.kind) && gvk.group === '' && gvk.version === 'v1') return meta;
  if (META_IN_META_V1.includes(gvk.kind) && gvk.group === 'meta.k8s.io' && gvk.version === 'v1') return meta;
  if (META_IN_EVERY_GV.includes(gvk.kind) && isBuiltinGroupVersion(gvk.group, gvk.version)) return meta;
  return undefined;
}

let gvList: readonly GroupVersion[] | undefined;

/** Every group version that has built-in kinds, sorted by group then version. */
export function builtinGroupVersions(): readonly GroupVersion[] {
  if (gvList) return gvList;
  const seen = new Map<string, GroupVersion>();
  for (const key of Object.keys(KIND_INDEX)) {
    const parts = key.split('/');
    const gv = parts.length === 3 ? { group: parts[0] ?? '', version: parts[1] ?? '' } : { group: '', version: parts[0] ?? '' };
    seen.set(gvKey(gv.group, gv.version), gv);
  }
  gvList = [...seen.values()].sort((a, b) => (a.group === b.group ? cmp(a.version, b.version) : cmp(a.group, b.group)));
  return gvList;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the table has kinds for `group/version`. */
export function isBuiltinGroupVersion(group: string, version: string): boolean {
  return builtinGroupVersions().some((gv) => gv.group === group && gv.version === version);
}

/** The built-in kinds of one group version: kind → message (apimachinery kinds excluded). */
export function kindsOfGroupVersion(group: string, version: string): ReadonlyMap<string, string> {
  const prefix = `${gvKey(group, version)}/`;
  const out = new Map<string, string>();
  for (const [key, message] of Object.entries(KIND_INDEX)) {
    const kind = key.slice(prefix.length);
    if (key.startsWith(prefix) && !kind.includes('/')) out.set(kind, message);
  }
  return out;
}

/**
 * Every GVK under which `message` is registered, as upstream's
 * `x-kubernetes-group-version-kind` lists them ([] for non-kinds).
 */
export function gvksOf(message: string): GVK[] {
  const out: GVK[] = [];
  for (const [key, m] of Object.entries(KIND_INDEX)) {
    if (m !== message) continue;
    const parts = key.split('/');
    const kind = parts.pop() ?? '';
    const version = parts.pop() ?? '';
    out.push({ group: parts.pop() ?? '', version, kind });
  }
  if (!message.startsWith(`${META_V1}.`)) return out;
  const kind = message.slice(META_V1.length + 1);
  if (META_IN_CORE_V1.includes(kind)) out.push({ group: '', version: 'v1', kind });
  if (META_IN_META_V1.includes(kind)) out.push({ group: 'meta.k8s.io', version: 'v1', kind });
  if (META_IN_EVERY_GV.includes(kind)) for (const gv of builtinGroupVersions()) out.push({ ...gv, kind });
  return out;
}
