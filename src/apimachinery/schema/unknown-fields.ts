/**
 * Unknown-field detection for built-in kinds, as kube-apiserver does it for
 * `fieldValidation=Strict|Warn`.
 *
 * Upstream decodes JSON bodies with sigs.k8s.io/json's strict mode, which records a
 * path for every object key that matches no (case-sensitive) field of the Go struct being
 * filled. The path is built from a stack where object keys are joined with `.` and list
 * elements append `[i]`, so the error reads
 * `strict decoding error: unknown field "spec.template.spec.containers[0].imagee"`.
 * Keys of maps (`labels`, `resources.limits`, ...) are path segments like struct fields.
 * Values decoded by custom unmarshallers (RawExtension, Quantity, IntOrString, Time,
 * FieldsV1) are never looked into. Upstream keeps at most 100 distinct errors.
 */
import { lookupField, messageFor, messageInfo, type FieldInfo, type GVK } from './types.js';

/** Upstream stops recording strict errors after this many (sigs.k8s.io/json). */
export const MAX_UNKNOWN_FIELDS = 100;

/**
 * The paths of all unknown fields in `obj`, a JSON object of the built-in kind `gvk`,
 * in document order, e.g. `['spec.foo', 'spec.template.spec.containers[0].imagee']`.
 * Returns [] for kinds the table does not know (CRDs are validated elsewhere) and
 * ignores values of the wrong JSON type (those are decoding errors, not unknown fields).
 */
export function findUnknownFields(gvk: GVK, obj: unknown): string[] {
  const message = messageFor(gvk);
  if (!message) return [];
  const out = new Set<string>();
  walkObject(message, obj, '', out);
  return [...out];
}

/**
 * The same walk for an object of any message of the table, named by its fully qualified
 * proto name (e.g. `k8s.io.api.core.v1.PodSpec`); `prefix` is prepended to every path.
 */
export function findUnknownFieldsOf(message: string, obj: unknown, prefix = ''): string[] {
  const out = new Set<string>();
  walkObject(message, obj, prefix, out);
  return [...out];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function walkObject(message: string, obj: unknown, path: string, out: Set<string>): void {
  if (!isObject(obj)) return;
  for (const [key, value] of Object.entries(obj)) {
    if (out.size >= MAX_UNKNOWN_FIELDS) return;
    const here = join(path, key);
    const field = lookupField(message, key);
    if (field) walkField(field, value, here, out);
    else out.add(here);
  }
}

function walkField(field: FieldInfo, value: unknown, path: string, out: Set<string>): void {
  if (field.scalar || field.unresolved || value === null) return;
  if (field.map) {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) walkValue(field.type, v, join(path, k), out);
    return;
  }
  if (field.repeated) {
    if (Array.isArray(value)) value.forEach((v, i) => walkValue(field.type, v, `${path}[${i}]`, out));
    return;
  }
  walkValue(field.type, value, path, out);
}

function walkValue(message: string, value: unknown, path: string, out: Set<string>): void {
  if (messageInfo(message)?.special) return;
  walkObject(message, value, path, out);
}
