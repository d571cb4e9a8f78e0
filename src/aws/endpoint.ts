/**
 * The AWS endpoint (default 127.0.0.1:4566): a thin node:http wrapper around the router
 * (./router.ts). It answers `/healthz`, buffers bodies (at most 16 MiB: larger ones get 413
 * without being kept) and hands every other request to the router.
 */
import http from 'node:http';
import { realClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import type { Store } from '../store/types.js';
import type { AwsHttpRequest } from './protocol/http.js';
import { createAwsRouter, type AwsRouter, type Authenticator, type Authorizer } from './router.js';
import type { AwsService } from './service.js';

const MAX_BODY = 16 * 1024 * 1024;

export interface AwsServerOptions {
  log: Logger;
  /** Services with handlers; every other served model answers 501s. */
  services?: readonly AwsService[];
  /** Default: any credentials are the root of 000000000000. */
  authenticate?: Authenticator;
  /** Default: allow everything. */
  authorize?: Authorizer;
  /** Default: the wall clock. */
  clock?: Clock;
  /** Where handlers keep state. Default: an in-memory store (tests, bare endpoints). */
  store?: Store;
  /** Region of unsigned requests (default us-east-1). */
  defaultRegion?: string;
}

/** An http.Server serving the AWS front; `router` is exposed for in-process callers. */
export function createAwsServer(opts: AwsServerOptions): http.Server & { router: AwsRouter } {
  const router = createAwsRouter({
    log: opts.log,
    clock: opts.clock ?? realClock,
    store: opts.store ?? new MemoryStore(),
    services: opts.services,
    authenticate: opts.authenticate,
    authorize: opts.authorize,
    defaultRegion: opts.defaultRegion,
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const path = q < 0 ? raw : raw.slice(0, q);
      if (path === '/healthz' || path === '/_eksplane/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
        return;
      }
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain' });
        res.end('request body too large');
        return;
      }
      const areq: AwsHttpRequest = { method: req.method ?? 'GET', path, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)), headers: req.headers, body: Buffer.concat(chunks) };
      router.handle(areq).then(
        (r) => {
          res.writeHead(r.status, { ...r.headers, 'Content-Length': Buffer.byteLength(r.body) });
          res.end(r.body);
        },
        (err: unknown) => {
          opts.log.error({ err }, 'AWS router failed');
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  return Object.assign(server, { router });
}
