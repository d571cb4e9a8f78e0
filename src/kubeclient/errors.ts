/**
 * API errors as a client sees them: every non-2xx answer becomes a `KubeApiError` carrying the
 * `Status` object's code, reason and message, with predicates named as client-go's
 * `k8s.io/apimachinery/pkg/api/errors` (IsNotFound, IsConflict, IsGone …).
 */

/** The parts of a meta/v1 `Status` a client looks at. */
export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[]; retryAfterSeconds?: number };
}

/** A request the server answered with a non-2xx status (or an ERROR watch event). */
export class KubeApiError extends Error {
  constructor(
    /** HTTP status code (the Status `code`). */
    readonly code: number,
    /** The Status `reason` ('NotFound', 'Conflict', 'Expired' …), or '' when the body was not a Status. */
    readonly reason: string,
    message: string,
    /** The Status object as received, when there was one. */
    readonly status?: StatusBody,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  /** Builds the error from an HTTP status and whatever body came with it. */
  static from(httpStatus: number, body: unknown): KubeApiError {
    if (body && typeof body === 'object' && (body as StatusBody).kind === 'Status') {
      const st = body as StatusBody;
      return new KubeApiError(st.code || httpStatus, st.reason ?? '', st.message ?? `the server responded with status ${httpStatus}`, st);
    }
    const text = typeof body === 'string' ? body.trim() : '';
    return new KubeApiError(httpStatus, reasonFor(httpStatus), text || `the server responded with status ${httpStatus}`);
  }
}

/** The reason client-go infers for a bare HTTP status without a Status body. */
function reasonFor(code: number): string {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 409: return 'Conflict';
    case 410: return 'Gone';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return code >= 500 ? 'InternalError' : '';
  }
}

const hasCode = (err: unknown, code: number): boolean => err instanceof KubeApiError && err.code === code;

/** 404: the object (or the resource) does not exist. */
export const isNotFound = (err: unknown): boolean => hasCode(err, 404);
/** 409 Conflict: a stale resourceVersion or a failed precondition (not AlreadyExists). */
export const isConflict = (err: unknown): boolean => hasCode(err, 409) && (err as KubeApiError).reason !== 'AlreadyExists';
/** 409 AlreadyExists on create. */
export const isAlreadyExists = (err: unknown): boolean => hasCode(err, 409) && (err as KubeApiError).reason === 'AlreadyExists';
/** 410 Gone / Expired: a resourceVersion or continue token older than the server's history. */
export const isGone = (err: unknown): boolean => hasCode(err, 410);
/** 403 Forbidden (e.g. creating in a terminating namespace). */
export const isForbidden = (err: unknown): boolean => hasCode(err, 403);
/** 405: the resource does not support the verb. */
export const isMethodNotSupported = (err: unknown): boolean => hasCode(err, 405);
