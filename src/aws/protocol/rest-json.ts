/**
 * The rest-json protocol (EKS): operations are found by HTTP method + `requestUri` template,
 * members are bound to uri labels (greedy `{name+}` too), the query string, headers or the JSON
 * body; outputs write header / statusCode members where the model puts them and the rest as JSON
 * (timestamps as epoch seconds), as botocore's RestJSONSerializer / RestJSONParser expect.
 */
import { shapeOf, type OperationModel, type ServiceModel, type Shape, type ShapeRef } from '../models/types.js';
import { AwsError } from '../types.js';
import { header, type AwsHttpRequest, type AwsHttpResponse } from './http.js';
import { decodeJson, encodeJson, parseJsonBody } from './json-values.js';
import { CONSTRAINT, type Violation } from './validate.js';
import { blobIn, formatTimestamp, parseTimestamp, setOwn, toDate } from './values.js';

interface Route {
  op: string;
  method: string;
  /** Literal segment, `{label}` or a greedy `{label+}` (last). */
  segments: { literal?: string; label?: string; greedy?: boolean }[];
  /** Literal query parameters the requestUri demands (`?include` style). */
  query: [string, string][];
  literals: number;
}

/** Per model, its routes by HTTP method, most specific first. */
const routeCache = new WeakMap<ServiceModel, Map<string, Route[]>>();

function routes(model: ServiceModel): Map<string, Route[]> {
  let byMethod = routeCache.get(model);
  if (byMethod) return byMethod;
  const rs = Object.entries(model.operations).map(([op, o]) => {
    const [path = '/', qs = ''] = o.http.requestUri.split('?');
    const segments = path.split('/').filter(Boolean).map((seg) => {
      const m = /^\{([^}]+?)(\+)?\}$/.exec(seg);
      return m ? { label: m[1]!, greedy: !!m[2] } : { literal: seg };
    });
    const query = [...new URLSearchParams(qs)];
    return { op, method: o.http.method, segments, query, literals: segments.filter((s) => s.literal).length };
  });
  rs.sort((a, b) => b.literals - a.literals || b.segments.length - a.segments.length);
  byMethod = new Map();
  for (const r of rs) {
    let list = byMethod.get(r.method);
    if (!list) byMethod.set(r.method, (list = []));
    list.push(r);
  }
  routeCache.set(model, byMethod);
  return byMethod;
}

/** The operation a request addresses and its decoded uri labels; undefined when no route matches. */
export function matchRestJson(model: ServiceModel, req: Pick<AwsHttpRequest, 'method' | 'path' | 'query'>): { op: string; labels: Record<string, string> } | undefined {
  const candidates = routes(model).get(req.method);
  if (!candidates) return undefined;
  const parts = req.path.split('/').filter(Boolean).map(decode);
  for (const r of candidates) {
    if (r.query.length && r.query.some(([k, v]) => !req.query.has(k) || (v !== '' && req.query.get(k) !== v))) continue;
    const labels = matchSegments(r, parts);
    if (labels) return { op: r.op, labels };
  }
  return undefined;
}

