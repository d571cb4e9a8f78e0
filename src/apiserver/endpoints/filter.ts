/**
 * The label and field selectors of a list or watch, compiled once into a predicate over cached
 * objects, with the hints the cache can use instead of scanning (an exact name, an indexed field).
 */
import { badRequest } from '../../apimachinery/errors.js';
import { checkSupportedFields, matchesFields, parseFieldSelector, type FieldRequirement } from '../../apimachinery/fields.js';
import { isEmpty, matches, parseLabelSelector } from '../../apimachinery/labels.js';
import type { KObject, ResourceDef } from '../registry/resource.js';

export interface Filter {
  /** True when there is no selector at all (remainingItemCount can then be given). */
  everything: boolean;
  matches(obj: KObject): boolean;
  /** `metadata.name=x`: the one object to look at. */
  name?: string;
  /** `<indexed field>=x`. */
  index?: { field: string; value: string };
}

/** Field getters every resource supports, plus its own selectable fields. */
export function fieldGetter(def: ResourceDef): (obj: KObject, field: string) => string | undefined {
  const own = def.selectableFields ?? {};
  return (obj, field) => {
    if (field === 'metadata.name') return obj.metadata?.name ?? '';
    if (field === 'metadata.namespace') return obj.metadata?.namespace ?? '';
    const get = own[field];
    return get ? (get(obj) ?? '') : undefined;
  };
}

export function compileFilter(def: ResourceDef, query: URLSearchParams, hasIndex: (field: string) => boolean, nameFromPath?: string): Filter {
  const labelText = query.get('labelSelector') ?? '';
  let fieldText = query.get('fieldSelector') ?? '';
  if (nameFromPath !== undefined) fieldText = fieldText ? `${fieldText},metadata.name=${nameFromPath}` : `metadata.name=${nameFromPath}`;
  const labels = parseLabelSelector(labelText);
  let fields: FieldRequirement[] = [];
  try {
    fields = parseFieldSelector(fieldText);
  } catch (e) {
    throw e instanceof Error && 'code' in e ? e : badRequest(String(e));
  }
  const supported = new Set(['metadata.name', 'metadata.namespace', ...Object.keys(def.selectableFields ?? {})]);
  checkSupportedFields(fields, supported);
  const get = fieldGetter(def);
  const noLabels = isEmpty(labels);
  const filter: Filter = {
    everything: noLabels && fields.length === 0,
    matches: (obj) => (noLabels || matches(labels, obj.metadata?.labels)) && (fields.length === 0 || matchesFields(fields, (f) => get(obj, f))),
  };
  for (const r of fields) {
    if (r.op !== '=') continue;
    if (r.field === 'metadata.name') filter.name = r.value;
    else if (!filter.index && hasIndex(r.field)) filter.index = { field: r.field, value: r.value };
  }
  return filter;
}
