/**
 * EC2's `Filter.N.Name` / `Filter.N.Value.M` on Describe calls: a resource matches when, for every
 * filter, one of the resource's values for that name matches one of the filter's values. Values
 * may use `*` (any run of characters) and `?` (one character). `tag:<key>` matches the value of the
 * tag `key`, `tag-key` and `tag-value` any tag's key or value. A name the resource type does not
 * know is EC2's InvalidParameterValue "The filter 'x' is invalid".
 */
import { Ec2Errors } from './errors.js';
import type { Filter, Tag } from './model.js';

/** Extracts the value(s) a filter name compares against: scalars, arrays or undefined (no value). */
export type FilterFields<T> = Record<string, (r: T) => unknown>;

const patterns = new Map<string, RegExp>();

/** Whether `text` matches the filter value `pattern` (with `*` and `?` wildcards). */
export function wildcardMatch(pattern: string, text: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === text;
  let re = patterns.get(pattern);
  if (!re) {
    const body = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`);
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re.test(text);
}

function strings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (typeof v === 'boolean') return [v ? 'true' : 'false'];
  return [String(v)];
}

/**
 * The items that pass every filter. `tags` enables `tag:K`, `tag-key` and `tag-value`; throws the
 * EC2 error for a filter name outside `fields`.
 */
export function applyFilters<T>(items: T[], filters: Filter[] | undefined, fields: FilterFields<T>, tags?: (r: T) => Tag[] | undefined): T[] {
  if (!filters?.length) return items;
  const tests: ((r: T) => boolean)[] = [];
  for (const f of filters) {
    const name = f.Name ?? '';
    const wanted = f.Values ?? [];
    const any = (values: string[]) => values.some((v) => wanted.some((w) => wildcardMatch(w, v)));
    const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (field) tests.push((r) => any(strings(field(r))));
    else if (tags && name.startsWith('tag:')) {
      const key = name.slice(4);
      tests.push((r) => any((tags(r) ?? []).filter((t) => t.Key === key).map((t) => t.Value)));
    } else if (tags && name === 'tag-key') tests.push((r) => any((tags(r) ?? []).map((t) => t.Key)));
    else if (tags && name === 'tag-value') tests.push((r) => any((tags(r) ?? []).map((t) => t.Value)));
    else throw Ec2Errors.filterInvalid(name);
  }
  return items.filter((r) => tests.every((t) => t(r)));
}
