/**
 * How the client reaches an API server: one request/response call and one streaming watch call.
 * Two implementations exist: `httpTransport` (HTTPS, for out-of-process controllers and tools)
 * and the in-process transport in `server/` that calls `ApiServer.handle` directly, so the same
 * controller code runs inside the server or against a remote replica (shared/ARCHITECTURE.md rule 1).
 */
import http from 'node:http';
import https from 'node:https';
import { KubeApiError } from './errors.js';

/** One API call. `body` is sent as JSON unless it is already a string or Buffer. */
export interface TransportRequest {
  method: string;
  /** Absolute API path without a query string, segments percent-encoded. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Content type of `body` (default `application/json`). */
  contentType?: string;
  /** Accept header (default `application/json`), e.g. aggregated discovery's media type. */
  accept?: string;
}

/** The answer: the status and the body, parsed when it was JSON, else its text. */
export interface TransportResponse {
  status: number;
  body: unknown;
}

/** One event of a watch stream (`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`, `ERROR`). */
export interface WatchEvent {
  type: string;
  object: any;
}

export interface KubeTransport {
  /** Sends one request. Non-2xx answers are returned, not thrown; transport failures throw. */
  request(r: TransportRequest): Promise<TransportResponse>;
  /**
   * Opens a watch on a collection path (the transport adds `watch=true`) and calls `onEvent` for
   * every event in order. Resolves when the stream ends (server timeout, `signal` aborted);
   * throws `KubeApiError` when the server refuses the watch, or a plain Error when the
   * connection fails.
   */
  watch(path: string, query: Record<string, string>, onEvent: (ev: WatchEvent) => void, signal: AbortSignal): Promise<void>;
  /** Releases pooled connections (HTTP); the transport must not be used afterwards. */
  close?(): void;
  /**
   * True when an unpaged list costs this transport no string of the whole body (the in-process
   * transport parses each item from the server's cache on its own). Informers then relist in one
   * request: paging would read every page after the first from the store at the first page's
   * revision whenever anything was written in between, which at 100k pods is seconds of reads.
   * Over HTTP a whole list is one body to buffer and parse, so informers page (client-go's 500).
   */
  readonly wholeLists?: boolean;
}

/**
 * Splits a watch stream into JSON lines and hands each parsed event to `onEvent`. Chunks may
 * split or join lines arbitrarily. A line that is not JSON ends the stream with an error.
 */
export function watchLineParser(onEvent: (ev: WatchEvent) => void): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) onEvent(JSON.parse(line) as WatchEvent);
    }
  };
}

/** Parses a response body by its content type: JSON when it says so (or looks like it), else text. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if ((contentType ?? '').includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Encodes a request body; the content type defaults to JSON. */
export function encodeBody(r: TransportRequest): { data?: Buffer; contentType?: string } {
  if (r.body === undefined) return {};
  const data = Buffer.isBuffer(r.body) ? r.body : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
  return { data, contentType: r.contentType ?? 'application/json' };
}

export interface HttpTransportOptions {
  /** Base URL, e.g. `https://127.0.0.1:6443` (plain `http:` is accepted for tests and proxies). */
  server: string;
  /** The cluster CA the serving certificate must chain to. */
  caPem?: string;
  /** Client certificate and key (x509 authentication). */
  certPem?: string;
  keyPem?: string;
  /** Bearer token (e.g. an `aws eks get-token` token or a service-account token). */
  token?: string;
  /** Sent as User-Agent. */
  userAgent?: string;
}

/**
 * A transport over node:http(s) with a keep-alive agent: requests reuse connections, watches hold
 * one each. Bodies are buffered; watch streams are parsed as they arrive.
 */
export function httpTransport(opts: HttpTransportOptions): KubeTransport {
  const base = new URL(opts.server);
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, ca: opts.caPem, cert: opts.certPem, key: opts.keyPem, maxSockets: 64 })
    : new http.Agent({ keepAlive: true, maxSockets: 64 });
  const basePath = base.pathname.replace(/\/$/, '');

  const open = (method: string, path: string, query: Record<string, string> | undefined, headers: Record<string, string>, signal?: AbortSignal) => {
    const qs = query && Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : '';
    const all: Record<string, string> = { 'user-agent': opts.userAgent ?? 'eksplane-kubeclient', ...headers };
    if (opts.token) all.authorization = `Bearer ${opts.token}`;
    const reqOpts = { method, host: base.hostname, port: base.port || (secure ? 443 : 80), path: basePath + path + qs, headers: all, agent, signal };
    return secure ? https.request(reqOpts) : http.request(reqOpts);
  };

  return {
    request(r) {
      const { data, contentType } = encodeBody(r);
      const headers: Record<string, string> = { accept: r.accept ?? 'application/json' };
      if (data) {
        headers['content-type'] = contentType!;
        headers['content-length'] = String(data.length);
      }
      return new Promise<TransportResponse>((resolve, reject) => {
        const req = open(r.method, r.path, r.query, headers);
        req.on('error', reject);
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8'), res.headers['content-type']) }));
        });
        req.end(data);
      });
    },

    watch(path, query, onEvent, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) return resolve();
        const req = open('GET', path, { ...query, watch: 'true' }, { accept: 'application/json' }, signal);
        let settled = false;
        const settle = (err?: unknown) => {
          if (settled) return;
          settled = true;
          if (err && !signal.aborted) reject(err);
          else resolve();
        };
        req.on('error', (err) => settle(err));
        req.on('response', (res) => {
          res.setEncoding('utf8');
          if (res.statusCode !== 200) {
            let text = '';
            res.on('data', (c: string) => (text += c));
            res.on('end', () => settle(KubeApiError.from(res.statusCode ?? 0, parseBody(text, res.headers['content-type']))));
            res.on('error', (err) => settle(err));
            return;
          }
          const feed = watchLineParser(onEvent);
          res.on('data', (c: string) => {
            try {
              feed(c);
            } catch (err) {
              req.destroy();
              settle(err);
            }
          });
          res.on('end', () => settle());
          res.on('close', () => settle());
          res.on('error', (err) => settle(err));
        });
        req.end();
      });
    },

    close() {
      agent.destroy();
    },
  };
}
