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
import { isListBody, type ApiListBody, type ApiRequest, type ApiResponse, type UserInfo } from '../endpoints/types.js';

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  caPem: string;
}

/** Paths anyone may read, as upstream's system:public-info-viewer role. */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);
/** A watch consumer this far behind is dropped; it re-watches from its last resourceVersion. */
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
/** Bodies above this many characters are sent chunked, in slices of it (see writeSliced). */
const SLICE_CHARS = 1 << 20;
/** How many slices of a large body may wait on the socket (see writeSliced). */
const SLICES_IN_FLIGHT = 16;
/** A list in parts is UTF-8 encoded into Buffers of about this size, each one HTTP chunk. */
const LIST_BATCH_BYTES = 1 << 20;
/** A list not held up by its socket yields to the event loop after this many batches. */
const LIST_BATCHES_PER_YIELD = 8;
/** A list waits for the socket to drain once this much is queued on it. */
const LIST_PENDING_BYTES = 8 * 1024 * 1024;
/** Stream chunks at least this long are UTF-8 encoded once per tick, however many streams get them. */
const SHARED_CHUNK_CHARS = 512;

export interface HttpsServerOptions {
  api: ApiServer;
  tls: TlsMaterial;
  log: Logger;
  /** Extra authenticators (bearer tokens …), tried when there is no valid client certificate. */
  authenticate?: (req: IncomingMessage) => Promise<UserInfo | undefined>;
  /**
   * Paths served to anyone before authentication (the OIDC discovery documents); a promise when
   * the answer is not ready yet (a signing key made on first use).
   */
  publicHandler?: (method: string, path: string) => ApiResponse | Promise<ApiResponse | undefined> | undefined;
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
  // 'close' follows every response; only one that did not finish means the client went away
  // (aborting after each normal response would build a DOMException per request).
  res.on('close', () => res.writableFinished || abort.abort());
  const pending = opts.publicHandler?.(req.method ?? 'GET', url.pathname);
  const open = pending instanceof Promise ? await pending : pending;
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
    listParts: true,
  };
  const out = await opts.api.handle(apiReq);
  await write(res, out, abort.signal);
}

/**
 * The client certificate's identity per connection: a TLS connection's peer certificate cannot
 * change, and turning it into a JS object on every request was a tenth of the server's CPU.
 */
const certIdentities = new WeakMap<TLSSocket, UserInfo | null>();

