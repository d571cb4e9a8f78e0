/**
 * What an AWS request is, before any service handles it: the service from the SigV4 credential
 * scope, the wire protocol (JSON 1.1 with X-Amz-Target, query with Action, or rest-json) and the
 * operation name where the protocol carries it.
 */
export type AwsProtocol = 'json' | 'query' | 'rest-json';

export interface AwsRequestKind {
  service: string | undefined;
  region: string | undefined;
  protocol: AwsProtocol;
  operation: string | undefined;
}

export function classifyAwsRequest(headers: Record<string, string | string[] | undefined>, body: string, query: URLSearchParams): AwsRequestKind {
  const auth = String(headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth) ?? /^[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request$/.exec(query.get('X-Amz-Credential') ?? '');
  const region = scope?.[1];
  const service = scope?.[2];
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return { service, region, protocol: 'json', operation: target.split('.').pop() };
  const type = String(headers['content-type'] ?? '');
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { service, region, protocol: 'query', operation: new URLSearchParams(body).get('Action') ?? undefined };
  }
  if (query.get('Action')) return { service, region, protocol: 'query', operation: query.get('Action') ?? undefined };
  return { service, region, protocol: 'rest-json', operation: undefined };
}
