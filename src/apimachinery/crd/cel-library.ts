/**
 * The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) that x-kubernetes-validations
 * rules may call, registered on a @marcbachmann/cel-js Environment: the list functions
 * (isSorted, sum, min, max, indexOf, lastIndexOf), regex find/findAll, the URL library, the
 * Quantity library, cel-go's string extensions the engine lacks (charAt, replace, reverse,
 * strings.quote) and the sets extension (sets.contains/equivalent/intersects). What the engine
 * provides itself (macros, has(), optionals, timestamps and durations, size, contains,
 * startsWith, endsWith, matches, lowerAscii, upperAscii, split, substring, trim, join, indexOf
 * on strings) is not repeated. The IP/CIDR and format libraries are not provided:
 * UNSUPPORTED_FUNCTIONS names them so compile errors can say so.
 */
import { EvaluationError, type Environment } from '@marcbachmann/cel-js';
import { addQuantities, compareQuantities, isValidQuantity, newQuantity, parseQuantity, quantityToNumber, subtractQuantities, type Quantity } from '../quantity.js';

/** Kubernetes CEL functions this engine does not provide, for clear compile errors. */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'ip',
  'isIP',
  'cidr',
  'isCIDR',
  'format',
  'authorizer',
  'semver',
  'isSemver',
  'base64',
  'math',
]);

const fail = (msg: string): never => {
  throw new EvaluationError(msg);
};

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return fail('no such overload');
}

const eq = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'object' && JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));

/** A parsed URL, as the `URL` type of the Kubernetes URL library. */
export class CelURL {
  constructor(readonly url: URL) {}
}

/** A Kubernetes resource.Quantity, as the `Quantity` type of the Kubernetes quantity library. */
export class CelQuantity {
  constructor(readonly q: Quantity) {}
}

class SetsNamespace {}
class StringsNamespace {}

function toRegExp(re: string): RegExp {
  try {
    return new RegExp(re, 'gu');
  } catch (e) {
    return fail(`error parsing regexp: ${(e as Error).message}`);
  }
}

function parseURL(s: string): URL | undefined {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(s) && !s.startsWith('/')) return undefined;
  try {
    return new URL(s, s.startsWith('/') ? 'relative:///' : undefined);
  } catch {
    return undefined;
  }
}

