/**
 * ValidFieldPath of apiextensions-apiserver's schema/cel: a JSON path of field and map accessors
 * (`.spec.foo`, `.spec.labels['a.b']`) checked against a structural schema, as selectableFields
 * and the `fieldPath` of validation rules must be.
 */
import type { Structural } from './structural.js';

/** The normalized path (`spec.labels[a.b]`) and the schema it reaches, or the reason it is not valid. */
export type FieldPathResult = { path: string; root: string; schema: Structural } | { error: string };

function tokens(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < s.length && !(s[j] === "'" && s[j - 1] !== '\\')) j++;
      out.push(s.slice(i, j + 1));
      i = j + 1;
    } else if (c === '.' || c === '[' || c === ']') {
      out.push(c);
      i++;
    } else {
      let j = i;
      while (j < s.length && !'.[]'.includes(s[j]!)) j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** Checks `jsonPath` against `schema`; `allowArrayNotation: false` forbids `['key']` (selectableFields). */
export function validFieldPath(jsonPath: string, schema: Structural, allowArrayNotation = true): FieldPathResult {
  let s = schema;
  let path = '';
  let root = '';
  const append = (name: string, named: boolean): string | undefined => {
    if (!named) {
      path = `${path}[${name}]`;
      s = s.additionalProperties!.schema!;
      if (!s) return 'does not refer to a valid field';
    } else {
      const next = s.properties?.[name];
      path = path ? `${path}.${name}` : name;
      if (!next) return 'does not refer to a valid field';
      s = next;
    }
    if (!root) root = name;
    return undefined;
  };
  const ts = tokens(jsonPath);
  for (let i = 0; i < ts.length; i++) {
    const tok = ts[i]!;
    if (tok === '[') {
      if (!allowArrayNotation) return { error: 'array notation is not allowed' };
      const q = ts[++i];
      if (q === undefined) return { error: 'unexpected end of JSON path' };
      if (q.length < 2 || !q.startsWith("'") || !q.endsWith("'")) return { error: `expected single quoted string but got ${q}` };
      const named = !!s.properties;
      if (!named && !s.additionalProperties) return { error: 'does not refer to a valid field' };
      const err = append(q.slice(1, -1).replace(/\\(.)/g, '$1'), named);
      if (err) return { error: err };
      if (ts[++i] === undefined) return { error: 'unexpected end of JSON path' };
      if (ts[i] !== ']') return { error: `expected ] but got ${ts[i]}` };
    } else if (tok === '.') {
      const name = ts[++i];
      if (name === undefined) return { error: 'unexpected end of JSON path' };
      const named = !!s.properties;
      if (!named && !s.additionalProperties) return { error: 'does not refer to a valid field' };
      const err = append(name, named);
      if (err) return { error: err };
    } else return { error: `expected [ or . but got: ${tok}` };
  }
  return { path, root, schema: s };
}
