/**
 * core/v1 configmaps, as pkg/apis/core/validation ValidateConfigMap / ValidateConfigMapUpdate:
 * keys are config keys, a key may not be in both `data` and `binaryData`, the whole payload is at
 * most 1 MiB, and an `immutable` configmap keeps its data forever. `binaryData` values must be
 * base64, else the request fails to decode (400) as upstream's JSON decoder makes it.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { isConfigMapKey } from '../../../apimachinery/validation.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { base64DecodedLength } from './base64.js';
import { decodeError, forbidden, invalid, tooLong } from './field-errors.js';

/** core.MaxSecretSize, the limit of configmap and secret payloads. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** The Forbidden detail for payload changes of an immutable configmap or secret. */
export const IMMUTABLE_DETAIL = 'field is immutable when `immutable` is set';

interface ConfigMap extends KObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** Errors of one key under `path` (`data`, `binaryData`): IsConfigMapKey messages at `path[key]`. */
export function keyErrors(path: string, key: string): FieldError[] {
  return isConfigMapKey(key).map((m) => invalid(`${path}[${key}]`, key, m));
}

/** The immutable-object rule shared with secrets: once `immutable` is true, it and the payload stay. */
export function immutablePayloadErrors(obj: { immutable?: boolean }, old: { immutable?: boolean }, fields: Record<string, [unknown, unknown]>): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_DETAIL));
  for (const [name, [now, before]] of Object.entries(fields)) if (!deepEqual(now ?? null, before ?? null)) errs.push(forbidden(name, IMMUTABLE_DETAIL));
  return errs;
}

/** The configMap strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const configMapStrategy = {
  defaults(cm) {
    for (const v of Object.values(cm.binaryData ?? {})) {
      const n = base64DecodedLength(String(v));
      if (typeof n === 'string') throw decodeError('ConfigMap', 'v1', n);
    }
  },
  validate(cm) {
    const errs: FieldError[] = [];
    let size = 0;
    for (const [k, v] of Object.entries(cm.data ?? {})) {
      errs.push(...keyErrors('data', k));
      if (cm.binaryData && k in cm.binaryData) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
      size += Buffer.byteLength(String(v), 'utf8');
    }
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
      errs.push(...keyErrors('binaryData', k));
      const n = base64DecodedLength(String(v));
      size += typeof n === 'number' ? n : 0;
    }
    if (size > MAX_PAYLOAD_BYTES) errs.push(tooLong('', MAX_PAYLOAD_BYTES));
    return errs;
  },
  validateUpdate(cm, old) {
    return immutablePayloadErrors(cm, old, { data: [cm.data, old.data], binaryData: [cm.binaryData, old.binaryData] });
  },
} satisfies ResourceStrategy<ConfigMap>;

/** The `configmaps` resource: table data plus its strategy. */
export const configmaps: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  printerColumns: [
    {
      name: 'Data',
      type: 'string',
      priority: 0,
      description: 'Data contains the configuration data.',
      cell: (o) => Object.keys((o as ConfigMap).data ?? {}).length + Object.keys((o as ConfigMap).binaryData ?? {}).length,
    },
  ],
  strategy: configMapStrategy as ResourceStrategy,
};
