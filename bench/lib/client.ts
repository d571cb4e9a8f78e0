/**
 * A minimal Kubernetes REST client for benchmarking: node:https with a keep-alive Agent and the
 * admin client certificate from a kubeconfig. It times each request from the call to the last
 * byte of the response, and can stream a response without keeping it (for 200 MB lists).
 */
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';

/** TLS material of the kubeconfig's first cluster and user, PEM-decoded. */
export interface Credentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

export function readKubeconfig(path: string): Credentials {
  const doc = parse(readFileSync(path, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const cluster = doc.clusters[0]!.cluster;
  const user = doc.users[0]!.user;
  const pem = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
  return { server: cluster.server, ca: pem(cluster['certificate-authority-data']), cert: pem(user['client-certificate-data']), key: pem(user['client-key-data']) };
}

export interface Reply {
  status: number;
  body: Buffer;
  /** Call to last byte, milliseconds. */
  ms: number;
}

export interface StreamReply {
  status: number;
  /** Call to response headers. */
  headersMs: number;
  /** Call to last byte. */
  ms: number;
  bytes: number;
}

export class KubeHttp {
  readonly agent: https.Agent;
  private readonly url: URL;

  constructor(
    readonly creds: Credentials,
    /** Connections kept open at most; as many requests run in parallel. */
    maxSockets = 1,
  ) {
    this.url = new URL(creds.server);
    this.agent = new https.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, ca: creds.ca, cert: creds.cert, key: creds.key });
  }

  /** One request, body collected. A string or object body is sent as JSON. */
  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - start }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A request whose response body is handed to `onChunk` and dropped. */
  stream(path: string, onChunk: (chunk: Buffer) => void = () => {}): Promise<StreamReply> {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const req = https.request({ host: this.url.hostname, port: this.url.port, method: 'GET', path, agent: this.agent, headers: { accept: 'application/json' } }, (res) => {
        const headersMs = performance.now() - start;
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          onChunk(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headersMs, ms: performance.now() - start, bytes }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Parses a JSON reply, failing loudly on an unexpected status. */
  async json<T>(method: string, path: string, body?: unknown, ok: number[] = [200, 201]): Promise<T> {
    const r = await this.request(method, path, body);
    expectStatus(r, ok, `${method} ${path}`);
    return JSON.parse(r.body.toString('utf8')) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export function expectStatus(r: Reply, ok: number[], what: string): void {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 500)}`);
}

/**
 * Counts occurrences of `needle` across a stream of chunks (a match may straddle two chunks), so
 * a 200 MB list can be checked without being parsed or kept.
 */
export class OccurrenceCounter {
  count = 0;
  private tail = Buffer.alloc(0);
  private readonly needle: Buffer;

  constructor(needle: string) {
    this.needle = Buffer.from(needle);
  }

  push(chunk: Buffer): void {
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const i = buf.indexOf(this.needle, at);
      if (i < 0) break;
      this.count++;
      at = i + this.needle.length;
    }
    const keep = Math.min(this.needle.length - 1, buf.length - at);
    this.tail = Buffer.from(buf.subarray(buf.length - keep));
  }
}
