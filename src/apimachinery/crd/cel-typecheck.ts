/**
 * Type-checks an `x-kubernetes-validations` rule against the structural schema of the node it
 * sits on, as apiextensions-apiserver does at CRD create/update (cel.Compile with `self` and
 * `oldSelf` declared as the schema's DeclType), so a rule naming a field the schema lacks or
 * combining values of the wrong types is rejected before any object is written.
 *
 * The schema becomes CEL types for @marcbachmann/cel-js's checker: objects with properties are
 * object types with exactly those fields, `additionalProperties` maps are `map<string, T>`,
 * arrays `list<T>`, integer/number/boolean/string `int`/`double`/`bool`/`string` (byte →
 * bytes, date-time → timestamp, duration → duration); the resource root also has `apiVersion`,
 * `kind` and `metadata.{name,generateName}`. Anything whose shape CEL cannot know statically —
 * int-or-string, embedded resources, preserved unknown fields, nullable scalars, property names
 * that are not plain identifiers — is `dyn` and left unchecked.
 *
 * Two error classes are reported, in cel-go's wording and position: `undefined field 'x'`
 * (at the `.` of the selection) and `found no matching overload for '_op_' applied to
 * '(a, b)'` when both operands are scalar types (at the operator). Other checker complaints
 * are not reported, so a rule cel-go accepts is never rejected for a gap of this checker.
 */
import { Environment } from '@marcbachmann/cel-js';
import { registerKubernetesLibrary } from './cel-library.js';
import type { Structural } from './structural.js';

let base: Environment | undefined;
const baseEnv = (): Environment =>
  (base ??= registerKubernetesLibrary(new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false })));

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
const SCALARS = new Set(['int', 'uint', 'double', 'string', 'bool', 'bytes']);
const OPS: Readonly<Record<string, string>> = { '+': '_+_', '-': '_-_', '*': '_*_', '/': '_/_', '%': '_%_', '==': '_==_', '!=': '_!=_', '<': '_<_', '<=': '_<=_', '>': '_>_', '>=': '_>=_' };

/** Declares the CEL type of `s` in `env` (object types registered children first) and returns its name. */
function declare(env: Environment, s: Structural, names: { n: number }, root: boolean): string {
  if (s.intOrString || s.embeddedResource) return 'dyn';
  switch (s.type) {
    case 'integer':
      return s.nullable ? 'dyn' : 'int';
    case 'number':
      return s.nullable ? 'dyn' : 'double';
    case 'boolean':
      return s.nullable ? 'dyn' : 'bool';
    case 'string':
      if (s.nullable) return 'dyn';
      return s.format === 'byte' ? 'bytes' : s.format === 'date-time' ? 'google.protobuf.Timestamp' : s.format === 'duration' ? 'google.protobuf.Duration' : 'string';
    case 'array':
      return s.items ? `list<${declare(env, s.items, names, false)}>` : 'list<dyn>';
    case 'object': {
      if (s.preserveUnknownFields) return 'dyn';
      const ap = s.additionalProperties?.schema;
      if (ap) return `map<string, ${declare(env, ap, names, false)}>`;
      const props = Object.entries(s.properties ?? {});
      if (!props.length || props.some(([k]) => !IDENT.test(k) || RESERVED.has(k))) return 'dyn';
      const fields: Record<string, string> = {};
      for (const [k, p] of props) fields[k] = declare(env, p, names, false);
      if (root) {
        fields.apiVersion ??= 'string';
        fields.kind ??= 'string';
        const meta = `Object${names.n++}`;
        env.registerType(meta, { fields: { name: 'string', generateName: 'string' } });
        fields.metadata = meta;
      }
      const name = `Object${names.n++}`;
      env.registerType(name, { fields });
      return name;
    }
    default:
      return 'dyn';
  }
}

const stripStrings = (src: string): string => src.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (m) => ' '.repeat(m.length));

/** cel-go's issue text at offset `pos` of `src`. */
function issue(src: string, pos: number, msg: string): string {
  const before = src.slice(0, pos).split('\n');
  const col = before[before.length - 1]!.length;
  return `ERROR: <input>:${before.length}:${col + 1}: ${msg}\n | ${src.split('\n')[before.length - 1] ?? ''}\n | ${'.'.repeat(col)}^`;
}

/**
 * cel-go's compile error text (`ERROR: <input>:L:C: ...`) for `rule` on a node of schema `s`
 * (`root`: the resource's root), or undefined when the rule type-checks or fails only in ways
 * this checker does not report. Call only for rules that parse.
 */
export function typeCheckRule(rule: string, s: Structural, root: boolean): string | undefined {
  const env = baseEnv().clone();
  const t = declare(env, s, { n: 0 }, root);
  env.registerVariable('self', t).registerVariable('oldSelf', t);
  let checked: { valid: boolean; error?: { message?: string; range?: { start: number; end: number } } };
  try {
    checked = env.parse(rule).check() as typeof checked;
  } catch {
    return undefined;
  }
  if (checked.valid || !checked.error) return undefined;
  const msg = (checked.error.message ?? '').split('\n')[0] ?? '';
  const start = checked.error.range?.start ?? 0;
  let m = /^No such key: (\S+)$/.exec(msg);
  if (m) {
    const dot = rule.lastIndexOf('.', start);
    return issue(rule, dot >= 0 ? dot : start, `undefined field '${m[1]}'`);
  }
  m = /^no such overload: (\S+) (\+|-|\*|\/|%|==|!=|<=|>=|<|>) (\S+)$/.exec(msg);
  if (m && SCALARS.has(m[1]!) && SCALARS.has(m[3]!)) {
    const op = m[2]!;
    const code = stripStrings(rule);
    const end = checked.error.range?.end ?? rule.length;
    let at = code.indexOf(op, start);
    while (at >= 0 && at < end && (/[=!<>]/.test(code[at + op.length] ?? '') || (op.length === 1 && /[=!<>]/.test(code[at - 1] ?? '')))) at = code.indexOf(op, at + 1);
    return issue(rule, at >= 0 ? at : start, `found no matching overload for '${OPS[op]}' applied to '(${m[1]}, ${m[3]})'`);
  }
  return undefined;
}
