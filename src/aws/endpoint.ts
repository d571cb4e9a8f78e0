/**
 * The AWS endpoint (default 127.0.0.1:4566): `/healthz`, and every AWS request routed by its
 * SigV4 service and protocol. Services register handlers in `services`; a request no service
 * handles gets the protocol's own error shape with HTTP 501, naming the operation — never a 404
 * page or a hang.
 */
import http from 'node:http';
import type { Logger } from '../lib/logger.js';
import { classifyAwsRequest, type AwsRequestKind } from './protocol/request-kind.js';

const MAX_BODY = 16 * 1024 * 1024;

export function createAwsServer(opts: { log: Logger }): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/healthz' || url.pathname === '/_eksplane/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
        return;
      }
      const kind = classifyAwsRequest(req.headers, Buffer.concat(chunks).toString('utf8'), url.searchParams);
      opts.log.debug({ op: kind.operation, service: kind.service }, 'AWS operation not implemented');
      notImplemented(res, kind, `${req.method} ${url.pathname}`);
    });
  });
}

function notImplemented(res: http.ServerResponse, k: AwsRequestKind, route: string): void {
  const op = k.operation ?? route;
  const message = `The operation ${op} of service ${k.service ?? 'unknown'} is not implemented by eksplane yet`;
  const requestId = crypto.randomUUID();
  if (k.protocol === 'query') {
    res.writeHead(501, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    return;
  }
  res.writeHead(501, { 'content-type': k.protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json', 'x-amzn-errortype': 'NotImplemented', 'x-amzn-requestid': requestId });
  res.end(JSON.stringify({ __type: 'NotImplemented', message }));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
