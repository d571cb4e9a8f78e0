/**
 * Kubernetes API errors as a closed set of values that know their wire form: a `Status` object
 * with code, reason, message and details. Messages follow k8s.io/apimachinery/pkg/api/errors so
 * kubectl prints what users know ("Error from server (NotFound): pods \"x\" not found").
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The `Status` object (meta/v1) that every error reply carries. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string; resourceVersion?: string };
  status: 'Failure' | 'Success';
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** An error that is sent to the client as a `Status` with this code and reason. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    /** Extra metadata for the Status, e.g. a fresh continue token with 410 Expired. */
    readonly statusMetadata: Status['metadata'] = {},
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.statusMetadata,
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** What a resource is called in messages: `pods`, `deployments.apps`. */
export interface ResourceRef {
  group: string;
  resource: string;
}

const qualified = (r: ResourceRef) => (r.group ? `${r.resource}.${r.group}` : r.resource);

export function notFound(r: ResourceRef, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(r)} "${name}" not found`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

export function alreadyExists(r: ResourceRef, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

/** 409 for a stale resourceVersion (or failed precondition), with kube-apiserver's wording. */
export function conflict(r: ResourceRef, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`,
    { name, group: r.group || undefined, kind: r.resource },
  );
}

export const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

/** One field error, as field.Error in k8s.io/apimachinery/pkg/util/validation/field. */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid';
  field: string;
  /** Detail text; for Invalid it follows the value, e.g. `Invalid value: "X": must be ...`. */
  detail: string;
  value?: unknown;
}

/** Renders a field error the way field.Error.Error() does. */
export function fieldErrorText(e: FieldError): string {
  const v = (x: unknown) => (typeof x === 'string' ? JSON.stringify(x) : JSON.stringify(x) ?? String(x));
  switch (e.type) {
    case 'FieldValueRequired':
      return `${e.field}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueForbidden':
      return `${e.field}: Forbidden: ${e.detail}`;
    case 'FieldValueTooLong':
      return `${e.field}: Too long: ${e.detail}`;
    case 'FieldValueTooMany':
      return `${e.field}: Too many: ${e.detail}`;
    case 'FieldValueDuplicate':
      return `${e.field}: Duplicate value: ${v(e.value)}`;
    case 'FieldValueNotSupported':
      return `${e.field}: Unsupported value: ${v(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueTypeInvalid':
      return `${e.field}: Invalid value: ${v(e.value)}: ${e.detail}`;
    default:
      return `${e.field}: Invalid value: ${v(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

/** 422 Invalid: `Pod "x" is invalid: [a: Required value, b: Invalid value: ...]`. */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): StatusError {
  const texts = errs.map(fieldErrorText);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${joined}`, {
    name,
    group: group || undefined,
    kind,
    causes: errs.map((e, i) => ({ reason: e.type, message: texts[i]!.slice(e.field.length + 2), field: e.field })),
  });
}

export function badRequest(message: string, causes?: StatusCause[]): StatusError {
  return new StatusError(400, 'BadRequest', message, causes ? { causes } : undefined);
}

export function forbidden(message: string, details?: StatusDetails): StatusError {
  return new StatusError(403, 'Forbidden', message, details);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

/** 410 for a resourceVersion or continue token older than the retained history. */
export function expired(message: string, freshContinue?: string): StatusError {
  return new StatusError(410, 'Expired', message, undefined, freshContinue ? { continue: freshContinue } : {});
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Gone', message);
}

export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`, {
    causes: [{ reason: 'UnsupportedMediaType', message: contentType }],
  });
}

export function notAcceptable(message: string): StatusError {
  return new StatusError(406, 'NotAcceptable', message);
}

export function tooLarge(message = 'Request entity too large: limit is 3145728'): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', message);
}

export function tooManyRequests(message: string, retryAfterSeconds = 1): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', message);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', message);
}

/** Turns anything thrown into a Status error; unknown errors become 500 (the caller logs them). */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return internalError(err instanceof Error ? err.message : String(err));
}
