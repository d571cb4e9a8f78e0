/**
 * `x-kubernetes-validations` rules, as apiextensions-apiserver's schema/cel: compiling every
 * rule and messageExpression of a schema when a CRD is written (errors worded as cel-go's
 * issues, `compilation failed: ERROR: <input>:1:9: …`), and evaluating them against a custom
 * object with `self` bound to the value at the rule's node (and `oldSelf` to the correlated old
 * value on updates: transition rules run only where an old value correlates), producing
 * upstream's field errors (`spec: Invalid value: "object": <message or failed rule: <rule>>`).
 *
 * The engine is @marcbachmann/cel-js with the Kubernetes libraries of cel-library.ts; `self` is
 * declared `dyn`, so a reference to a field the schema lacks is a runtime `no such key` error
 * rather than a compile error, and no cost budget is enforced.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { FieldError } from '../errors.js';
import { registerKubernetesLibrary, UNSUPPORTED_FUNCTIONS } from './cel-library.js';
import { duplicate, forbidden, invalid, required } from './field-errors.js';
import type { Structural } from './structural.js';
import type { ValidationRule } from './types.js';

const baseEnv = registerKubernetesLibrary(
  new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false }).registerVariable('self', 'dyn').registerVariable('oldSelf', 'dyn'),
);

type Program = (ctx: Record<string, unknown>) => unknown;

/** A compiled rule: its program, or the detail of why it does not compile. */
export interface CompiledRule {
  rule: ValidationRule;
  program?: Program;
  message?: Program;
  usesOldSelf: boolean;
  /** `compilation failed: …` or `cel expression must evaluate to a bool`. */
  error?: string;
  /** `messageExpression compilation failed: …`. */
  messageError?: string;
}

interface CelErrorLike {
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

/** cel-go's issue text: `ERROR: <input>:L:C: msg` with the source line and a caret. */
function issueText(src: string, err: CelErrorLike): string {
  const pos = Math.max(0, Math.min(err.range?.start ?? 0, src.length));
  const before = src.slice(0, pos).split('\n');
  const line = before.length;
  const col = before[before.length - 1]!.length;
  const text = src.split('\n')[line - 1] ?? '';
  const summary = err.summary ?? err.message ?? 'invalid expression';
  return `ERROR: <input>:${line}:${col + 1}: ${summary}\n | ${text}\n | ${'.'.repeat(col)}^`;
}

const stripStrings = (src: string): string => src.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');

/** Names of Kubernetes CEL functions this engine lacks that `src` calls. */
function unsupportedCalls(src: string): string[] {
  const code = stripStrings(src);
  return [...UNSUPPORTED_FUNCTIONS].filter((f) => new RegExp(`(^|[^\\w.])${f}\\s*\\(|\\.${f}\\s*\\(|(^|[^\\w.])${f}\\.\\w+\\s*\\(`).test(code));
}

function compileExpr(src: string): { program?: Program; type?: string; error?: string } {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = baseEnv.parse(src);
  } catch (e) {
    return { error: issueText(src, e as CelErrorLike) };
  }
  const checked = parsed.check();
  if (!checked.valid) {
    let text = issueText(src, checked.error as CelErrorLike);
    const missing = unsupportedCalls(src);
    if (missing.length) text += `\n(${missing.map((f) => `'${f}'`).join(', ')} of the Kubernetes CEL libraries is not supported by this server)`;
    return { error: text };
  }
  return { program: parsed as Program, type: checked.type ?? 'dyn' };
}

/** Compiles one rule and its messageExpression, as cel.Compile does for each rule of a schema node. */
export function compileRule(rule: ValidationRule): CompiledRule {
  const src = rule.rule ?? '';
  const out: CompiledRule = { rule, usesOldSelf: /\boldSelf\b/.test(stripStrings(src)) };
  if (!src.trim()) return out;
  const r = compileExpr(src);
  if (r.error) out.error = `compilation failed: ${r.error}`;
  else if (r.type !== 'bool' && r.type !== 'dyn') out.error = 'cel expression must evaluate to a bool';
  else out.program = r.program!;
  if (rule.messageExpression?.trim()) {
    const m = compileExpr(rule.messageExpression);
    if (m.error) out.messageError = `messageExpression compilation failed: ${m.error}`;
    else if (m.type !== 'string' && m.type !== 'dyn') out.messageError = 'must evaluate to a string';
    else out.message = m.program!;
  }
  return out;
}

const cache = new WeakMap<ValidationRule[], CompiledRule[]>();
function compiledFor(rules: ValidationRule[]): CompiledRule[] {
  let c = cache.get(rules);
  if (!c) cache.set(rules, (c = rules.map(compileRule)));
  return c;
}

/** The value CEL sees for `v` under schema `s`: integers as int (bigint), date-times as timestamps, the root's metadata cut to name/generateName. */
export function toCel(v: unknown, s: Structural | undefined, resourceRoot = false): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (s?.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === 'string') {
    if (s?.format === 'date-time' || s?.format === 'date') {
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? v : d;
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => toCel(x, s?.items));
  if (typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  const meta = resourceRoot || s?.embeddedResource;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (meta && k === 'metadata' && x && typeof x === 'object') {
      const m = x as Record<string, unknown>;
      out.metadata = Object.fromEntries(['name', 'generateName'].filter((n) => typeof m[n] === 'string').map((n) => [n, m[n]]));
      continue;
    }
    out[k] = toCel(x, s?.properties?.[k] ?? s?.additionalProperties?.schema);
  }
  return out;
}