function quantityOf(s: string): Quantity {
  try {
    return parseQuantity(s);
  } catch (e) {
    return fail(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${(e as Error).message}`);
  }
}

function quoteString(s: string): string {
  return `"${s.replace(/[\\"\n\r\t\u0007\b\f\v]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' })[c]!)}"`;
}

/** Registers the Kubernetes CEL library functions on `env` (returns it). */
export function registerKubernetesLibrary(env: Environment): Environment {
  // lists
  env.registerFunction('list.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || compare(l[i - 1], x) <= 0));
  env.registerFunction('list.sum(): dyn', (l: unknown[]) => (l.length ? l.reduce((a, b) => (a as number) + (b as number)) : 0n));
  env.registerFunction('list.min(): dyn', (l: unknown[]) => (l.length ? l.reduce((a, b) => (compare(b, a) < 0 ? b : a)) : fail('min called on empty list')));
  env.registerFunction('list.max(): dyn', (l: unknown[]) => (l.length ? l.reduce((a, b) => (compare(b, a) > 0 ? b : a)) : fail('max called on empty list')));
  env.registerFunction('list.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => eq(x, y))));
  env.registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => {
    for (let i = l.length - 1; i >= 0; i--) if (eq(x, l[i])) return BigInt(i);
    return -1n;
  });
  // regex
  env.registerFunction('string.find(string): string', (s: string, re: string) => toRegExp(re).exec(s)?.[0] ?? '');
  env.registerFunction('string.findAll(string): list<string>', (s: string, re: string) => [...s.matchAll(toRegExp(re))].map((m) => m[0]));
  env.registerFunction('string.findAll(string, int): list<string>', (s: string, re: string, n: bigint) => {
    const all = [...s.matchAll(toRegExp(re))].map((m) => m[0]);
    return n < 0n ? all : all.slice(0, Number(n));
  });
  // strings extension (cel-go ext.Strings) beyond what the engine has
  env.registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
    const cps = [...s];
    if (i < 0n || i > BigInt(cps.length)) fail(`index out of range: ${i}`);
    return cps[Number(i)] ?? '';
  });
  env.registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b));
  env.registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
    if (n < 0n) return s.split(a).join(b);
    const parts = s.split(a);
    const k = Number(n);
    return parts.length - 1 <= k ? parts.join(b) : parts.slice(0, k + 1).join(b) + a + parts.slice(k + 1).join(a);
  });
  env.registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''));
  env.registerType('StringsNamespace', StringsNamespace);
  env.registerConstant('strings', 'StringsNamespace', new StringsNamespace());
  env.registerFunction('StringsNamespace.quote(string): string', (_n: unknown, s: string) => quoteString(s));
  // sets extension
  env.registerType('SetsNamespace', SetsNamespace);
  env.registerConstant('sets', 'SetsNamespace', new SetsNamespace());
  env.registerFunction('SetsNamespace.contains(list, list): bool', (_n: unknown, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => eq(x, y))));
  env.registerFunction('SetsNamespace.equivalent(list, list): bool', (_n: unknown, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => eq(x, y))) && a.every((x) => b.some((y) => eq(x, y))));
  env.registerFunction('SetsNamespace.intersects(list, list): bool', (_n: unknown, a: unknown[], b: unknown[]) => a.some((x) => b.some((y) => eq(x, y))));
  // URLs
  env.registerType('URL', CelURL);
  env.registerFunction('isURL(string): bool', (s: string) => parseURL(s) !== undefined);
  env.registerFunction('url(string): URL', (s: string) => {
    const u = parseURL(s);
    return u ? new CelURL(u) : fail(`URL parse error during conversion from string: parse "${s}": invalid URI for request`);
  });
  env.registerFunction('URL.getScheme(): string', (u: CelURL) => (u.url.protocol === 'relative:' ? '' : u.url.protocol.slice(0, -1)));
  env.registerFunction('URL.getHost(): string', (u: CelURL) => u.url.host);
  env.registerFunction('URL.getHostname(): string', (u: CelURL) => u.url.hostname.replace(/^\[|\]$/g, ''));
  env.registerFunction('URL.getPort(): string', (u: CelURL) => u.url.port);
  env.registerFunction('URL.getEscapedPath(): string', (u: CelURL) => u.url.pathname);
  env.registerFunction('URL.getQuery(): map<string, list<string>>', (u: CelURL) => {
    const out: Record<string, string[]> = {};
    for (const [k, v] of u.url.searchParams) (out[k] ??= []).push(v);
    return out;
  });
  // quantities
  env.registerType('Quantity', CelQuantity);
  env.registerFunction('isQuantity(string): bool', (s: string) => isValidQuantity(s));
  env.registerFunction('quantity(string): Quantity', (s: string) => new CelQuantity(quantityOf(s)));
  const num = (q: CelQuantity) => quantityToNumber(q.q);
  env.registerFunction('Quantity.sign(): int', (q: CelQuantity) => BigInt(Math.sign(num(q))));
  env.registerFunction('Quantity.isInteger(): bool', (q: CelQuantity) => Number.isSafeInteger(num(q)));
  env.registerFunction('Quantity.asInteger(): int', (q: CelQuantity) => (Number.isSafeInteger(num(q)) ? BigInt(num(q)) : fail('cannot convert value to integer')));
  env.registerFunction('Quantity.asApproximateFloat(): double', (q: CelQuantity) => num(q));
  env.registerFunction('Quantity.compareTo(Quantity): int', (a: CelQuantity, b: CelQuantity) => BigInt(compareQuantities(a.q, b.q)));
  env.registerFunction('Quantity.isGreaterThan(Quantity): bool', (a: CelQuantity, b: CelQuantity) => compareQuantities(a.q, b.q) > 0);
  env.registerFunction('Quantity.isLessThan(Quantity): bool', (a: CelQuantity, b: CelQuantity) => compareQuantities(a.q, b.q) < 0);
  env.registerFunction('Quantity.add(Quantity): Quantity', (a: CelQuantity, b: CelQuantity) => new CelQuantity(addQuantities(a.q, b.q)));
  env.registerFunction('Quantity.add(int): Quantity', (a: CelQuantity, b: bigint) => new CelQuantity(addQuantities(a.q, newQuantity(b))));
  env.registerFunction('Quantity.sub(Quantity): Quantity', (a: CelQuantity, b: CelQuantity) => new CelQuantity(subtractQuantities(a.q, b.q)));
  env.registerFunction('Quantity.sub(int): Quantity', (a: CelQuantity, b: bigint) => new CelQuantity(subtractQuantities(a.q, newQuantity(b))));
  return env;
}
