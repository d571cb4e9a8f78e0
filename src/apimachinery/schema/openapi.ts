/**
 * OpenAPI v3 component schemas for the built-in kinds, built from the type table.
 *
 * The output follows upstream's per-group-version documents (`/openapi/v3/apis/<g>/<v>`):
 * definitions are named after the Go package (`io.k8s.api.apps.v1.Deployment`,
 * `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`), references are
 * `{"$ref": "#/components/schemas/<name>"}` with sibling keywords (no `allOf` wrapper, as
 * kube-openapi writes v3), and the Kubernetes extensions kubectl reads for client-side
 * apply and `explain` are present: `x-kubernetes-patch-merge-key`,
 * `x-kubernetes-patch-strategy`, `x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
 * `x-kubernetes-map-type` and `x-kubernetes-group-version-kind`.
 *
 * Special types are written as upstream's v3 documents write them: `Time`/`MicroTime` as
 * date-time strings, `IntOrString` as `oneOf` integer|string with format `int-or-string`,
 * `Quantity` as `oneOf` string|number, `RawExtension`/`FieldsV1` as free-form objects,
 * `[]string` wrappers (`ExtraValue`, `Verbs`) inlined as string arrays.
 *
 * Descriptions come from descriptions.ts (upstream's documentation text, loaded on first use);
 * a message-typed field with a description is written as upstream's v3 writes it,
 * `{"allOf": [{"$ref": ...}], "description": ...}`, so that `kubectl explain <kind>.<field>`
 * prints the field's text and then its type's.
 *
 * Not reproduced: `default` values, and `required` beyond explicit `+required` markers
 * (upstream derives most from `omitempty`, which the proto lacks).
 * Paths are built elsewhere; `componentsForGroupVersion` gives their `components`.
 */
import {
  builtinGroupVersions,
  fieldsOf,
  gvksOf,
  kindsOfGroupVersion,
  messageInfo,
  META_V1,
  type FieldInfo,
} from './types.js';
import { fieldDescription, messageDescription } from './descriptions.js';

/** A JSON Schema object as found in an OpenAPI v3 document. */
export type OpenAPISchema = { [keyword: string]: unknown };

/** The `components` object of an OpenAPI v3 document (schemas only). */
export interface OpenAPIComponents {
  schemas: Record<string, OpenAPISchema>;
}

const REF_PREFIX = '#/components/schemas/';

/**
 * apimachinery schemas every upstream group-version document carries because its paths
 * refer to them (list/watch/delete/patch responses and bodies, discovery).
 */
export const COMMON_ROOTS: readonly string[] = ['DeleteOptions', 'Status', 'WatchEvent', 'Patch', 'APIResourceList'].map(
  (k) => `${META_V1}.${k}`,
);

/** Upstream definition name of a message: `k8s.io.api.apps.v1.Deployment` → `io.k8s.api.apps.v1.Deployment`. */
export function definitionName(message: string): string {
  return message.startsWith('k8s.io.') ? `io.k8s.${message.slice('k8s.io.'.length)}` : message;
}

/** `{$ref}` to the component of `message`. */
export function refTo(message: string): OpenAPISchema {
  return { $ref: REF_PREFIX + definitionName(message) };
}

const SCALARS: Readonly<Record<string, OpenAPISchema>> = {
  string: { type: 'string' },
  bytes: { type: 'string', format: 'byte' },
  bool: { type: 'boolean' },
  double: { type: 'number', format: 'double' },
  float: { type: 'number', format: 'float' },
  int32: { type: 'integer', format: 'int32' },
  sint32: { type: 'integer', format: 'int32' },
  sfixed32: { type: 'integer', format: 'int32' },
  uint32: { type: 'integer', format: 'int32' },
  fixed32: { type: 'integer', format: 'int32' },
  int64: { type: 'integer', format: 'int64' },
  sint64: { type: 'integer', format: 'int64' },
  sfixed64: { type: 'integer', format: 'int64' },
  uint64: { type: 'integer', format: 'int64' },
  fixed64: { type: 'integer', format: 'int64' },
};

/** Schema of one value of `type` (no list or map wrapping). */
function valueSchema(type: string, scalar: boolean): OpenAPISchema {
  if (scalar) return { ...(SCALARS[type] ?? { type: 'string' }) };
  const info = messageInfo(type);
  if (!info) return { type: 'object' };
  if (info.special === 'string-list') return { type: 'array', items: { type: 'string' } };
  return refTo(type);
}

