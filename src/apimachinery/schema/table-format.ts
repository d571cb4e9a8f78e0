/**
 * The shape of the generated type table (`types.gen.ts`), shared by the generator
 * (`scripts/gen-k8s-types.ts`) and the accessors in `types.ts`.
 *
 * Rows are positional tuples rather than objects because the table describes every
 * built-in Kubernetes type (~650 messages, ~2,900 fields) and is loaded at startup;
 * trailing absent values are omitted and absent values in the middle are written `0`.
 */

/** Field flag: the field is a list (`repeated` in the proto). */
export const F_REPEATED = 1;
/** Field flag: the field is a map; the row's type is the value type, keys are strings. */
export const F_MAP = 2;
/** Field flag: the Go source marks the field `+optional`. */
export const F_OPTIONAL = 4;
/** Field flag: the Go source marks the field `+required`. */
export const F_REQUIRED = 8;
/**
 * Field flag: the Go field is embedded with `json:",inline"`; in JSON the referenced
 * message's fields appear directly in the parent object (e.g. `Volume.volumeSource`).
 * The proto still carries it as one nested message under its own field number.
 */
export const F_INLINE = 16;

/** Message flag: the JSON form carries `apiVersion` and `kind` (Go `TypeMeta` inline). */
export const M_TYPE_META = 1;
/** Message flag: `+structType=atomic` (replaced as a whole by merges and apply). */
export const M_ATOMIC = 2;

/**
 * Messages whose JSON form is not the object their proto fields suggest, because the
 * Go type has its own JSON (un)marshaller.
 * - `time`, `micro-time`: RFC 3339 date-time string (`meta.v1.Time`, `meta.v1.MicroTime`).
 * - `duration`: Go duration string such as `"1h2m"` (`meta.v1.Duration`).
 * - `int-or-string`: a JSON integer or string (`intstr.IntOrString`).
 * - `quantity`: a quantity string such as `"100m"`, numbers accepted (`resource.Quantity`).
 * - `raw-extension`: any JSON value, usually an embedded object (`runtime.RawExtension`).
 * - `fields-v1`: any JSON object (`meta.v1.FieldsV1`, managed-fields tries).
 * - `string-list`: a JSON array of strings (`ExtraValue`, `meta.v1.Verbs`, ...: Go `[]string`).
 */
export type SpecialKind =
  | 'time'
  | 'micro-time'
  | 'duration'
  | 'int-or-string'
  | 'quantity'
  | 'raw-extension'
  | 'fields-v1'
  | 'string-list';

/** `+patchStrategy` values that occur in the built-in types. */
export type PatchStrategy = 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
/** `+listType` values. */
export type ListType = 'atomic' | 'set' | 'map';
/** `+mapType` / `+structType` values. */
export type MapType = 'atomic' | 'granular';

/**
 * One field: `[jsonName, protoNumber, type, flags, patchStrategy, patchMergeKey, listType,
 * listMapKeys, mapType]`. `type` is a proto scalar (`string`, `int32`, `int64`, `bool`,
 * `double`, `bytes`, ...; always lower case), a message of the same package written by its
 * bare name (`Container` inside `k8s.io.api.core.v1`), or a fully qualified message name
 * (`k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta`). `mapType` also carries a field-level
 * `+structType`.
 */
export type FieldRow = readonly [
  json: string,
  num: number,
  type: string,
  flags?: number,
  patchStrategy?: PatchStrategy | 0,
  patchMergeKey?: string | 0,
  listType?: ListType | 0,
  listMapKeys?: readonly string[] | 0,
  mapType?: MapType | 0,
];

/** One message: `[flags, special, fields]`. */
export type MessageRow = readonly [flags: number, special: SpecialKind | 0, fields: readonly FieldRow[]];
