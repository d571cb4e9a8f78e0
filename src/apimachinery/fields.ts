/**
 * Field selectors as k8s.io/apimachinery/pkg/fields: `?fieldSelector=spec.nodeName=n1,status.phase!=Running`.
 * Only `=`, `==` and `!=` exist; terms are ANDed; `\`, `,` and `=` inside values are escaped with
 * a backslash. Which fields a resource supports is the resource's business (checkSupportedFields).
 */
import { badRequest } from './errors.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is recorded as `=`; both mean equality. */
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Splits on commas that are not escaped; the escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** Splits a term at the first operator; at each position `!=` then `==` then `=` are tried. */
function splitTerm(term: string): [string, '!=' | '==' | '=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * Removes the escapes of a value. Upstream's messages are kept, including Go printing the
 * offending rune as its code point (`unescaped character in value: 61` for '=').
 */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Escapes `\`, `,` and `=` so that the value survives parseFieldSelector. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Parses a field selector; "" selects everything (no requirements). Terms come back sorted by
 * their text, as upstream sorts them. Field names are not trimmed or checked here. Throws a 400
 * BadRequest: `invalid selector: 'x'; can't understand 'x'` or an escaping error.
 */
export function parseFieldSelector(s: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s).sort()) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const [field, op, raw] = parts;
    let value: string;
    try {
      value = unescapeFieldValue(raw);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    reqs.push({ field, op: op === '!=' ? '!=' : '=', value });
  }
  return reqs;
}

/**
 * True when every requirement holds. `getField` returns the object's value for a field name; a
 * missing field compares as "" (upstream's fields.Set.Get), so `spec.nodeName=` selects
 * unscheduled pods.
 */
export function matchesFields(reqs: readonly FieldRequirement[], getField: (field: string) => string | undefined): boolean {
  return reqs.every((r) => ((getField(r.field) ?? '') === r.value) === (r.op === '='));
}

/**
 * Throws a 400 `field label not supported: <f>` for the first field not in `supported` — the
 * message of every resource's field label conversion function upstream.
 */
export function checkSupportedFields(reqs: readonly FieldRequirement[], supported: ReadonlySet<string>): void {
  for (const r of reqs) if (!supported.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
}

/** The value an `=` requirement pins `field` to, for index lookups (`metadata.name=x`). */
export function requiresExactFieldMatch(reqs: readonly FieldRequirement[], field: string): string | undefined {
  return reqs.find((r) => r.field === field && r.op === '=')?.value;
}

/** The string form, with values escaped: `a=b,c!=d`. */
export function fieldSelectorToString(reqs: readonly FieldRequirement[]): string {
  return reqs.map((r) => `${r.field}${r.op}${escapeFieldValue(r.value)}`).join(',');
}
