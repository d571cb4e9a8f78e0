/**
 * Name, label, annotation and ObjectMeta validation with the exact messages of
 * k8s.io/apimachinery/pkg/util/validation and pkg/api/validation (Kubernetes 1.32 wording), so
 * that a 422 from us reads like one from kube-apiserver.
 *
 * The `is*` checks return a list of messages (empty = valid); the `validate*` functions return
 * FieldError lists for `invalid()` in errors.ts.
 */
import type { FieldError } from './errors.js';

// ---- message builders (util/validation) ----

/** `must be no more than N characters` (Go counts bytes; so do we). */
export const maxLenError = (n: number): string => `must be no more than ${n} characters`;
export const emptyError = (): string => 'must be non-empty';
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

/**
 * Upstream RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 're')`. The double
 * space before "or" is upstream's and kubectl users see it, so it is kept.
 */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`;
}

const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');
const anchored = (re: string): RegExp => new RegExp(`^(?:${re})$`);

// ---- formats (regexes as upstream writes them, since messages quote them) ----
const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const C_IDENTIFIER_FMT = '[A-Za-z_][A-Za-z0-9_]*';
const C_IDENTIFIER_MSG = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
const ENV_VAR_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const ENV_VAR_MSG = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_MAP_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

const qnameRe = anchored(QNAME_FMT);
const labelValueRe = anchored(LABEL_VALUE_FMT);
const dns1123LabelRe = anchored(DNS1123_LABEL_FMT);
const dns1123SubdomainRe = anchored(DNS1123_SUBDOMAIN_FMT);
const dns1035LabelRe = anchored(DNS1035_LABEL_FMT);
const cIdentifierRe = anchored(C_IDENTIFIER_FMT);
const envVarRe = anchored(ENV_VAR_FMT);
const configMapKeyRe = anchored(CONFIG_MAP_KEY_FMT);

// ---- string checks ----

/** RFC 1123 label (namespace names, most DNS-ish names): at most 63 chars of `[a-z0-9-]`. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain that is not a valid label (length already checked) must contain dots.
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** RFC 1123 subdomain (most object names): at most 253 chars, dot-separated labels. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** RFC 1035 label (Service names): like a 1123 label but must start with a letter. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/**
 * Qualified name (label keys, annotation keys, finalizers): `[prefix/]name`, prefix a DNS
 * subdomain, name at most 63 chars of `[A-Za-z0-9_.-]` starting and ending alphanumeric.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLen(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qnameRe.test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** Label value: empty, or at most 63 chars of `[A-Za-z0-9_.-]` starting and ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** C identifier (format only, no length limit). */
export function isCIdentifier(value: string): string[] {
  return cIdentifierRe.test(value) ? [] : [regexError(C_IDENTIFIER_MSG, C_IDENTIFIER_FMT, 'my_name', 'MY_NAME', 'MyName')];
}

function chDirPrefixErrors(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** Container env var name (the strict, pre-RelaxedEnvironmentVariableValidation rule). */
export function isEnvVarName(value: string): string[] {
  const errs = envVarRe.test(value) ? [] : [regexError(ENV_VAR_MSG, ENV_VAR_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1')];
  return errs.concat(chDirPrefixErrors(value));
}

/** ConfigMap / Secret data key. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 253) errs.push(maxLenError(253));
  if (!configMapKeyRe.test(value)) errs.push(regexError(CONFIG_MAP_KEY_MSG, CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  return errs.concat(chDirPrefixErrors(value));
}

/** IANA service (port) name: 1-15 chars of `[-a-z0-9]`, a letter, no `--`, no edge hyphen. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLen(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** A non-zero TCP/UDP port. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

// ---- name validators for ObjectMeta (api/validation/generic.go) ----

/** `(name, prefix) => messages`; prefix=true validates a generateName, which may end in '-'. */
export type NameValidator = (name: string, prefix: boolean) => string[];

// Upstream replaces the last two characters of a '-'-terminated prefix with 'a' (it slices
// len-2, not len-1); kept as is since it decides which generateNames pass.
const maskTrailingDash = (name: string): string =>
  name.length > 1 && name.endsWith('-') ? `${name.slice(0, name.length - 2)}a` : name;

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
/** Namespace names are DNS labels. */
export const validateNamespaceName: NameValidator = nameIsDNSLabel;

// ---- ObjectMeta ----

export interface OwnerReferenceInput {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean | null;
  blockOwnerDeletion?: boolean | null;
}

export interface ManagedFieldsEntryInput {
  manager?: string;
  operation?: string;
  fieldsType?: string;
  subresource?: string;
}

/** The ObjectMeta fields validation looks at, in their JSON wire form. */
export interface ObjectMetaInput {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  deletionGracePeriodSeconds?: number | null;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  ownerReferences?: OwnerReferenceInput[] | null;
  finalizers?: string[] | null;
  managedFields?: ManagedFieldsEntryInput[] | null;
}

export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';
/** Total bytes of annotation keys plus values (TotalAnnotationSizeLimitB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const inv = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

/** Label keys must be qualified names and values valid label values; errors name the map's path. */
export function validateLabels(labels: Record<string, string> | null | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(inv(path, k, m));
    for (const m of isValidLabelValue(v)) errs.push(inv(path, v, m));
  }
  return errs;
}

/** Annotation keys are qualified names compared case-insensitively; total size ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | null | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(inv(path, k, m));
    size += byteLen(k) + byteLen(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push({ type: 'FieldValueTooLong', field: path, value: '', detail: `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes` });
  }
  return errs;
}

/** Group and version of an apiVersion string, or undefined when it has more than one '/'. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/** Required owner fields, v1 Event banned as an owner, at most one `controller: true`. */
export function validateOwnerReferences(refs: OwnerReferenceInput[] | null | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    const gv = parseGroupVersion(ref.apiVersion ?? '') ?? { group: '', version: '' };
    const kind = ref.kind ?? '';
    if (!gv.version) errs.push(inv(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!kind) errs.push(inv(`${path}.kind`, kind, 'must not be empty'));
    if (!ref.name) errs.push(inv(`${path}.name`, ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(inv(`${path}.uid`, ref.uid ?? '', 'must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(inv(path, ref, `/v1, Kind=Event is disallowed from being an owner`));
    }
    if (ref.controller === true) {
      const cur = `${kind}/${ref.name ?? ''}`;
      if (firstController) {
        errs.push(
          inv(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`),
        );
      } else firstController = cur;
    }
  }
  return errs;
}

