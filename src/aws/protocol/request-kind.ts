/**
 * What an AWS request is before any service handles it: the service and region from the SigV4
 * credential scope (`Authorization: AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/eks/aws4_request`
 * or a presigned URL's `X-Amz-Credential`), and for unsigned requests a guess from the request's
 * form: `X-Amz-Target` prefix (JSON 1.1), `Action` + `Version` (query and EC2), else a rest-json path.
 */
import type { ProtocolName, ServiceModel } from '../models/types.js';
import { header, type AwsHttpRequest } from './http.js';
import { jsonTargetOperation } from './json.js';
import { queryParams } from './query-input.js';
import { matchRestJson } from './rest-json.js';

export interface AwsRequestKind {
  /** The signing name of the service (`eks`, `kms`, …); undefined when nothing identifies one. */
  service: string | undefined;
  /** The region of the credential scope, when signed. */
  region: string | undefined;
  /** The access key of the credential scope, when signed. */
  accessKeyId: string | undefined;
  /** The protocol the request's form suggests, for answering when the service is unknown. */
  looksLike: ProtocolName;
}

const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;
const QUERY_SCOPE = /^([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request$/;

/** Classifies `req` among `models` (keyed by signing name). */
export function classifyAwsRequest(req: AwsHttpRequest, models: Readonly<Record<string, ServiceModel>>): AwsRequestKind {
  const scope = SCOPE.exec(header(req, 'authorization') ?? '') ?? QUERY_SCOPE.exec(req.query.get('X-Amz-Credential') ?? '');
  const target = header(req, 'x-amz-target');
  const params = target ? undefined : queryParams(req);
  const looksLike: ProtocolName = target ? 'json' : params?.has('Action') ? (params.get('Version') === models.ec2?.metadata.apiVersion ? 'ec2' : 'query') : 'rest-json';
  if (scope) return { service: scope[3], region: scope[2], accessKeyId: scope[1], looksLike };
  return { service: guessService(req, models, looksLike, params), region: undefined, accessKeyId: undefined, looksLike };
}

function guessService(req: AwsHttpRequest, models: Readonly<Record<string, ServiceModel>>, looksLike: ProtocolName, params: Map<string, string> | undefined): string | undefined {
  for (const [name, m] of Object.entries(models)) {
    const p = m.metadata.protocol;
    if (looksLike === 'json' && p === 'json' && jsonTargetOperation(m, req)) return name;
    if ((looksLike === 'query' || looksLike === 'ec2') && (p === 'query' || p === 'ec2') && params?.get('Version') === m.metadata.apiVersion) return name;
    if (looksLike === 'rest-json' && p === 'rest-json' && matchRestJson(m, req)) return name;
  }
  return undefined;
}
