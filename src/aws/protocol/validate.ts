/**
 * Input validation against the model, as AWS services do on their side (botocore and the SDKs
 * validate some of this client-side, but raw requests must get the service's own 400): required
 * members, enums, lengths and list/map sizes, numeric ranges, patterns. Type mismatches are found
 * while decoding (./json-values.ts, ./query-input.ts) and reported through the same list.
 *
 * Each protocol words the result as its services do (see {@link validationError}):
 * - query (IAM, STS, Auto Scaling) and JSON 1.1 (KMS): Coral's
 *   `1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null`,
 *   as `ValidationError` / `ValidationException`;
 * - rest-json (EKS): `InvalidParameterException` with `desiredSize is required` for a missing
 *   member (text seen from the real service), Coral wording for the other constraints;
 * - EC2: `MissingParameter` (`The request must contain the parameter X`) or `InvalidParameterValue`.
 */
import { AwsError } from '../types.js';
import { shapeOf, type ServiceModel, type ShapeRef } from '../models/types.js';
import type { ProtocolName } from '../models/types.js';
import { showValue } from './values.js';

/** One broken constraint. `path` is member names and 1-based list indexes from the input root. */
export interface Violation {
  path: (string | number)[];
  value: unknown;
  kind: 'required' | 'type' | 'enum' | 'length' | 'range' | 'pattern';
  /** Coral's constraint text: `Member must not be null`. */
  constraint: string;
  /** The member's name on the wire where it differs (EC2: `VpcId`). */
  wireName?: string;
}

/** Coral's constraint texts. */
export const CONSTRAINT = {
  notNull: 'Member must not be null',
  enum: (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`,
  minLength: (n: number) => `Member must have length greater than or equal to ${n}`,
  maxLength: (n: number) => `Member must have length less than or equal to ${n}`,
  minValue: (n: number) => `Member must have value greater than or equal to ${n}`,
  maxValue: (n: number) => `Member must have value less than or equal to ${n}`,
  pattern: (p: string) => `Member must satisfy regular expression pattern: ${p}`,
  type: (t: string) => `Member must be of type ${t}`,
} as const;

const patterns = new Map<string, RegExp | null>();

/**
 * The model's Java regex as a JS one, matched against the whole value as Coral's validators do.
 * Every pattern of the served models compiles with the `u` flag (`\uXXXX` is four hex digits in
 * both dialects, `\p{L}` needs `u`); one that would not is skipped (null), never guessed at.
 */
export function compilePattern(p: string): RegExp | null {
  let re = patterns.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${p})$`, 'u');
    } catch {
      re = null;
    }
    patterns.set(p, re);
  }
  return re;
}

/** Every violation of `value` against the structure `shapeName` (a decoded input). */
export function validateInput(model: ServiceModel, shapeName: string, value: Record<string, unknown>): Violation[] {
  const out: Violation[] = [];
  walk(model, { shape: shapeName }, value, [], out, undefined);
  return out;
}

function walk(model: ServiceModel, ref: ShapeRef, v: unknown, path: (string | number)[], out: Violation[], wireName: string | undefined): void {
  const s = shapeOf(model, ref);
  switch (s.type) {
    case 'structure': {
      if (!isRecord(v) || s.document) return;
      for (const [name, m] of Object.entries(s.members ?? {})) {
        const mv = v[name];
        const wire = m.queryName ?? m.locationName;
        if (mv === undefined || mv === null) {
          if (s.required?.includes(name)) out.push({ path: [...path, name], value: null, kind: 'required', constraint: CONSTRAINT.notNull, wireName: wire });
          continue;
        }
        walk(model, m, mv, [...path, name], out, wire);
      }
      return;
    }
    case 'list':
    case 'map': {
      const n = Array.isArray(v) ? v.length : isRecord(v) ? Object.keys(v).length : undefined;
      if (n === undefined) return;
      if (s.min !== undefined && n < s.min) violation(out, path, v, 'length', CONSTRAINT.minLength(s.min), wireName);
      if (s.max !== undefined && n > s.max) violation(out, path, v, 'length', CONSTRAINT.maxLength(s.max), wireName);
      if (Array.isArray(v)) v.forEach((x, i) => x !== null && x !== undefined && walk(model, s.member!, x, [...path, i + 1], out, undefined));
      else for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        walk(model, s.key!, k, [...path, k], out, undefined);
        if (x !== null && x !== undefined) walk(model, s.value!, x, [...path, k], out, undefined);
      }
      return;
    }
    case 'string': {
      if (typeof v !== 'string') return;
      if (s.enum && !s.enum.includes(v)) return violation(out, path, v, 'enum', CONSTRAINT.enum(s.enum), wireName);
      if (s.min !== undefined && v.length < s.min) violation(out, path, v, 'length', CONSTRAINT.minLength(s.min), wireName);
      const tooLong = s.max !== undefined && v.length > s.max;
      if (tooLong) violation(out, path, v, 'length', CONSTRAINT.maxLength(s.max!), wireName);
      // A value already too long is not also run through the regex (bounded work per request).
      if (s.pattern && v.length && !tooLong && compilePattern(s.pattern)?.test(v) === false) violation(out, path, v, 'pattern', CONSTRAINT.pattern(s.pattern), wireName);
      return;
    }
    case 'blob': {
      if (!(v instanceof Uint8Array)) return;
      if (s.min !== undefined && v.byteLength < s.min) violation(out, path, v, 'length', CONSTRAINT.minLength(s.min), wireName);
      if (s.max !== undefined && v.byteLength > s.max) violation(out, path, v, 'length', CONSTRAINT.maxLength(s.max), wireName);
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof v !== 'number') return;
      if (s.min !== undefined && v < s.min) violation(out, path, v, 'range', CONSTRAINT.minValue(s.min), wireName);
      if (s.max !== undefined && v > s.max) violation(out, path, v, 'range', CONSTRAINT.maxValue(s.max), wireName);
      return;
    }
    default:
      return;
  }
}