/** Finalizers are qualified names; `orphan` and `foregroundDeletion` exclude each other. */
export function validateFinalizers(finalizers: string[] | null | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) for (const m of isQualifiedName(f)) errs.push(inv(path, f, m));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(inv(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** managedFields entries: operation Apply|Update, fieldsType FieldsV1, printable manager ≤ 128. */
export function validateManagedFields(entries: ManagedFieldsEntryInput[] | null | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (e.operation !== 'Apply' && e.operation !== 'Update') errs.push(inv(`${p}.operation`, e.operation ?? '', 'must be `Apply` or `Update`'));
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') errs.push(inv(`${p}.fieldsType`, e.fieldsType, 'must be `FieldsV1`'));
    const manager = e.manager ?? '';
    if (byteLen(manager) > 128) errs.push({ type: 'FieldValueTooLong', field: `${p}.manager`, value: manager, detail: 'must have at most 128 bytes' });
    let pos = 0;
    for (const ch of manager) {
      if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) {
        const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        errs.push(inv(`${p}.manager`, manager, `invalid character U+${cp} (at position ${pos})`));
      }
      pos += byteLen(ch);
    }
    if ((e.subresource ?? '').length > 256) {
      errs.push({ type: 'FieldValueTooLong', field: `${p}.subresource`, value: e.subresource, detail: 'must have at most 256 bytes' });
    }
  });
  return errs;
}

export interface ObjectMetaOptions {
  /** Namespaced kinds require metadata.namespace; cluster-scoped kinds forbid it. */
  namespaced: boolean;
  /** The kind's name rule, e.g. nameIsDNSSubdomain (most kinds) or nameIsDNSLabel (Namespace). */
  nameValidator: NameValidator;
}

