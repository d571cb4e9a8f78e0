/**
 * The JSON 1.1 protocol (KMS): `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON
 * body; responses are `application/x-amz-json-1.1` JSON with timestamps as epoch seconds, as
 * botocore's JSONSerializer / JSONParser expect.
 */
import { type OperationModel, type ServiceModel } from '../models/types.js';
import { AwsError } from '../types.js';
import { header, type AwsHttpRequest, type AwsHttpResponse } from './http.js';
import { decodeJson, encodeJson, parseJsonBody } from './json-values.js';
import type { Violation } from './validate.js';

/** The operation named by `X-Amz-Target` (`TrentService.CreateKey` → `CreateKey`), when the prefix is the model's. */
export function jsonTargetOperation(model: ServiceModel, req: Pick<AwsHttpRequest, 'headers'>): string | undefined {
  const target = header(req, 'x-amz-target');
  if (!target) return undefined;
  const dot = target.lastIndexOf('.');
  if (dot < 0 || target.slice(0, dot) !== model.metadata.targetPrefix) return undefined;
  return target.slice(dot + 1);
}

/** The content type of JSON 1.x requests and responses of `model`. */
export function jsonContentType(model: ServiceModel): string {
  return `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
}

/** Decodes the input of `op` from the body; throws `SerializationException` for a non-JSON or non-object body. */
export function parseJsonInput(model: ServiceModel, op: OperationModel, req: AwsHttpRequest, issues: Violation[]): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseJsonBody(req.body);
  } catch {
    throw new AwsError('SerializationException', 'Could not parse request body into json: the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected: the body must be a JSON object');
  }
  if (!op.input) return {};
  return (decodeJson(model, { shape: op.input }, body, issues) ?? {}) as Record<string, unknown>;
}

/** Serializes a handler's output as the JSON body of a 200. */
export function serializeJsonOutput(model: ServiceModel, op: OperationModel, output: Record<string, unknown>): AwsHttpResponse {
  const body = op.output ? encodeJson(model, { shape: op.output }, output) : {};
  return { status: 200, headers: { 'Content-Type': jsonContentType(model) }, body: JSON.stringify(body ?? {}) };
}
