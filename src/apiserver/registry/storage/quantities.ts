/**
 * Quantity checks of pkg/apis/core/validation that storage, quota and limit-range resources share:
 * ValidateNonnegativeQuantity, ValidatePositiveQuantityValue, the integer rule of countable
 * resources, and a safe parse for printers (a stored quantity is canonical, but a printer must
 * never throw).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { formatQuantity, parseQuantity, type Quantity } from '../../../apimachinery/quantity.js';
import { invalid } from '../core/field-errors.js';

/** The quantity, or undefined when it does not parse. */
export function tryQuantity(v: string | number | undefined | null): Quantity | undefined {
  if (v == null) return undefined;
  try {
    return parseQuantity(v);
  } catch {
    return undefined;
  }
}

/** Quantity.String() of a stored value: its canonical text, `0` when absent. */
export function quantityText(v: string | number | undefined | null): string {
  const q = tryQuantity(v);
  return q ? formatQuantity(q) : '0';
}

/** ValidateNonnegativeQuantity. */
export function nonNegativeQuantity(v: string | number, path: string): FieldError[] {
  const q = tryQuantity(v);
  return q && q.mantissa < 0n ? [invalid(path, formatQuantity(q), 'must be greater than or equal to 0')] : [];
}

/** ValidatePositiveQuantityValue. */
export function positiveQuantity(v: string | number, path: string): FieldError[] {
  const q = tryQuantity(v);
  return q && q.mantissa <= 0n ? [invalid(path, formatQuantity(q), 'must be greater than zero')] : [];
}

/** The integer rule of countable resources (`must be an integer`). */
export function integerQuantity(v: string | number, path: string): FieldError[] {
  const q = tryQuantity(v);
  if (!q || q.scale >= 0) return [];
  return q.mantissa % 10n ** BigInt(-q.scale) === 0n ? [] : [invalid(path, formatQuantity(q), 'must be an integer')];
}
