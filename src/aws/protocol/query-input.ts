/**
 * Query-protocol inputs (IAM, STS, Auto Scaling) and EC2's dialect of them: flat form parameters
 * (`Action`, `Version`, then members) decoded into member-keyed objects by walking the model.
 *
 * Naming follows botocore's QuerySerializer / EC2Serializer, the clients we must understand:
 * - query: a member is named by its `locationName` or its name; lists are `Name.member.N` (or
 *   `Name.<member locationName>.N`), flattened lists `Name.N`; maps `Name.entry.N.key|value`;
 *   an empty list is sent as `Name=` alone;
 * - EC2: a member is named by `queryName`, else its `locationName` capitalized, else its name;
 *   every list is `Name.N`.
 */
import { isFlattened, locationNameOf, shapeOf, type ServiceModel, type ShapeRef } from '../models/types.js';
import type { AwsHttpRequest } from './http.js';
import { CONSTRAINT, type Violation } from './validate.js';
import { blobIn, parseTimestamp, setOwn } from './values.js';

export type QueryDialect = 'query' | 'ec2';

type Path = (string | number)[];

const parsed = new WeakMap<object, Map<string, string>>();

/** The parameters of a query request: the URL's, then a form body's (a body value wins). Cached per request. */
export function queryParams(req: Pick<AwsHttpRequest, 'query' | 'body' | 'headers'>): Map<string, string> {
  const cached = parsed.get(req);
  if (cached) return cached;
  const out = new Map<string, string>();
  parsed.set(req, out);
  for (const [k, v] of req.query) out.set(k, v);
  const type = String(req.headers['content-type'] ?? '');
  if (req.body.length && (type === '' || type.startsWith('application/x-www-form-urlencoded'))) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) out.set(k, v);
  }
  return out;
}

/** botocore's `_get_serialized_name` for the dialect. */
function wireName(model: ServiceModel, ref: ShapeRef, fallback: string, dialect: QueryDialect): string {
  if (dialect === 'ec2') {
    if (ref.queryName) return ref.queryName;
    const loc = locationNameOf(model, ref);
    return loc ? loc.charAt(0).toUpperCase() + loc.slice(1) : fallback;
  }
  return locationNameOf(model, ref) ?? fallback;
}

/** A sorted view of the parameter names, so that "anything under prefix P" is a binary search. */
class Params {
  readonly keys: string[];
  constructor(readonly map: Map<string, string>) {
    this.keys = [...map.keys()].sort();
  }
  has(k: string): boolean {
    return this.map.has(k);
  }
  get(k: string): string | undefined {
    return this.map.get(k);
  }
  /** Whether any parameter is `p` itself or starts with `p.`. */
  hasUnder(p: string): boolean {
    if (this.map.has(p)) return true;
    const i = this.lowerBound(p + '.');
    return i < this.keys.length && this.keys[i]!.startsWith(p + '.');
  }
  /** The distinct positive integers N of parameters `p.N` / `p.N.…`, ascending. */
  indexes(p: string): number[] {
    const pre = p + '.';
    const seen = new Set<number>();
    for (let i = this.lowerBound(pre); i < this.keys.length && this.keys[i]!.startsWith(pre); i++) {
      const m = /^(\d+)(?:\.|$)/.exec(this.keys[i]!.slice(pre.length));
      if (m && Number(m[1]) > 0) seen.add(Number(m[1]));
    }
    return [...seen].sort((a, b) => a - b);
  }
  private lowerBound(s: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.keys[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Decodes the structure `shapeName` from query parameters; type mismatches go to `issues`. */
export function parseQueryInput(model: ServiceModel, shapeName: string, params: Map<string, string>, dialect: QueryDialect, issues: Violation[]): Record<string, unknown> {
  return decodeStructure(model, { shape: shapeName }, new Params(params), '', dialect, issues, []);
}

function decodeStructure(model: ServiceModel, ref: ShapeRef, ps: Params, prefix: string, dialect: QueryDialect, issues: Violation[], path: Path): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(shapeOf(model, ref).members ?? {})) {
    const key = prefix ? `${prefix}.${wireName(model, m, name, dialect)}` : wireName(model, m, name, dialect);
    const v = decode(model, m, ps, key, dialect, issues, [...path, name]);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function decode(model: ServiceModel, ref: ShapeRef, ps: Params, key: string, dialect: QueryDialect, issues: Violation[], path: Path): unknown {
  const s = shapeOf(model, ref);
  switch (s.type) {
    case 'structure':
      return ps.hasUnder(key) ? decodeStructure(model, ref, ps, key, dialect, issues, path) : undefined;
    case 'list': {
      if (ps.get(key) === '') return [];
      const base = listBase(model, ref, key, dialect);
      if (!ps.hasUnder(base)) return undefined;
      return ps.indexes(base).map((i, n) => decode(model, s.member!, ps, `${base}.${i}`, dialect, issues, [...path, n + 1])).filter((x) => x !== undefined);
    }
    case 'map': {
      const base = isFlattened(model, ref) ? key : `${key}.entry`;
      if (!ps.hasUnder(base)) return undefined;
      const kName = wireName(model, s.key!, 'key', dialect);
      const vName = wireName(model, s.value!, 'value', dialect);
      const out: Record<string, unknown> = {};
      for (const i of ps.indexes(base)) {
        const k = ps.get(`${base}.${i}.${kName}`);
        if (k === undefined) continue;
        setOwn(out, k, decode(model, s.value!, ps, `${base}.${i}.${vName}`, dialect, issues, [...path, k]));
      }
      return out;
    }
    default: {
      const text = ps.get(key);
      return text === undefined ? undefined : scalar(s.type, text, issues, path);
    }
  }
}

function listBase(model: ServiceModel, ref: ShapeRef, key: string, dialect: QueryDialect): string {
  if (dialect === 'ec2') return key;
  const s = shapeOf(model, ref);
  const memberName = s.member?.locationName;
  if (isFlattened(model, ref)) return memberName ? key.split('.').slice(0, -1).concat(memberName).join('.') : key;
  return `${key}.${memberName ?? 'member'}`;
}

function scalar(type: string, text: string, issues: Violation[], path: Path): unknown {
  const bad = () => void issues.push({ path, value: text, kind: 'type', constraint: CONSTRAINT.type(type) });
  switch (type) {
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(text) ? Number(text) : bad();
    case 'float':
    case 'double':
      return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : bad();
    case 'boolean':
      return text === 'true' || text === 'false' ? text === 'true' : bad();
    case 'timestamp':
      return parseTimestamp(text) ?? bad();
    case 'blob':
      return blobIn(text) ?? bad();
    default:
      return text;
  }
}
