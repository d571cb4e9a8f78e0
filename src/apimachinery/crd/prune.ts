/**
 * Pruning custom objects, as apiextensions-apiserver's pruning.PruneWithOptions and objectmeta
 * coercion: object fields the structural schema does not specify are dropped unless the node
 * (or an ancestor up to the next specified node) has `x-kubernetes-preserve-unknown-fields`;
 * `apiVersion`, `kind` and `metadata` of the root and of embedded resources are kept, with
 * metadata cut down to the fields of ObjectMeta. The dropped paths are returned in upstream's
 * form (`spec.foo`, `spec.items[0].bar`, `metadata.foo`) for fieldValidation=Warn/Strict
 * (`unknown field "spec.foo"`).
 */
import { deepClone } from '../json.js';
import type { Structural } from './structural.js';

/** The JSON fields of metav1.ObjectMeta; anything else under metadata is dropped. */
export const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** A pruned copy and the paths of what was dropped, in document order. */
export interface PruneResult<T> {
  pruned: T;
  unknown: string[];
}

/**
 * Returns a pruned deep copy of `obj` (a whole custom object when `isResourceRoot`, else a value
 * the schema `s` describes, e.g. a default) and the paths of the dropped fields.
 */
export function pruneCustomObject<T>(obj: T, s: Structural | undefined, isResourceRoot = true): PruneResult<T> {
  const copy = deepClone(obj);
  const unknown: string[] = [];
  const root = isResourceRoot ? ({ ...(s ?? emptySchema()), embeddedResource: true } satisfies Structural) : s;
  prune(copy, root, [], unknown);
  return { pruned: copy, unknown };
}

function emptySchema(): Structural {
  return { type: '', nullable: false, preserveUnknownFields: false, embeddedResource: false, intOrString: false, validations: [], source: {} };
}

const pathText = (parts: (string | number)[]): string =>
  parts.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');

function isMap(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function pruneMetadata(x: Record<string, unknown>, path: (string | number)[], unknown: string[]): void {
  const meta = x.metadata;
  if (!isMap(meta)) return;
  for (const k of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(k)) {
      unknown.push(pathText([...path, 'metadata', k]));
      delete meta[k];
    }
  }
}

function prune(x: unknown, s: Structural | undefined, path: (string | number)[], unknown: string[]): void {
  if (s?.preserveUnknownFields) return skipPrune(x, s, path, unknown);
  if (Array.isArray(x)) {
    x.forEach((v, i) => prune(v, s?.items, [...path, i], unknown));
    return;
  }
  if (!isMap(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) {
      unknown.push(pathText([...path, k]));
      delete x[k];
    }
    return;
  }
  if (s.embeddedResource) pruneMetadata(x, path, unknown);
  for (const k of Object.keys(x)) {
    if (s.embeddedResource && META_FIELDS.has(k)) continue;
    const prop = s.properties?.[k];
    if (prop) prune(x[k], prop, [...path, k], unknown);
    else if (s.additionalProperties) prune(x[k], s.additionalProperties.schema, [...path, k], unknown);
    else {
      unknown.push(pathText([...path, k]));
      delete x[k];
    }
  }
}

function skipPrune(x: unknown, s: Structural, path: (string | number)[], unknown: string[]): void {
  if (Array.isArray(x)) {
    if (s.items) x.forEach((v, i) => skipPrune(v, s.items!, [...path, i], unknown));
    return;
  }
  if (!isMap(x)) return;
  if (s.embeddedResource) pruneMetadata(x, path, unknown);
  for (const k of Object.keys(x)) {
    if (s.embeddedResource && META_FIELDS.has(k)) continue;
    const prop = s.properties?.[k];
    if (prop) prune(x[k], prop, [...path, k], unknown);
    else if (s.additionalProperties) prune(x[k], s.additionalProperties.schema, [...path, k], unknown);
  }
}
