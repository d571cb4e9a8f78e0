/**
 * resource.Quantity of k8s.io/apimachinery/pkg/api/resource: parsing `500m`, `1.5Gi`, `2e3`,
 * exact arithmetic, and the serialized form kube-apiserver writes back.
 *
 * A quantity is held exactly as `mantissa × 10^scale` (bigint mantissa), so unlike a float it
 * never drifts: 0.1 + 0.2 CPUs is exactly `300m`. Like upstream, values are rounded up (away
 * from zero) to nano units (scale ≥ -9), and BinarySI values are capped at 2^63-1.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** value = mantissa × 10^scale */
  readonly mantissa: bigint;
  readonly scale: number;
  /** The suffix family the value was written in; formatting keeps it. */
  readonly format: QuantityFormat;
  /**
   * The text the quantity was parsed from, when upstream would echo it verbatim instead of
   * re-rendering it (its fast path keeps e.g. "+1", "01", "1E3" or "1.500k" as written).
   */
  readonly original?: string;
}

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';

/** A quantity string that does not parse; the message is one of upstream's three. */
export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXP = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const SUFFIX_CHARS = 'eEinumkKMGTP';
const MAX_INT64 = 2n ** 63n - 1n;
const NANO = -9;

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** x / d rounded away from zero (d > 0). */
function divAway(x: bigint, d: bigint): bigint {
  const q = x / d;
  return q * d === x ? q : x < 0n ? q - 1n : q + 1n;
}

/** Rounds to nano precision the way ParseQuantity does (up, away from zero). */
function roundToNano(mantissa: bigint, scale: number): [bigint, number] {
  if (scale >= NANO || mantissa === 0n) return [mantissa, scale];
  const drop = NANO - scale;
  // Dropping more digits than the mantissa has leaves the smallest non-zero value.
  if (drop > abs(mantissa).toString().length) return [mantissa < 0n ? -1n : 1n, NANO];
  return [divAway(mantissa, pow10(drop)), NANO];
}

/** Scans sign, number and suffix as parseQuantityString does. */
function scan(s: string): { negative: boolean; num: string; denom: string; suffix: string; numText: string } {
  let pos = 0;
  const negative = s[0] === '-';
  if (s[0] === '-' || s[0] === '+') pos++;
  while (s[pos] === '0') pos++;
  if (pos >= s.length) return { negative, num: '0', denom: '', suffix: '', numText: '0' };
  let start = pos;
  while (isDigit(s[pos])) pos++;
  const num = s.slice(start, pos) || '0';
  let denom = '';
  if (s[pos] === '.') {
    start = ++pos;
    while (isDigit(s[pos])) pos++;
    denom = s.slice(start, pos);
  }
  const numText = s.slice(0, pos);
  const suffixStart = pos;
  while (pos < s.length && SUFFIX_CHARS.includes(s[pos]!)) pos++;
  if (s[pos] === '-' || s[pos] === '+') pos++;
  while (isDigit(s[pos])) pos++;
  if (pos < s.length) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  return { negative, num, denom, suffix: s.slice(suffixStart), numText };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (Math.abs(exponent) <= 2 ** 31 - 1) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw new QuantityParseError(QUANTITY_SUFFIX_ERROR);
}

/**
 * Whether upstream's int64 fast path would keep the input string as the serialized form: small
 * values already in a canonical-looking shape are echoed as written.
 */
