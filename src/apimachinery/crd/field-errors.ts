/**
 * Field-error builders and field-path helpers for the CRD code, worded as
 * k8s.io/apimachinery/pkg/util/validation/field (Required, Invalid, Forbidden, NotSupported,
 * TooMany, TooLong, Duplicate) and its Path type (`properties[spec].items`, `x[0]`).
 */
import { fieldErrorText, type FieldError } from '../errors.js';

/** field.Required: `path: Required value[: detail]`. */
export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
/** field.Invalid: `path: Invalid value: <value>[: detail]`. */
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
/** field.TypeInvalid: printed like Invalid. */
export const typeInvalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field, value, detail });
/** field.Forbidden: `path: Forbidden: detail`. */
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
/** field.Duplicate: `path: Duplicate value: <value>`. */
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value, detail: '' });
/** field.NotSupported: `path: Unsupported value: <value>: supported values: "a", "b"`. */
export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  value,
  detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});
/** field.TooMany with the actual count (1.32: `Too many: 5: must have at most 3 items`). */
export function tooMany(field: string, actual: number, max: number): FieldError {
  const what = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return { type: 'FieldValueTooMany', field, detail: actual >= 0 ? `${actual}: ${what}` : what };
}
/** field.TooLong with a byte limit (1.32: `Too long: must have at most N bytes`). */
export const tooLong = (field: string, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  detail: max >= 0 ? `must have at most ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long',
});

/** Path.Child: `a.b` ('' parent gives the bare name). */
export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
/** Path.Key: `a[k]`. */
export const key = (path: string, k: string): string => `${path}[${k}]`;
/** Path.Index: `a[0]`. */
export const index = (path: string, i: number): string => `${path}[${i}]`;

/**
 * A value printed verbatim in field errors, for Go values upstream renders with `%#v`
 * (`apiextensions.ValidationRule{Rule:"…", …}`). fieldErrorText prints values through
 * JSON.stringify and falls back to String() when that yields nothing, which toJSON arranges.
 */
export class GoLiteral {
  constructor(readonly text: string) {}
  toJSON(): undefined {
    return undefined;
  }
  toString(): string {
    return this.text;
  }
}

/** `%#v` of an apiextensions.ValidationRule, as CRD validation errors print a rule. */
export function goValidationRule(r: { rule?: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string; optionalOldSelf?: boolean }): GoLiteral {
  const q = (s: string | undefined) => JSON.stringify(s ?? '');
  const ptr = (t: string, v: unknown) => (v === undefined ? `(*${t})(nil)` : `(*${t})(0xc000a1b2c0)`);
  return new GoLiteral(
    `apiextensions.ValidationRule{Rule:${q(r.rule)}, Message:${q(r.message)}, MessageExpression:${q(r.messageExpression)}, Reason:${ptr('apiextensions.FieldValueErrorReason', r.reason)}, FieldPath:${q(r.fieldPath)}, OptionalOldSelf:${ptr('bool', r.optionalOldSelf)}}`,
  );
}

/** `%#v` of a decoded JSON value (`map[string]interface {}{"name":"a"}`, `[]interface {}{1, "x"}`). */
export function goJSON(v: unknown): GoLiteral {
  const go = (x: unknown): string => {
    if (x === null || x === undefined) return 'interface {}(nil)';
    if (typeof x === 'string') return JSON.stringify(x);
    if (typeof x !== 'object') return String(x);
    if (Array.isArray(x)) return `[]interface {}{${x.map(go).join(', ')}}`;
    return `map[string]interface {}{${Object.entries(x).map(([k, y]) => `${JSON.stringify(k)}:${go(y)}`).join(', ')}}`;
  };
  return new GoLiteral(go(v));
}

/** `%#v` of a []string (`[]string{"a", "b"}`, `[]string(nil)`). */
export function goStrings(v: readonly string[] | undefined): GoLiteral {
  return new GoLiteral(v?.length ? `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}` : '[]string(nil)');
}

/** Sorts errors by their printed text, as ValidateStructural does (its inputs are Go maps). */
export function sortByText(errs: FieldError[]): FieldError[] {
  return errs
    .map((e) => [fieldErrorText(e), e] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, e]) => e);
}
