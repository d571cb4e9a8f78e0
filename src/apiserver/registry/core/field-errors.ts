/**
 * Builders for the field errors strategies return, with the constructors and wording of
 * k8s.io/apimachinery/pkg/util/validation/field (Required, Invalid, NotSupported, ...) and the
 * helpers of pkg/apis/core/validation every resource uses (ValidateNonnegativeField,
 * ValidateDNS1123Label, ValidateImmutableField). Field paths are plain strings as upstream prints
 * them: `spec.containers[0].image`, `data[tls.crt]`.
 */
import { badRequest, type FieldError, type StatusError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../apimachinery/validation.js';

/** field.Required: `path: Required value[: detail]`. */
export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });

/** field.Invalid: `path: Invalid value: <value>: detail`. */
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

/** field.Forbidden: `path: Forbidden: detail`. */
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });

/** field.Duplicate: `path: Duplicate value: <value>`. */
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value, detail: '' });

/** field.NotSupported: `path: Unsupported value: "x": supported values: "a", "b"`. */
export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  value,
  detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});

/** field.TooLong with a byte limit, as 1.32 words it: `Too long: must have at most N bytes`. */
export const tooLong = (field: string, max: number): FieldError => ({ type: 'FieldValueTooLong', field, detail: `must have at most ${max} ${max === 1 ? 'byte' : 'bytes'}` });

/**
 * A value that field errors print verbatim, for Go values upstream renders with `%#v`
 * (`map[string]string{"app":"x"}`, `v1.LabelSelector{...}`). fieldErrorText prints values through
 * JSON.stringify and falls back to String() when that yields nothing, which `toJSON` arranges.
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

const goQuote = (s: string): string => JSON.stringify(s);

/** `%#v` of a map[string]string: keys sorted, `map[string]string(nil)` when absent. */
export function goStringMap(m: Record<string, string> | null | undefined): string {
  if (m == null) return 'map[string]string(nil)';
  const body = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(m[k]!)}`)
    .join(', ');
  return `map[string]string{${body}}`;
}

interface SelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key?: string; operator?: string; values?: string[] | null }[] | null;
}

/** `%#v` of a metav1.LabelSelector, as in `spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable`. */
export function goLabelSelector(sel: SelectorLike | null | undefined): GoLiteral {
  if (sel == null) return new GoLiteral('null');
  const exprs = sel.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? '')}, Operator:${goQuote(e.operator ?? '')}, Values:${e.values ? `[]string{${e.values.map(goQuote).join(', ')}}` : '[]string(nil)'}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoLiteral(`v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`);
}

/** ValidateNonnegativeField: `Invalid value: -1: must be greater than or equal to 0`. */
export function nonNegative(field: string, value: number | null | undefined): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, IS_NEGATIVE)] : [];
}

/** ValidateImmutableField: `Invalid value: <new>: field is immutable` when the value changed. */
export function immutable(field: string, value: unknown, old: unknown, shown: unknown = value): FieldError[] {
  return deepEqual(value ?? null, old ?? null) ? [] : [invalid(field, shown, FIELD_IMMUTABLE)];
}

/** ValidateDNS1123Label: one Invalid per message. */
export const dns1123Label = (value: string, field: string): FieldError[] => isDNS1123Label(value).map((m) => invalid(field, value, m));

/** ValidateDNS1123Subdomain: one Invalid per message. */
export const dns1123Subdomain = (value: string, field: string): FieldError[] => isDNS1123Subdomain(value).map((m) => invalid(field, value, m));

/** ValidateQualifiedName: one Invalid per message. */
export const qualifiedName = (value: string, field: string): FieldError[] => isQualifiedName(value).map((m) => invalid(field, value, m));

/**
 * A 400 for a body that does not decode into the type, as the apiserver's transformDecodeError
 * words it: `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4`.
 */
export function decodeError(kind: string, version: string, cause: string): StatusError {
  return badRequest(`${kind} in version ${goQuote(version)} cannot be handled as a ${kind}: ${cause}`);
}
