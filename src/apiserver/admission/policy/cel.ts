/**
 * CEL for admission (k8s.io/apiserver/pkg/admission/plugin/cel): expressions over `object`,
 * `oldObject`, `request`, `params`, `namespaceObject` and `variables`, with the Kubernetes CEL
 * libraries of apimachinery/crd/cel-library.ts. Compiled once per expression text. `authorizer`
 * is not provided: an expression using it fails to compile with a message saying so. Values are
 * turned into CEL values as for CRD rules (integers as int).
 */
import { Environment } from '@marcbachmann/cel-js';
import { registerKubernetesLibrary, UNSUPPORTED_FUNCTIONS } from '../../../apimachinery/crd/cel-library.js';
import { toCel } from '../../../apimachinery/crd/cel.js';

/** The variables an admission expression may use. */
export const ADMISSION_CEL_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables'] as const;

const env = registerKubernetesLibrary(
  ADMISSION_CEL_VARIABLES.reduce((e, v) => e.registerVariable(v, 'dyn'), new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false })),
);

type Program = (ctx: Record<string, unknown>) => unknown;

/** A compiled expression, or why it does not compile. */
export interface Compiled {
  program?: Program;
  type?: string;
  error?: string;
}

interface CelErrorLike {
  summary?: string;
  message?: string;
  range?: { start: number };
}

const stripStrings = (src: string): string => src.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');

/** cel-go's issue text: `ERROR: <input>:L:C: msg` plus the line and a caret. */
function issueText(src: string, err: CelErrorLike): string {
  const pos = Math.max(0, Math.min(err.range?.start ?? 0, src.length));
  const before = src.slice(0, pos).split('\n');
  const col = before[before.length - 1]!.length;
  const text = src.split('\n')[before.length - 1] ?? '';
  return `ERROR: <input>:${before.length}:${col + 1}: ${err.summary ?? err.message ?? 'invalid expression'}\n | ${text}\n | ${'.'.repeat(col)}^`;
}

const compiled = new Map<string, Compiled>();

/** Compiles (once) an admission expression. */
export function compile(src: string): Compiled {
  let c = compiled.get(src);
  if (c) return c;
  const code = stripStrings(src);
  if (/(^|[^\w.])authorizer\b/.test(code)) {
    c = { error: `ERROR: <input>: the authorizer variable (authorization checks from CEL) is not supported by eksplane` };
  } else {
    try {
      const parsed = env.parse(src);
      const checked = parsed.check();
      if (!checked.valid) {
        let text = issueText(src, checked.error as CelErrorLike);
        const missing = [...UNSUPPORTED_FUNCTIONS].filter((f) => new RegExp(`(^|[^\\w])${f}\\s*\\(|\\.${f}\\s*\\(`).test(code));
        if (missing.length) text += `\n(${missing.map((f) => `'${f}'`).join(', ')} of the Kubernetes CEL libraries is not supported by this server)`;
        c = { error: text };
      } else c = { program: parsed as Program, type: checked.type ?? 'dyn' };
    } catch (e) {
      c = { error: issueText(src, e as CelErrorLike) };
    }
  }
  compiled.set(src, c);
  return c;
}

/** An evaluation error's text, as cel-go words them (lower-case first letter). */
export function celErrorText(e: unknown): string {
  const s = (e as CelErrorLike).summary ?? (e as Error).message ?? String(e);
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A JSON value as CEL sees it (null for absent). */
export function celValue(v: unknown): unknown {
  return v === undefined ? null : toCel(v, undefined);
}

/** The outcome of one expression: its value, or the error text upstream reports. */
export type Outcome = { value: unknown } | { error: string };

/**
 * Evaluates `src` in `ctx`: compile failures are `compilation error: …`, runtime ones
 * `expression '<src>' resulted in error: …`, as upstream's CEL filter reports them.
 */
export function evaluate(src: string, ctx: Record<string, unknown>): Outcome {
  const c = compile(src);
  if (c.error) return { error: `compilation error: ${c.error}` };
  try {
    return { value: c.program!(ctx) };
  } catch (e) {
    return { error: `expression '${src}' resulted in error: ${celErrorText(e)}` };
  }
}

/** The result of matchConditions: all true (match), one false (no match), or errors (failure policy decides). */
export type ConditionsResult = { matches: boolean } | { error: string };

/**
 * matchconditions.Matcher: any condition false → no match (even if others failed); otherwise any
 * error → the errors, aggregated; otherwise a match.
 */
export function evaluateConditions(conditions: { name?: string; expression?: string }[] | undefined, ctx: Record<string, unknown>): ConditionsResult {
  const errors: string[] = [];
  for (const c of conditions ?? []) {
    const r = evaluate(c.expression ?? '', ctx);
    if ('error' in r) errors.push(r.error);
    else if (r.value === false) return { matches: false };
  }
  if (errors.length) return { error: errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]` };
  return { matches: true };
}
