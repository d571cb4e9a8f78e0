/**
 * The HTTPS front of an API server: TLS with the cluster's serving certificate, client
 * certificates verified against the cluster CA (CN = user, O = groups, as kube-apiserver's x509
 * authenticator), then the transport-neutral ApiServer. Watches are written as chunked streams,
 * flushed per event.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parseClientCertIdentity } from '../../lib/pki.js';
import type { Logger } from '../../lib/logger.js';
import { unauthorized, tooLarge } from '../../apimachinery/errors.js';
import type { ApiServer } from '../api-server.js';
import { MAX_BODY_BYTES } from '../endpoints/codec.js';
import type { ApiRequest, ApiResponse, UserInfo } from '../endpoints/types.js';

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  caPem: string;
}

/** Paths anyone may read, as upstream's system:public-info-viewer role. */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);
/** A watch consumer this far behind is dropped; it re-watches from its last resourceVersion. */
const MAX_PENDING_BYTES = 32 * 1024 * 1024;

export interface HttpsServerOptions {
  api: ApiServer;
  tls: TlsMaterial;
  log: Logger;
  /** Extra authenticators (bearer tokens …), tried when there is no valid client certificate. */
  authenticate?: (req: IncomingMessage) => Promise<UserInfo | undefined>;
  /** Paths served to anyone before authentication (the OIDC discovery documents). */
  publicHandler?: (method: string, path: string) => ApiResponse | undefined;
}

export function createHttpsServer(opts: HttpsServerOptions): https.Server {
  const server = https.createServer(
    { cert: opts.tls.certPem, key: opts.tls.keyPem, ca: opts.tls.caPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      serve(opts, req, res).catch((err) => {
        opts.log.error({ err }, 'unhandled error serving a request');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end();
      });
    },
  );
  server.keepAliveTimeout = 65_000;
  return server;
}

async function serve(opts: HttpsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const open = opts.publicHandler?.(req.method ?? 'GET', url.pathname);
  if (open) {
    drain(req);
    return write(res, open);
  }
  const user = await identify(opts, req);
  if (!user && !PUBLIC_PATHS.has(url.pathname)) {
    drain(req);
    return write(res, await Promise.resolve({ status: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify(unauthorized().toStatus()) }));
  }
  let body: Buffer | undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    body = await readBody(req).catch(() => undefined);
    if (body === undefined) return write(res, { status: 413, headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify(tooLarge().toStatus()) });
  }
  const apiReq: ApiRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers as Record<string, string | undefined>,
    body,
    user: user ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] },
    signal: abort.signal,
  };
  const out = await opts.api.handle(apiReq);
  await write(res, out, abort.signal);
}

async function identify(opts: HttpsServerOptions, req: IncomingMessage): Promise<UserInfo | undefined> {
  const sock = req.socket as TLSSocket;
  if (sock.authorized) {
    const id = parseClientCertIdentity(sock.getPeerCertificate());
    if (id) return { name: id.user, groups: [...id.groups, 'system:authenticated'] };
  }
  const other = await opts.authenticate?.(req);
  return other;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        reject(new Error('too large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage): void {
  req.resume();
}

async function write(res: ServerResponse, out: ApiResponse, signal?: AbortSignal): Promise<void> {
  const { body } = out;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(out.status, { ...out.headers, 'content-type': body.contentType, 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  await body.run((chunk) => {
    if (res.destroyed) return false;
    res.write(chunk);
    return res.writableLength < MAX_PENDING_BYTES;
  }, signal ?? new AbortController().signal);
  if (!res.destroyed) res.end();
}
