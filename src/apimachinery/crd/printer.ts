/**
 * Server-side printing of custom resources from `additionalPrinterColumns`, as
 * apiextensions-apiserver's customresource/tableconvertor: each column's JSONPath (client-go
 * jsonpath, the subset columns use: `.a.b`, `['a.b']`, `[0]`, `[*]`, `[?(@.type=="Ready")]`)
 * is evaluated with missing keys allowed and the first result becomes the cell: string columns
 * print any value as jsonpath does, integer/number/boolean columns keep values of their type,
 * date columns become a human duration since the timestamp (`5m`, `<invalid>` when it does not
 * parse), and anything absent or of the wrong type is null (kubectl prints `<none>`). A version
 * without columns gets the single Age column (serveDefaultColumnsIfEmpty).
 */
import type { ColumnDefinition } from './types.js';

/** A Table column of a custom resource; `cell` gives the value for one object. */
export interface CustomColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell(obj: unknown, now: number): unknown;
}

/** ObjectMeta's creationTimestamp description, as the default Age column carries it. */
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

type Step = { kind: 'field'; name: string } | { kind: 'index'; i: number } | { kind: 'all' } | { kind: 'filter'; path: Step[]; op?: string; value?: unknown };

/** Parses a column JSONPath (with or without `{}`); throws on syntax it does not know. */
export function parseJSONPath(src: string): Step[] {
  let s = src.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  const steps: Step[] = [];
  let i = 0;
  if (s.startsWith('$')) i = 1;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '.') {
      const m = /^[^.[\]]+/.exec(s.slice(i + 1));
      if (!m) {
        i++;
        continue;
      }
      steps.push({ kind: 'field', name: m[0] });
      i += 1 + m[0].length;
    } else if (c === '[') {
      const end = matchingBracket(s, i);
      const inner = s.slice(i + 1, end).trim();
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', i: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1)));
      else throw new Error(`unrecognized column definition "${src}"`);
      i = end + 1;
    } else throw new Error(`unrecognized column definition "${src}"`);
  }
  return steps;
}

function matchingBracket(s: string, start: number): number {
  let depth = 0;
  let quote = '';
  for (let i = start; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new Error(`unclosed [ in "${s}"`);
}

function parseFilter(expr: string): Step {
  const m = /^@((?:\.[^.\s=!<>]+)*)\s*(==|!=|<=|>=|<|>)?\s*(.*)$/.exec(expr.trim());
  if (!m) throw new Error(`unrecognized filter "${expr}"`);
  const path = parseJSONPath(m[1] ?? '');
  if (!m[2]) return { kind: 'filter', path };
  const raw = (m[3] ?? '').trim();
  let value: unknown = raw;
  if (/^'.*'$|^".*"$/.test(raw)) value = raw.slice(1, -1);
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else if (raw !== '' && !Number.isNaN(Number(raw))) value = Number(raw);
  return { kind: 'filter', path, op: m[2], value };
}

function apply(steps: Step[], values: unknown[]): unknown[] {
  let cur = values;
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (st.kind === 'field') {
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, st.name)) next.push((v as Record<string, unknown>)[st.name]);
      } else if (st.kind === 'index') {
        if (Array.isArray(v)) {
          const x = st.i < 0 ? v[v.length + st.i] : v[st.i];
          if (x !== undefined) next.push(x);
        }
      } else if (st.kind === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (v && typeof v === 'object') next.push(...Object.values(v));
      } else if (Array.isArray(v)) next.push(...v.filter((x) => matches(st, x)));
    }
    cur = next;
  }
  return cur;
}

function matches(f: Extract<Step, { kind: 'filter' }>, x: unknown): boolean {
  const found = apply(f.path, [x]);
  if (!f.op) return found.length > 0;
  const left = found[0];
  if (left === undefined) return false;
  const r = f.value;
  switch (f.op) {
    case '==':
      return left === r || (typeof left === 'number' && Number(r) === left);
    case '!=':
      return !(left === r || (typeof left === 'number' && Number(r) === left));
    case '<':
      return (left as number) < (r as number);
    case '>':
      return (left as number) > (r as number);
    case '<=':
      return (left as number) <= (r as number);
    default:
      return (left as number) >= (r as number);
  }
}

/** All results of `path` in `obj` (empty when nothing matches; missing keys are allowed). */
export function evaluateJSONPath(path: string, obj: unknown): unknown[] {
  return apply(parseJSONPath(path), [obj]);
}

/** How jsonpath prints a value (Go's fmt.Print of the decoded JSON: `map[a:1]`, `[a b]`). */
export function printValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${printValue((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** As k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** cellForJSONValue: the cell of a non-string column for `value`. */
export function cellFor(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      if (!RFC3339.test(value)) return '<invalid>';
      return humanDuration(now - Date.parse(value));
    default:
      return null;
  }
}

/** The Table columns after Name for a CRD version's additionalPrinterColumns (Age alone when there are none). */
export function customColumns(defs: ColumnDefinition[] | undefined): CustomColumn[] {
  const cols = defs?.length ? defs : [{ name: 'Age', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' }];
  return cols.map((c) => {
    const jsonPath = c.jsonPath ?? '';
    let steps: Step[] | undefined;
    try {
      steps = parseJSONPath(jsonPath);
    } catch {
      steps = undefined;
    }
    const type = c.type ?? 'string';
    return {
      name: c.name ?? '',
      type,
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${jsonPath}`,
      priority: c.priority ?? 0,
      cell(obj: unknown, now: number): unknown {
        if (!steps) return null;
        const results = apply(steps, [obj]);
        if (!results.length) return null;
        const v = results[0];
        if (type === 'string') return v === undefined ? null : printValue(v);
        return cellFor(type, v, now);
      },
    };
  });
}