function propertySchema(message: string, f: FieldInfo): OpenAPISchema {
  let s = valueSchema(f.type, f.scalar);
  const description = fieldDescription(message, f.json);
  if (description) s = s.$ref ? { allOf: [s], description } : { description, ...s };
  if (f.map) s = { ...(description ? { description } : {}), type: 'object', additionalProperties: strip(s) };
  else if (f.repeated) s = { ...(description ? { description } : {}), type: 'array', items: strip(s) };
  if (f.listType && f.repeated) s['x-kubernetes-list-type'] = f.listType;
  if (f.listType === 'map' && f.listMapKeys) s['x-kubernetes-list-map-keys'] = [...f.listMapKeys];
  if (f.mapType) s['x-kubernetes-map-type'] = f.mapType;
  if (f.patchMergeKey) s['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
  if (f.patchStrategy) s['x-kubernetes-patch-strategy'] = f.patchStrategy;
  return s;
}

/** `s` without the field's description (moved to the list or map around it), `allOf` undone. */
function strip(s: OpenAPISchema): OpenAPISchema {
  const { description: _d, ...rest } = s;
  const only = Array.isArray(rest.allOf) && rest.allOf.length === 1 && Object.keys(rest).length === 1 ? (rest.allOf[0] as OpenAPISchema) : undefined;
  return only ?? rest;
}

function specialSchema(message: string): OpenAPISchema | undefined {
  switch (messageInfo(message)?.special) {
    case 'time':
    case 'micro-time':
      return { type: 'string', format: 'date-time' };
    case 'duration':
      return { type: 'string' };
    case 'int-or-string':
      return { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
    case 'quantity':
      return { oneOf: [{ type: 'string' }, { type: 'number' }] };
    case 'raw-extension':
    case 'fields-v1':
      return { type: 'object' };
    case 'string-list':
      return { type: 'array', items: { type: 'string' } };
    default:
      return undefined;
  }
}

/**
 * The component schema of one message (undefined when the table has no such message).
 * Properties are sorted by name, as in upstream documents.
 */
export function schemaFor(message: string): OpenAPISchema | undefined {
  const info = messageInfo(message);
  if (!info) return undefined;
  const description = messageDescription(message);
  const special = specialSchema(message);
  if (special) return description ? { description, ...special } : special;
  const schema: OpenAPISchema = description ? { description } : {};
  const fields = [...fieldsOf(message)].sort((a, b) => (a.json < b.json ? -1 : a.json > b.json ? 1 : 0));
  if (fields.length) schema.properties = Object.fromEntries(fields.map((f) => [f.json, propertySchema(message, f)]));
  const required = fields.filter((f) => f.required).map((f) => f.json);
  if (required.length) schema.required = required;
  schema.type = 'object';
  if (info.atomic) schema['x-kubernetes-map-type'] = 'atomic';
  const gvks = gvksOf(message);
  if (gvks.length) {
    schema['x-kubernetes-group-version-kind'] = gvks.map(({ group, version, kind }) => ({ group, kind, version }));
  }
  return schema;
}

/** Messages directly referenced by the schema of `message` (through `$ref`). */
function referencedMessages(message: string): string[] {
  const out: string[] = [];
  for (const f of fieldsOf(message)) {
    if (f.scalar || f.unresolved) continue;
    if (messageInfo(f.type)?.special === 'string-list') continue;
    out.push(f.type);
  }
  return out;
}

/**
 * Schemas of `roots` and of everything they reference, keyed by definition name and
 * sorted by it. Unknown root names are ignored.
 */
export function schemasFor(roots: Iterable<string>): Record<string, OpenAPISchema> {
  const seen = new Set<string>();
  const queue = [...roots].filter((r) => messageInfo(r));
  while (queue.length) {
    const m = queue.pop() as string;
    if (seen.has(m)) continue;
    seen.add(m);
    queue.push(...referencedMessages(m));
  }
  const entries = [...seen].map((m) => [definitionName(m), schemaFor(m) as OpenAPISchema] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/** Options for `schemasForGroupVersion`. */
export interface GroupVersionSchemaOptions {
  /** More messages to include, e.g. `k8s.io.api.autoscaling.v1.Scale` for a `/scale` subresource. */
  extraRoots?: Iterable<string>;
  /** Include `COMMON_ROOTS` (default true). */
  common?: boolean;
}

/**
 * All schemas one group version's document needs: its kinds (query-option kinds such as
 * `PodLogOptions` excluded), the apimachinery types its paths use, `extraRoots`, and the
 * transitive closure of their references — like upstream's per-GV v3 documents.
 * Returns {} for a group version without built-in kinds.
 */
export function schemasForGroupVersion(
  group: string,
  version: string,
  opts: GroupVersionSchemaOptions = {},
): Record<string, OpenAPISchema> {
  const kinds = kindsOfGroupVersion(group, version);
  if (!kinds.size) return {};
  const roots = [...kinds].filter(([kind]) => !kind.endsWith('Options')).map(([, m]) => m);
  if (opts.common ?? true) roots.push(...COMMON_ROOTS);
  roots.push(...(opts.extraRoots ?? []));
  return schemasFor(roots);
}

/** The `components` object of a group version's OpenAPI v3 document (see `schemasForGroupVersion`). */
export function componentsForGroupVersion(
  group: string,
  version: string,
  opts: GroupVersionSchemaOptions = {},
): OpenAPIComponents {
  return { schemas: schemasForGroupVersion(group, version, opts) };
}

/** Every group version for which `componentsForGroupVersion` has schemas. */
export { builtinGroupVersions };