/** Adds one violation (a function, not a closure per call: tsx names every closure it creates). */
function violation(out: Violation[], path: (string | number)[], value: unknown, kind: Violation['kind'], constraint: string, wireName: string | undefined): void {
  out.push({ path, value, kind, constraint, wireName });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Coral's member path: `roleName`, `tags.1.member.key`. */
export function coralPath(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `${p}.member` : lowerFirst(p))).join('.');
}

/** Coral's summary of violations, as query and JSON services word them. */
export function coralMessage(vs: readonly Violation[]): string {
  const head = `${vs.length} validation error${vs.length === 1 ? '' : 's'} detected: `;
  return head + vs.map((v) => `Value ${v.kind === 'required' ? 'null' : showValue(v.value)} at '${coralPath(v.path)}' failed to satisfy constraint: ${v.constraint}`).join('; ');
}

/** EC2's name of a parameter: the wire name of the innermost member, dotted from the root. */
function ec2Param(v: Violation): string {
  const last = [...v.path].reverse().find((p) => typeof p === 'string');
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return cap(v.wireName ?? String(last ?? ''));
}

/** EKS's name of a member in its messages: the innermost member name. */
function eksParam(v: Violation): string {
  return String([...v.path].reverse().find((p) => typeof p === 'string') ?? '');
}

/** Error messages that are not Coral's own text, kept beside the code that throws them. */
export const MESSAGES = {
  eksRequired: (member: string) => `${member} is required`,
  ec2Missing: (param: string) => `The request must contain the parameter ${param}`,
  ec2Invalid: (value: string, param: string, why: string) => `Value (${value}) for parameter ${param} is invalid. ${why}`,
  serialization: (path: string, type: string) => `Expected ${type} at '${path}'`,
} as const;

/** The AwsError a protocol answers for violations (at least one). */
export function validationError(protocol: ProtocolName, vs: readonly Violation[]): AwsError {
  const first = vs[0]!;
  const typeErr = vs.find((v) => v.kind === 'type');
  switch (protocol) {
    case 'rest-json':
      if (typeErr) return new AwsError('SerializationException', MESSAGES.serialization(coralPath(typeErr.path), typeErr.constraint.replace('Member must be of type ', '')));
      if (first.kind === 'required') return new AwsError('InvalidParameterException', MESSAGES.eksRequired(eksParam(first)));
      return new AwsError('InvalidParameterException', coralMessage(vs));
    case 'json':
      if (typeErr) return new AwsError('SerializationException', MESSAGES.serialization(coralPath(typeErr.path), typeErr.constraint.replace('Member must be of type ', '')));
      return new AwsError('ValidationException', coralMessage(vs));
    case 'query':
      return new AwsError('ValidationError', coralMessage(vs));
    case 'ec2': {
      const missing = vs.find((v) => v.kind === 'required');
      if (missing) return new AwsError('MissingParameter', MESSAGES.ec2Missing(ec2Param(missing)));
      const shown = first.value instanceof Date ? first.value.toISOString() : String(first.value);
      return new AwsError('InvalidParameterValue', MESSAGES.ec2Invalid(shown, ec2Param(first), first.constraint.replace(/^Member/, 'It')));
    }
  }
}