function keepsOriginal(num: string, denom: string, exponent: number, base: 2 | 10): boolean {
  const shifted = num + denom;
  if (base === 2) {
    if (denom.length > 0) return false;
    const precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    if (precision < 0) return false;
    const value = BigInt(num);
    return value << BigInt(exponent) <= MAX_INT64 && (value & 7n) !== 0n;
  }
  if (18 - shifted.length < 0) return false;
  const scale = exponent - denom.length;
  return scale >= NANO && scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/**
 * Parses a quantity (a JSON number is read through String()). Throws QuantityParseError with
 * upstream's message: the regular-expression message for malformed text, the suffix message for
 * unknown suffixes such as `1ki` or `1MB`.
 */
export function parseQuantity(input: string | number): Quantity {
  const s = typeof input === 'number' ? String(input) : input;
  if (s === '') throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  if (s === '0') return { mantissa: 0n, scale: 0, format: 'DecimalSI' };
  const { negative, num, denom, suffix, numText } = scan(s);
  const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
  let format = parsedFormat;
  const digits = BigInt(num + denom);
  let mantissa = negative ? -digits : digits;
  let scale = -denom.length;
  if (base === 10) scale += exponent;
  else mantissa *= 2n ** BigInt(exponent);
  if (scale < NANO && !/\d/.test(numText)) throw new QuantityParseError(QUANTITY_NUMERIC_ERROR);
  [mantissa, scale] = roundToNano(mantissa, scale);
  if (format === 'BinarySI') {
    const v: Quantity = { mantissa, scale, format };
    if (abs(toScaledBigInt(v, 0)) > MAX_INT64) [mantissa, scale] = [negative ? -MAX_INT64 : MAX_INT64, 0];
    else if (mantissa !== 0n && toScaledBigInt(v, 0, 'floor') === 0n) format = 'DecimalSI'; // 0 < |v| < 1
  }
  const q: Quantity = { mantissa, scale, format };
  return keepsOriginal(num, denom, exponent, base) ? { ...q, original: s } : q;
}

/** True when parseQuantity accepts the string. */
export function isValidQuantity(s: string | number): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * value × 10^-scale as a bigint, rounded away from zero (upstream ScaledValue) or toward zero
 * ('floor' of the magnitude).
 */
export function toScaledBigInt(q: Quantity, scale: number, rounding: 'up' | 'floor' = 'up'): bigint {
  const shift = q.scale - scale;
  if (shift >= 0) return q.mantissa * pow10(shift);
  const d = pow10(-shift);
  return rounding === 'up' ? divAway(q.mantissa, d) : q.mantissa / d;
}

/** Value(): whole units rounded up (away from zero); e.g. `100m` → 1. */
export function quantityValue(q: Quantity): number {
  return Number(toScaledBigInt(q, 0));
}

/** MilliValue(): thousandths rounded up (away from zero); e.g. `1.5` → 1500, `1n` → 1. */
export function quantityMilliValue(q: Quantity): number {
  return Number(toScaledBigInt(q, -3));
}

/** An approximate float (AsApproximateFloat64); exactness is lost beyond 2^53. */
export function quantityToNumber(q: Quantity): number {
  return q.scale < 0 ? Number(q.mantissa) / 10 ** -q.scale : Number(q.mantissa) * 10 ** q.scale;
}

/** A quantity from an integer value and scale (NewScaledQuantity): `newQuantity(250, -3)` is 250m. */
export function newQuantity(value: number | bigint, scale = 0, format: QuantityFormat = 'DecimalSI'): Quantity {
  const [mantissa, s] = roundToNano(BigInt(value), scale);
  return { mantissa, scale: s, format };
}

/** A quantity of `milli` thousandths (NewMilliQuantity). */
export function quantityFromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return newQuantity(milli, -3, format);
}

function aligned(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const scale = Math.min(a.scale, b.scale);
  return [a.mantissa * pow10(a.scale - scale), b.mantissa * pow10(b.scale - scale), scale];
}

/** -1, 0 or 1 as a < b, a = b, a > b (Cmp). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a + b, exact, in a's format (Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, scale] = aligned(a, b);
  return { mantissa: x + y, scale, format: a.format };
}

/** a - b, exact, in a's format (Sub). */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return addQuantities(a, { ...b, mantissa: -b.mantissa });
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.mantissa === 0n;
}

/** Decimal canonical parts: an integer mantissa and an exponent that is a multiple of 3. */
function decimalParts(q: Quantity): [bigint, number] {
  let m = q.mantissa;
  let e = q.scale;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  while (e % 3 !== 0) {
    m *= 10n;
    e--;
  }
  return [m, e];
}

/**
 * The canonical form (CanonicalizeBytes): the largest suffix of the quantity's family that
 * leaves an integer, no fractional digits, no sign unless negative. `1000m` → `1`, `0.5` →
 * `500m`, `1024Mi` → `1Gi`, `1.5Gi` → `1536Mi`, `1.5k` → `1500`, `1e3` → `1e3`. BinarySI values
 * between -1024 and 1024 or with a fraction are written as DecimalSI (`0.5Ki` → `512`).
 * Deviation: DecimalSI values of 1000E and more keep the E suffix (upstream drops the suffix).
 */
export function canonicalQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const whole = toScaledBigInt(q, 0, 'floor');
    const exact = toScaledBigInt(q, 0) === whole;
    if (abs(whole) < 1024n || !exact) format = 'DecimalSI';
    else {
      let v = whole;
      let exp = 0;
      while (exp < 6 && v % 1024n === 0n) {
        v /= 1024n;
        exp++;
      }
      return `${v}${BINARY_BY_EXP[exp]}`;
    }
  }
  let [m, e] = decimalParts(q);
  if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
  if (e > 18) {
    m *= pow10(e - 18);
    e = 18;
  }
  return `${m}${DECIMAL_BY_EXP.get(e) ?? ''}`;
}

/** The serialized form kube-apiserver writes (String()): the kept original, else canonical. */
export function formatQuantity(q: Quantity): string {
  return q.original ?? canonicalQuantity(q);
}

/** parse then format: what a quantity sent to kube-apiserver reads back as. Throws like parse. */
export function canonicalizeQuantity(s: string | number): string {
  return formatQuantity(parseQuantity(s));
}