async function identify(opts: HttpsServerOptions, req: IncomingMessage): Promise<UserInfo | undefined> {
  const sock = req.socket as TLSSocket;
  let user = certIdentities.get(sock);
  if (user === undefined) {
    const id = sock.authorized ? parseClientCertIdentity(sock.getPeerCertificate()) : undefined;
    user = id ? { name: id.user, groups: [...id.groups, 'system:authenticated'] } : null;
    certIdentities.set(sock, user);
  }
  if (user) return { ...user, groups: [...user.groups] };
  return opts.authenticate?.(req);
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
  if (isListBody(body)) return writeList(res, out.status, out.headers, body);
  if (typeof body === 'string' && body.length > SLICE_CHARS) return writeSliced(res, out.status, out.headers, body);
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(out.status, { ...out.headers, 'content-type': body.contentType, 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  // Chunks go to the socket already framed (`<hex size>\r\n…\r\n`), one write each: a watch
  // event's framed bytes are then the same Buffer for every watcher (see framedChunk), and the
  // response's own chunking (three writes and a cork per chunk) is skipped. res.end() still writes
  // the last chunk, since the response is in chunked mode.
  // A response queued behind another on a pipelined connection has no socket yet: it goes
  // through res.write, which keeps the order.
  const sock = res.socket;
  await body.run((chunk) => {
    if (res.destroyed || sock?.destroyed) return false;
    if (!chunk.length) return true;
    if (sock) sock.write(chunk.length >= SHARED_CHUNK_CHARS ? sharedChunk(chunk) : framedChunk(chunk));
    else res.write(chunk);
    return res.writableLength < MAX_PENDING_BYTES;
  }, signal ?? new AbortController().signal);
  if (!res.destroyed) res.end();
}

/**
 * Sends a large body (an unpaged list of 100k pods is ~450 MB) chunked, in slices: the client
 * reads while the rest is encoded and encrypted, as kube-apiserver's streaming list encoding
 * (KEP-5116). Up to SLICES_IN_FLIGHT slices stay queued on the socket, so the connection keeps
 * flowing while the event loop serves other work (a controller's relist) between two slices, and
 * the server never holds more than those slices of encrypted bytes.
 */
async function writeSliced(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string): Promise<void> {
  res.writeHead(status, { ...headers, 'transfer-encoding': 'chunked' });
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  const inFlight: Promise<unknown>[] = [];
  for (let at = 0; at < body.length && !res.destroyed; ) {
    let end = Math.min(body.length, at + SLICE_CHARS);
    const last = body.charCodeAt(end - 1);
    if (end < body.length && last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
    const slice = body.slice(at, end);
    at = end;
    inFlight.push(Promise.race([closed, new Promise<void>((resolve) => res.write(slice, () => resolve()))]));
    if (inFlight.length >= SLICES_IN_FLIGHT) await inFlight.shift();
  }
  if (!res.destroyed) res.end();
}

/**
 * Streams a collection in parts (an unpaged list of 100k pods, a Table): the cached items' JSON is
 * UTF-8 encoded straight into ~1 MiB Buffers, each written as one chunk, and no string of the
 * whole body is ever built (as kube-apiserver's streaming list encoding, KEP-5116). Writing waits
 * for the socket to drain whenever LIST_PENDING_BYTES are queued, so a slow reader holds at most
 * that much encrypted output, and yields to the event loop between batches, so other requests
 * (and watch fan-out) are served while a large list is being written.
 */
async function writeList(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: ApiListBody): Promise<void> {
  res.writeHead(status, { ...headers, 'content-type': body.contentType, 'transfer-encoding': 'chunked' });
  let buf = Buffer.allocUnsafe(LIST_BATCH_BYTES);
  let at = 0;
  let batches = 0;
  const flush = async (): Promise<void> => {
    if (at > 0) res.write(buf.subarray(0, at));
    buf = Buffer.allocUnsafe(LIST_BATCH_BYTES);
    at = 0;
    if (res.writableLength >= LIST_PENDING_BYTES) await drained(res);
    else if (++batches % LIST_BATCHES_PER_YIELD === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  // A UTF-16 code unit is at most 3 UTF-8 bytes: a string of n units always fits in 3n bytes.
  // The per-item path stays synchronous; only a full batch awaits.
  const put = (s: string, sep: boolean): void => {
    if (sep) buf[at++] = 0x2c; // ','
    if (at + s.length * 3 <= buf.length) at += buf.write(s, at);
    else {
      // An item larger than a batch goes out on its own.
      if (at > 0) res.write(buf.subarray(0, at));
      res.write(s);
      buf = Buffer.allocUnsafe(LIST_BATCH_BYTES);
      at = 0;
    }
  };
  put(body.head, false);
  const { items } = body;
  for (let i = 0; i < items.length && !res.destroyed; i++) {
    const s = items[i]!;
    if (at + 1 + s.length * 3 > buf.length) await flush();
    put(s, i > 0);
  }
  if (at + body.tail.length * 3 > buf.length) await flush();
  put(body.tail, false);
  if (!res.destroyed) res.end(buf.subarray(0, at));
}

/** Resolves once the response's queued bytes have been flushed to the socket, or it closed. */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** One HTTP/1.1 chunk: size in hex, CRLF, the UTF-8 bytes, CRLF. */
function framedChunk(chunk: string): Buffer {
  const size = Buffer.byteLength(chunk);
  const head = `${size.toString(16)}\r\n`;
  const b = Buffer.allocUnsafe(head.length + size + 2);
  b.write(head, 0, 'latin1');
  b.write(chunk, head.length, 'utf8');
  b.write('\r\n', head.length + size, 'latin1');
  return b;
}

/**
 * framedChunk, built once per tick for a given string: a watch event fanned out to 1,000
 * watchers is the same string each time (see watch.ts), and V8 caches a string's hash, so the
 * lookup is cheap while the encoding and the garbage it leaves are paid once, not per watcher.
 */
let shared = new Map<string, Buffer>();

function sharedChunk(chunk: string): Buffer {
  let b = shared.get(chunk);
  if (!b) {
    if (shared.size === 0) setImmediate(() => (shared = new Map()));
    b = framedChunk(chunk);
    shared.set(chunk, b);
  }
  return b;
}