/** The labels of route `r` in the decoded path segments `parts`; undefined when it does not match. */
function matchSegments(r: Route, parts: string[]): Record<string, string> | undefined {
  if (parts.length < r.segments.length || (parts.length > r.segments.length && !r.segments[r.segments.length - 1]?.greedy)) return undefined;
  for (let i = 0; i < r.segments.length; i++) {
    const seg = r.segments[i]!;
    if (seg.literal !== undefined && parts[i] !== seg.literal) return undefined;
  }
  const labels: Record<string, string> = {};
  for (let i = 0; i < r.segments.length; i++) {
    const seg = r.segments[i]!;
    if (seg.greedy) {
      labels[seg.label!] = parts.slice(i).join('/');
      return labels;
    }
    if (seg.label !== undefined) labels[seg.label] = parts[i]!;
  }
  return labels;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A scalar from a uri label, query parameter or header, converted by its shape. */
function scalarFromText(model: ServiceModel, ref: ShapeRef, text: string, path: (string | number)[], issues: Violation[]): unknown {
  const s = shapeOf(model, ref);
  switch (s.type) {
    case 'integer':
    case 'long':
      if (/^-?\d+$/.test(text)) return Number(text);
      return typeIssue(issues, path, text, s.type);
    case 'float':
    case 'double':
      if (text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
      return typeIssue(issues, path, text, s.type);
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true';
      return typeIssue(issues, path, text, s.type);
    case 'timestamp':
      return parseTimestamp(text) ?? typeIssue(issues, path, text, s.type);
    case 'blob':
      return blobIn(text) ?? typeIssue(issues, path, text, s.type);
    case 'string':
      if (ref.jsonvalue) {
        try {
          return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
        } catch {
          return typeIssue(issues, path, text, s.type);
        }
      }
      return text;
    default:
      return text;
  }
}

/** Records that `text` is not of `type`; the value is dropped (undefined). */
function typeIssue(issues: Violation[], path: (string | number)[], text: string, type: string): undefined {
  issues.push({ path, value: text, kind: 'type', constraint: CONSTRAINT.type(type) });
  return undefined;
}

/**
 * Decodes the input of `op`; type mismatches go to `issues`. Throws AwsError
 * `SerializationException` for a body that is not JSON.
 */
export function parseRestJsonInput(model: ServiceModel, op: OperationModel, req: AwsHttpRequest, labels: Record<string, string>, issues: Violation[]): Record<string, unknown> {
  if (!op.input) return {};
  const shape = shapeOf(model, op.input);
  const out: Record<string, unknown> = {};
  const { located, bound, hasBodyMembers } = layoutOf(shape);
  for (const [name, m] of located) {
    const v = locatedValue(model, m, m.locationName ?? name, req, labels, shape, name, issues);
    if (v !== undefined) out[name] = v;
  }
  if (shape.payload) {
    // A payload member is the whole body (no served operation has one; kept for completeness).
    const body = jsonBody(req);
    const v = decodeJson(model, shape.members![shape.payload]!, body, issues, [shape.payload]);
    if (v !== undefined) out[shape.payload] = v;
    return out;
  }
  if (hasBodyMembers && req.body.length) Object.assign(out, decodeJson(model, { shape: op.input }, jsonBody(req), issues, [], bound));
  return out;
}

/** A structure's members bound to the uri, query string, headers or status code, and whether any travel in the body. */
interface Layout {
  located: [string, ShapeRef][];
  bound: ReadonlySet<string>;
  hasBodyMembers: boolean;
}

const layouts = new WeakMap<Shape, Layout>();

function layoutOf(shape: Shape): Layout {
  let l = layouts.get(shape);
  if (!l) {
    const members = Object.entries(shape.members ?? {});
    const located = members.filter(([, m]) => m.location);
    l = { located, bound: new Set(located.map(([name]) => name)), hasBodyMembers: members.some(([, m]) => !m.location) };
    layouts.set(shape, l);
  }
  return l;
}

function jsonBody(req: AwsHttpRequest): unknown {
  try {
    return parseJsonBody(req.body);
  } catch {
    throw new AwsError('SerializationException', 'Could not parse request body into json: the body is not valid JSON');
  }
}

function locatedValue(model: ServiceModel, m: ShapeRef, key: string, req: AwsHttpRequest, labels: Record<string, string>, parent: Shape, name: string, issues: Violation[]): unknown {
  const s = shapeOf(model, m);
  switch (m.location) {
    case 'uri': {
      const v = labels[key];
      return v === undefined ? undefined : scalarFromText(model, m, v, [name], issues);
    }
    case 'querystring': {
      if (s.type === 'map') {
        // A map bound to the query string takes every parameter no other member binds.
        const named = new Set(Object.values(parent.members ?? {}).filter((x) => x.location === 'querystring').map((x) => x.locationName));
        const out: Record<string, unknown> = {};
        for (const [k, v] of req.query) if (!named.has(k)) setOwn(out, k, v);
        return Object.keys(out).length ? out : undefined;
      }
      if (!req.query.has(key)) return undefined;
      if (s.type === 'list') return req.query.getAll(key).map((v, i) => scalarFromText(model, s.member!, v, [name, i + 1], issues));
      return scalarFromText(model, m, req.query.get(key)!, [name], issues);
    }
    case 'header': {
      const v = header(req, key);
      if (v === undefined) return undefined;
      if (s.type === 'list') return v.split(',').map((x, i) => scalarFromText(model, s.member!, x.trim(), [name, i + 1], issues));
      return scalarFromText(model, m, v, [name], issues);
    }
    case 'headers': {
      const prefix = key.toLowerCase();
      const out: Record<string, string> = {};
      for (const [h, v] of Object.entries(req.headers)) if (h.startsWith(prefix) && typeof v === 'string') setOwn(out, h.slice(prefix.length), v);
      return Object.keys(out).length ? out : undefined;
    }
    default:
      return undefined;
  }
}

/** Serializes a handler's output: status from the model (or a statusCode member), header members, JSON body. */
export function serializeRestJsonOutput(model: ServiceModel, op: OperationModel, output: Record<string, unknown>): AwsHttpResponse {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  let status = op.http.responseCode ?? 200;
  if (!op.output) return { status, headers, body: '{}' };
  const shape = shapeOf(model, op.output);
  for (const [name, m] of layoutOf(shape).located) {
    const v = output[name];
    if (v === undefined || v === null) continue;
    if (m.location === 'statusCode' && typeof v === 'number') status = v;
    else if (m.location === 'header') headers[m.locationName ?? name] = headerText(model, m, v);
    else if (m.location === 'headers' && typeof v === 'object') for (const [k, x] of Object.entries(v)) headers[(m.locationName ?? '') + k] = String(x);
  }
  if (shape.payload) {
    const p = encodeJson(model, shape.members![shape.payload]!, output[shape.payload]);
    return { status, headers, body: JSON.stringify(p ?? {}) };
  }
  return { status, headers, body: JSON.stringify(encodeJson(model, { shape: op.output }, output) ?? {}) };
}

function headerText(model: ServiceModel, ref: ShapeRef, v: unknown): string {
  const s = shapeOf(model, ref);
  if (s.type === 'timestamp') {
    const d = toDate(v);
    return d ? String(formatTimestamp(d, ref.timestampFormat ?? s.timestampFormat ?? 'rfc822')) : '';
  }
  if (ref.jsonvalue) return Buffer.from(JSON.stringify(v)).toString('base64');
  if (Array.isArray(v)) return v.map(String).join(',');
  return String(v);
}
