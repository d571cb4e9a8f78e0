/**
 * The HTTP exchange as the AWS wire layer sees it: a buffered request and a response to write.
 * Kept free of node:http so parsers, serializers and the router can be driven directly in tests.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A buffered AWS request. `path` is the raw (still percent-encoded) path of the URL. */
export interface AwsHttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A response ready to be written. Header names are given in AWS's casing. */
export interface AwsHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A header's single value (the first one when repeated). */
export function header(req: Pick<AwsHttpRequest, 'headers'>, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
