/**
 * core/v1 secrets: type defaults to Opaque, `stringData` is merged into `data` (base64) and never
 * stored, as the v1 conversion does; `data` values must be base64 (else a 400 decode error);
 * ValidateSecret's key, size and per-type rules (tls, dockercfg, dockerconfigjson, basic-auth,
 * ssh-auth, service-account-token); type and `immutable` payloads cannot change.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { field } from '../define.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { base64DecodedLength, decodeBase64, encodeBase64 } from './base64.js';
import { immutablePayloadErrors, keyErrors, MAX_PAYLOAD_BYTES } from './configmaps.js';
import { decodeError, immutable, invalid, required, tooLong } from './field-errors.js';

interface Secret extends KObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

const REDACTED = '<secret contents redacted>';

/** The message Go's json.Unmarshal gives for a dockercfg that is not a JSON object, or undefined. */
function jsonObjectError(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    const first = text.trimStart()[0];
    return first === undefined ? 'unexpected end of JSON input' : `invalid character '${first}' looking for beginning of value`;
  }
  if (v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    const what = Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'number';
    return `json: cannot unmarshal ${what} into Go value of type map[string]interface {}`;
  }
  return undefined;
}

function typeErrors(s: Secret): FieldError[] {
  const data = s.data ?? {};
  const has = (k: string) => Object.hasOwn(data, k);
  const jsonKey = (k: string): FieldError[] => {
    if (!has(k)) return [required(`data[${k}]`)];
    const err = jsonObjectError(decodeBase64(data[k]!));
    return err ? [invalid(`data[${k}]`, REDACTED, err)] : [];
  };
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      return s.metadata?.annotations?.['kubernetes.io/service-account.name'] ? [] : [required('metadata.annotations[kubernetes.io/service-account.name]')];
    case 'kubernetes.io/dockercfg':
      return jsonKey('.dockercfg');
    case 'kubernetes.io/dockerconfigjson':
      return jsonKey('.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [required('data[username]'), required('data[password]')];
    case 'kubernetes.io/ssh-auth':
      return data['ssh-privatekey'] ? [] : [required('data[ssh-privatekey]')];
    case 'kubernetes.io/tls':
      return [...(has('tls.crt') ? [] : [required('data[tls.crt]')]), ...(has('tls.key') ? [] : [required('data[tls.key]')])];
    default:
      return [];
  }
}

/** The secret strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const secretStrategy = {
  defaults(s) {
    s.type ||= 'Opaque';
    for (const v of Object.values(s.data ?? {})) {
      const n = base64DecodedLength(String(v));
      if (typeof n === 'string') throw decodeError('Secret', 'v1', n);
    }
    if (s.stringData) {
      const entries = Object.entries(s.stringData);
      if (entries.length) s.data ??= {};
      for (const [k, v] of entries) s.data![k] = encodeBase64(String(v));
      delete s.stringData;
    }
  },
  validate(s) {
    const errs: FieldError[] = [];
    let size = 0;
    for (const [k, v] of Object.entries(s.data ?? {})) {
      errs.push(...keyErrors('data', k));
      const n = base64DecodedLength(String(v));
      size += typeof n === 'number' ? n : 0;
    }
    if (size > MAX_PAYLOAD_BYTES) errs.push(tooLong('data', MAX_PAYLOAD_BYTES));
    errs.push(...typeErrors(s));
    return errs;
  },
  validateUpdate(s, old) {
    return [...immutable('type', s.type, old.type), ...immutablePayloadErrors(s, old, { data: [s.data, old.data] })];
  },
} satisfies ResourceStrategy<Secret>;

/** The `secrets` resource: table data plus its strategy. */
export const secrets: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  selectableFields: { type: field('type') },
  printerColumns: [
    { name: 'Type', type: 'string', priority: 0, description: 'Used to facilitate programmatic handling of secret data.', cell: (o) => (o as Secret).type ?? '' },
    { name: 'Data', type: 'string', priority: 0, description: 'Data contains the secret data.', cell: (o) => Object.keys((o as Secret).data ?? {}).length },
  ],
  strategy: secretStrategy as ResourceStrategy,
};
