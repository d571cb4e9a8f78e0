/**
 * JSON bodies ↔ handler values, walked by the model (rest-json and JSON 1.1 share this): members
 * are named by `locationName` when the model gives one, timestamps travel as epoch seconds,
 * blobs as base64. Inputs decode into member-keyed objects with Dates and Buffers; outputs accept
 * Dates / ISO strings / epoch milliseconds and bytes (see ./values.ts).
 */
import { shapeOf, type ServiceModel, type ShapeRef } from '../models/types.js';
import type { Violation } from './validate.js';
import { CONSTRAINT } from './validate.js';
import { blobIn, blobOut, formatTimestamp, parseTimestamp, setOwn, toDate } from './values.js';

type Path = (string | number)[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Decodes a parsed JSON value into the handler's form; type mismatches are pushed to `issues`
 * (the value is then dropped). `skip` names members bound elsewhere (rest-json uri/query/headers).
 */
export function decodeJson(model: ServiceModel, ref: ShapeRef, v: unknown, issues: Violation[], path: Path = [], skip?: ReadonlySet<string>): unknown {
  const s = shapeOf(model, ref);
  const bad = (type: string) => {
    issues.push({ path, value: v, kind: 'type', constraint: CONSTRAINT.type(type) });
    return undefined;
  };
  if (v === null) return undefined;
  switch (s.type) {
    case 'structure': {
      if (s.document) return v;
      if (!isObject(v)) return bad('structure');
      const out: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(s.members ?? {})) {
        if (skip?.has(name) || m.location) continue;
        const raw = v[m.locationName ?? name];
        if (raw === undefined) continue;
        const d = decodeJson(model, m, raw, issues, [...path, name]);
        if (d !== undefined) out[name] = d;
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(v)) return bad('list');
      return v.map((x, i) => decodeJson(model, s.member!, x, issues, [...path, i + 1])).filter((x) => x !== undefined);
    case 'map': {
      if (!isObject(v)) return bad('map');
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const d = decodeJson(model, s.value!, x, issues, [...path, k]);
        if (d !== undefined) setOwn(out, k, d);
      }
      return out;
    }
    case 'string':
      return typeof v === 'string' ? v : bad('string');
    case 'boolean':
      return typeof v === 'boolean' ? v : bad('boolean');
    case 'integer':
    case 'long':
      return typeof v === 'number' && Number.isInteger(v) ? v : bad(s.type);
    case 'float':
    case 'double':
      return typeof v === 'number' ? v : bad(s.type);
    case 'timestamp':
      return parseTimestamp(v) ?? bad('timestamp');
    case 'blob':
      return blobIn(v) ?? bad('blob');
  }
}

/**
 * Encodes a handler's value for a JSON body. Members the shape does not declare are dropped (the
 * model is the wire authority), and so are members bound to headers or the status code.
 */
export function encodeJson(model: ServiceModel, ref: ShapeRef, v: unknown): unknown {
  return encoderOf(model, ref)(v);
}

/** A shape's JSON encoder, compiled once per model, shape and timestamp format. */
type Encoder = (v: unknown) => unknown;

const encoders = new WeakMap<ServiceModel, Map<string, Encoder>>();

function encoderOf(model: ServiceModel, ref: ShapeRef): Encoder {
  let byShape = encoders.get(model);
  if (!byShape) encoders.set(model, (byShape = new Map()));
  const id = ref.timestampFormat ? `${ref.shape} ${ref.timestampFormat}` : ref.shape;
  let enc = byShape.get(id);
  if (!enc) {
    // Registered before its members are compiled, so recursive shapes find it.
    let compiled: Encoder | undefined;
    byShape.set(id, (x) => compiled!(x));
    compiled = compileEncoder(model, ref);
    byShape.set(id, compiled);
    enc = compiled;
  }
  return enc;
}

function compileEncoder(model: ServiceModel, ref: ShapeRef): Encoder {
  const s = shapeOf(model, ref);
  switch (s.type) {
    case 'structure': {
      if (s.document) return (v) => (v === null ? undefined : v);
      const members = Object.entries(s.members ?? {})
        .filter(([, m]) => !m.location)
        .map(([name, m]) => ({ name, wire: m.locationName ?? name, enc: encoderOf(model, m) }));
      return (v) => {
        if (!isObject(v)) return undefined;
        const out: Record<string, unknown> = {};
        for (const m of members) {
          const e = m.enc(v[m.name]);
          if (e !== undefined) out[m.wire] = e;
        }
        return out;
      };
    }
    case 'list': {
      const member = encoderOf(model, s.member!);
      return (v) => {
        if (!Array.isArray(v)) return undefined;
        const out: unknown[] = new Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = member(v[i]) ?? null;
        return out;
      };
    }
    case 'map': {
      const value = encoderOf(model, s.value!);
      return (v) => {
        if (!isObject(v)) return undefined;
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v)) setOwn(out, k, value(v[k]) ?? null);
        return out;
      };
    }
    case 'timestamp': {
      const format = ref.timestampFormat ?? s.timestampFormat ?? 'unixTimestamp';
      return (v) => {
        const d = v === null ? undefined : toDate(v);
        return d && formatTimestamp(d, format);
      };
    }
    case 'blob':
      return (v) => (v === null || v === undefined ? undefined : blobOut(v));
    default:
      return (v) => (v === null ? undefined : v);
  }
}

/** Parses a JSON request body; an empty body is `{}`. Throws SyntaxError on malformed JSON. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  return text ? JSON.parse(text) : {};
}
