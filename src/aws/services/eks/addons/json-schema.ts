/**
 * A small JSON Schema (draft-06/07) validator for add-on configuration values, wording its
 * findings as EKS does: EKS validates with networknt's json-schema-validator, whose messages
 * appear in real responses (`$.podAnnotations: is not defined in the schema and the schema does
 * not allow additional properties`, `$: null found, object expected` — see ./model.ts).
 *
 * Keywords: `$ref` (`#/definitions/...`), `type` (one or a list), `properties`,
 * `additionalProperties` (boolean or schema), `required`, `items`, `enum`, `minimum`, `maximum`,
 * `minProperties`, `minItems`, `maxItems`, `pattern`. Others (`format`, `description`, `title`)
 * are annotations here, as networknt treats unknown formats.
 */

/** A JSON Schema as plain data. */
export type JsonSchema = { [k: string]: unknown };

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let depth = 0; typeof s.$ref === 'string' && depth < 32; depth++) {
    const path = s.$ref.replace(/^#\/?/, '').split('/').filter(Boolean);
    let cur: unknown = root;
    for (const p of path) cur = (cur as Record<string, unknown> | undefined)?.[p];
    if (!cur || typeof cur !== 'object') return {};
    s = cur as JsonSchema;
  }
  return s;
}

const child = (path: string, key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}['${key}']`);

function walk(schema: JsonSchema, root: JsonSchema, v: unknown, path: string, out: string[]): void {
  const s = resolve(schema, root);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => matchesType(v, t))) {
      out.push(`${path}: ${typeOf(v)} found, ${types.join(', ')} expected`);
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) out.push(`${path}: does not have a value in the enumeration [${s.enum.map(String).join(', ')}]`);
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) out.push(`${path}: must have a minimum value of ${s.minimum}`);
    if (typeof s.maximum === 'number' && v > s.maximum) out.push(`${path}: must have a maximum value of ${s.maximum}`);
  }
  if (typeof v === 'string' && typeof s.pattern === 'string') {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern, 'u');
    } catch {
      re = undefined;
    }
    if (re && !re.test(v)) out.push(`${path}: does not match the regex pattern ${s.pattern}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) out.push(`${path}: there must be a minimum of ${s.minItems} items in the array`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) out.push(`${path}: there must be a maximum of ${s.maxItems} items in the array`);
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) v.forEach((x, i) => walk(s.items as JsonSchema, root, x, `${path}[${i}]`, out));
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    for (const r of (s.required as string[] | undefined) ?? []) if (!Object.hasOwn(obj, r)) out.push(`${child(path, r)}: is missing but it is required`);
    if (typeof s.minProperties === 'number' && Object.keys(obj).length < s.minProperties) out.push(`${path}: should have a minimum of ${s.minProperties} properties`);
    for (const [k, x] of Object.entries(obj)) {
      if (Object.hasOwn(props, k)) walk(props[k]!, root, x, child(path, k), out);
      else if (s.additionalProperties === false) out.push(`${child(path, k)}: is not defined in the schema and the schema does not allow additional properties`);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties as JsonSchema, root, x, child(path, k), out);
    }
  }
}

/** The violations of `value` against `schema`, in networknt's wording (empty: valid). */
export function validateJsonSchema(schema: JsonSchema, value: unknown): string[] {
  const out: string[] = [];
  walk(schema, schema, value, '$', out);
  return out;
}