/**
 * Validates metadata on create, as ValidateObjectMetaAccessor: generateName (as a prefix), name
 * (required; call after generateName has been resolved), namespace per scope, generation ≥ 0,
 * labels, annotations, ownerReferences, finalizers, managedFields. Same order as upstream.
 */
export function validateObjectMeta(meta: ObjectMetaInput, opts: ObjectMetaOptions, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const m of opts.nameValidator(meta.generateName, true)) errs.push(inv(`${path}.generateName`, meta.generateName, m));
  }
  if (!meta.name) {
    errs.push({ type: 'FieldValueRequired', field: `${path}.name`, detail: 'name or generateName is required' });
  } else {
    for (const m of opts.nameValidator(meta.name, false)) errs.push(inv(`${path}.name`, meta.name, m));
  }
  if (opts.namespaced) {
    if (!meta.namespace) errs.push({ type: 'FieldValueRequired', field: `${path}.namespace`, detail: '' });
    else for (const m of validateNamespaceName(meta.namespace, false)) errs.push(inv(`${path}.namespace`, meta.namespace, m));
  } else if (meta.namespace) {
    errs.push({ type: 'FieldValueForbidden', field: `${path}.namespace`, detail: 'not allowed on this type' });
  }
  if ((meta.generation ?? 0) < 0) errs.push(inv(`${path}.generation`, meta.generation, IS_NEGATIVE));
  errs.push(
    ...validateLabels(meta.labels, `${path}.labels`),
    ...validateAnnotations(meta.annotations, `${path}.annotations`),
    ...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`),
    ...validateFinalizers(meta.finalizers, `${path}.finalizers`),
    ...validateManagedFields(meta.managedFields, `${path}.managedFields`),
  );
  return errs;
}

/** `field is immutable` when the values differ (null and absent count as equal). */
export function validateImmutableField(newVal: unknown, oldVal: unknown, field: string): FieldError[] {
  return (newVal ?? null) === (oldVal ?? null) ? [] : [inv(field, newVal, FIELD_IMMUTABLE)];
}

/** Once deletion has started, no finalizer may be added (removing is fine). */
export function validateNoNewFinalizers(newF: string[] | null | undefined, oldF: string[] | null | undefined, path: string): FieldError[] {
  const old = new Set(oldF ?? []);
  const extra = [...new Set((newF ?? []).filter((f) => !old.has(f)))].sort();
  if (extra.length === 0) return [];
  return [
    { type: 'FieldValueForbidden', field: path, detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((x) => JSON.stringify(x)).join(', ')}}` },
  ];
}

/**
 * Validates metadata on update, as ValidateObjectMetaAccessorUpdate: no new finalizers while
 * deleting, resourceVersion present (the registry fills it in for unconditional updates before
 * validating), generation not decremented, name/namespace/uid/creationTimestamp/
 * deletionTimestamp/deletionGracePeriodSeconds immutable, then labels, annotations,
 * ownerReferences and managedFields of the new object.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMetaInput, oldMeta: ObjectMetaInput, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (oldMeta.deletionTimestamp) errs.push(...validateNoNewFinalizers(newMeta.finalizers, oldMeta.finalizers, `${path}.finalizers`));
  if (!newMeta.resourceVersion) errs.push(inv(`${path}.resourceVersion`, newMeta.resourceVersion ?? '', 'must be specified for an update'));
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) errs.push(inv(`${path}.generation`, newMeta.generation ?? 0, 'must not be decremented'));
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    const n = newMeta[f];
    const o = oldMeta[f];
    // Absent strings are "" in Go, so "" and undefined compare equal.
    errs.push(...validateImmutableField(n === '' ? undefined : n, o === '' ? undefined : o, `${path}.${f}`));
  }
  errs.push(
    ...validateLabels(newMeta.labels, `${path}.labels`),
    ...validateAnnotations(newMeta.annotations, `${path}.annotations`),
    ...validateOwnerReferences(newMeta.ownerReferences, `${path}.ownerReferences`),
    ...validateManagedFields(newMeta.managedFields, `${path}.managedFields`),
  );
  return errs;
}