function errorText(e: unknown): string {
  const s = (e as CelErrorLike).summary ?? (e as Error).message ?? String(e);
  return s.charAt(0).toLowerCase() + s.slice(1);
}

const ruleText = (r: ValidationRule): string => (r.message?.trim() ? r.message.trim() : (r.rule ?? '').trim());
const defaultMessage = (r: ValidationRule): string => (r.message?.trim() ? r.message.trim() : `failed rule: ${ruleText(r)}`);
const pathOrNil = (p: string): string => p || '<nil>';

function ruleError(path: string, type: string, detail: string, reason: string | undefined): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return forbidden(path, detail);
    case 'FieldValueRequired':
      return required(path, detail);
    case 'FieldValueDuplicate':
      return duplicate(path, type);
    default:
      return invalid(path, type, detail);
  }
}

function evalRules(s: Structural, obj: unknown, old: unknown, path: string, root: boolean, errs: FieldError[], transitionOnly: boolean): void {
  if (!s.validations.length) return;
  const self = toCel(obj, s, root);
  const ctx: Record<string, unknown> = { self };
  if (old !== undefined && old !== null) ctx.oldSelf = toCel(old, s, root);
  compiledFor(s.validations).forEach((c) => {
    const here = pathOrNil(path);
    if (c.error) return errs.push(invalid(here, s.type, `rule compile error: ${c.error}`));
    if (!c.program) return;
    if (c.usesOldSelf ? !('oldSelf' in ctx) : transitionOnly) return;
    let result: unknown;
    try {
      result = c.program(ctx);
    } catch (e) {
      const t = errorText(e);
      const detail = t.startsWith('no such overload')
        ? `'${t}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(c.rule)}`
        : `${t} evaluating rule: ${ruleText(c.rule)}`;
      return errs.push(invalid(here, s.type, detail));
    }
    if (result === true) return;
    let detail = defaultMessage(c.rule);
    if (c.message) {
      try {
        const m = c.message(ctx);
        if (typeof m === 'string' && m.trim() && !/[\r\n]/.test(m)) detail = m;
      } catch {
        // upstream logs the failure and falls back to the message
      }
    }
    const fp = c.rule.fieldPath?.trim().replace(/^\./, '');
    errs.push(ruleError(fp ? (path ? `${path}.${fp}` : fp) : here, s.type, detail, c.rule.reason));
  });
}

/** Old list items correlate with new ones only in `map` lists, by their key fields. */
function correlatedItem(s: Structural, oldList: unknown, item: unknown): unknown {
  if (s.listType !== 'map' || !Array.isArray(oldList) || !item || typeof item !== 'object') return undefined;
  const keys = s.listMapKeys ?? [];
  const it = item as Record<string, unknown>;
  return oldList.find((o) => o && typeof o === 'object' && keys.every((k) => (o as Record<string, unknown>)[k] === it[k]));
}

function walk(s: Structural, obj: unknown, old: unknown, path: string, root: boolean, errs: FieldError[], only: boolean): void {
  if (obj === null || obj === undefined) return;
  evalRules(s, obj, old, path, root, errs, only);
  if (Array.isArray(obj)) {
    if (!s.items) return;
    obj.forEach((x, i) => walk(s.items!, x, correlatedItem(s, old, x), `${path}[${i}]`, false, errs, only));
    return;
  }
  if (typeof obj !== 'object') return;
  const o = old && typeof old === 'object' && !Array.isArray(old) && s.mapType !== 'atomic' ? (old as Record<string, unknown>) : undefined;
  for (const [k, x] of Object.entries(obj as Record<string, unknown>)) {
    const prop = s.properties?.[k];
    if (prop) walk(prop, x, o?.[k], path ? `${path}.${k}` : k, false, errs, only);
    else if (s.additionalProperties?.schema) walk(s.additionalProperties.schema, x, o?.[k], `${path}[${k}]`, false, errs, only);
  }
}

/**
 * Evaluates every `x-kubernetes-validations` rule of `s` against `obj` (a whole custom object),
 * with `old` the stored object on updates. Rules at the root report the path `<nil>`, as
 * upstream's validator does. `transitionOnly` evaluates only the rules using oldSelf (for a
 * strategy whose create-time validation already ran the others on the same object).
 */
export function validateRules(s: Structural, obj: unknown, old?: unknown, transitionOnly = false): FieldError[] {
  const errs: FieldError[] = [];
  walk(s, obj, old, '', true, errs, transitionOnly);
  return errs;
}

/** Whether any node of `s` carries x-kubernetes-validations (so validation can be skipped cheaply). */
export function hasRules(s: Structural | undefined): boolean {
  if (!s) return false;
  if (s.validations.length) return true;
  return hasRules(s.items) || hasRules(s.additionalProperties?.schema) || Object.values(s.properties ?? {}).some(hasRules);
}
