/**
 * The error boundary of the AWS front (shared/CONVENTIONS.md idea 8): anything thrown becomes an
 * {@link AwsError} (`toAwsError`), which `serializeError` writes in the protocol's own shape:
 * - rest-json: status, `x-amzn-ErrorType: Code`, body `{…context fields, "message": …}` — the
 *   modeled exception's members are all present, null when unset, as real EKS answers;
 * - JSON 1.1: `{"__type": "Code", "message": …}`;
 * - query: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`;
 * - EC2: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
 * The forms are those botocore's parsers read (RestJSONParser, BaseJSONParser, QueryParser, EC2QueryParser).
 */
import type { Logger } from '../../lib/logger.js';
import type { ProtocolName, ServiceModel } from '../models/types.js';
import { AwsError } from '../types.js';
import type { AwsHttpResponse } from './http.js';
import { queryErrorXml, xmlNamespace } from './query-xml.js';

/** Messages of errors the wire layer raises itself. */
export const ERRORS = {
  internal: 'We encountered an internal error. Please try again.',
  notImplemented: (op: string, service: string) => `The operation ${op} of service ${service} is not implemented by eksplane yet`,
  unknownService: (service: string, served: readonly string[]) => `The service ${service} is not served by eksplane (served: ${served.join(', ')})`,
  unknownOperation: (what: string) => `The operation ${what} is not known to this service`,
  invalidAction: (action: string) => `The action ${action} is not valid for this web service.`,
  missingAction: 'The request must contain the parameter Action.',
} as const;

/** The code of an unknown failure, per protocol (query services say InternalFailure, EC2 InternalError). */
function internalCode(protocol: ProtocolName): string {
  return protocol === 'ec2' ? 'InternalError' : 'InternalFailure';
}

/**
 * Turns anything thrown into an AwsError. AwsErrors pass through; anything else is a 500
 * `InternalFailure` (EC2: `InternalError`), logged with its stack — its text never reaches the client.
 */
export function toAwsError(err: unknown, protocol: ProtocolName, log?: Logger): AwsError {
  if (err instanceof AwsError) return err;
  log?.error({ err }, 'unhandled error in AWS request');
  return new AwsError(internalCode(protocol), ERRORS.internal, 500);
}

/** The wire code of an error: a query model's `error.code` for an exception shape named by `code`. */
function wireCode(model: ServiceModel | undefined, code: string): string {
  return model?.shapes[code]?.error?.code ?? code;
}

/**
 * Writes `err` in `protocol`'s error shape. `model` (when the service is known) supplies EKS's
 * context members and query wire codes; without it the generic form of the protocol is used.
 */
export function serializeError(protocol: ProtocolName, err: AwsError, requestId: string, model?: ServiceModel): AwsHttpResponse {
  switch (protocol) {
    case 'rest-json': {
      const body: Record<string, unknown> = {};
      const shape = model?.shapes[err.code];
      if (shape?.exception) for (const m of Object.keys(shape.members ?? {})) if (m !== 'message' && m !== 'Message') body[m] = err.fields[m] ?? null;
      Object.assign(body, err.fields, { message: err.message });
      return { status: err.status, headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': err.code }, body: JSON.stringify(body) };
    }
    case 'json': {
      const body = { __type: err.code, ...err.fields, message: err.message };
      const ct = `application/x-amz-json-${model?.metadata.jsonVersion ?? '1.1'}`;
      return { status: err.status, headers: { 'Content-Type': ct }, body: JSON.stringify(body) };
    }
    case 'query':
    case 'ec2': {
      const code = wireCode(model, err.code);
      const body = queryErrorXml(protocol, { code, message: err.message, type: err.type, fields: err.fields }, requestId, model && protocol === 'query' ? xmlNamespace(model) : undefined);
      return { status: err.status, headers: { 'Content-Type': 'text/xml' }, body };
    }
  }
}
