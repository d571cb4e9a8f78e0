/**
 * The benchmark's AWS client: up to 32 keep-alive HTTP/1.1 connections per endpoint (a minimal
 * client over node:net, see {@link ConnectionPool}), each request signed once with our SigV4
 * signer (src/aws/identity/sigv4.ts `signRequest`) just before it is sent, latency taken from the
 * call to the last byte of the response. The same client drives eksplane and moto_server, so the
 * client's own cost is the same on both sides.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { signRequest, type Credentials } from '../../src/aws/identity/sigv4.js';

export interface Answer {
  status: number;
  body: string;
  /** Milliseconds from the call to the last byte. */
  ms: number;
}

export interface AwsBenchClient {
  /** An EKS rest-json call. */
  eks(method: string, path: string, body?: unknown): Promise<Answer>;
  /** A query-protocol call (IAM, EC2, …). */
  query(service: string, action: string, version: string, params?: Record<string, string>): Promise<Answer>;
  close(): void;
}

export function awsBenchClient(baseUrl: string, opts: { connections?: number; credentials?: Credentials; region?: string } = {}): AwsBenchClient {
  const base = new URL(baseUrl);
  const pool = new ConnectionPool(base.hostname, Number(base.port), opts.connections ?? 32);
  const credentials = opts.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' };
  const region = opts.region ?? 'us-east-1';

  function send(service: string, method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
    const started = performance.now();
    const signed = signRequest({ method, url: new URL(path, base), headers, body }, { region, service, credentials });
    let head = `${method} ${path} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(signed)) head += `${k}: ${v}\r\n`;
    head += `content-length: ${body === undefined ? 0 : Buffer.byteLength(body)}\r\n\r\n`;
    return pool.request(body === undefined ? head : head + body).then((r) => ({ ...r, ms: performance.now() - started }));
  }

  return {
    eks(method, path, body) {
      return body === undefined ? send('eks', method, path, {}, undefined) : send('eks', method, path, { 'content-type': 'application/json' }, JSON.stringify(body));
    },
    query(service, action, version, params = {}) {
      return send(service, 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, new URLSearchParams({ Action: action, Version: version, ...params }).toString());
    },
    close() {
      pool.close();
    },
  };
}

const REQUEST_TIMEOUT_MS = 120_000;

interface Pending {
  payload: string;
  resolve(r: { status: number; body: string }): void;
  reject(err: Error): void;
  /** Sent once on a reused connection that turned out closed: retried once on a fresh one. */
  retried?: boolean;
}

/**
 * A minimal HTTP/1.1 client: up to `max` keep-alive sockets, one request in flight on each,
 * responses framed by Content-Length (or by the close of a `Connection: close` answer, as moto's
 * werkzeug server sends). Each socket keeps one {@link Connection} with its listeners for its
 * whole life and one watchdog timer serves every socket, so a request costs a write and a parse —
 * not listener or timer bookkeeping: with 32 in flight it spends ~0.05 ms of CPU per request
 * (bench:aws), a third less than the listener-per-request version it replaced, leaving the
 * machine's second core to the server.
 */
class ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly busy = new Set<Connection>();
  private readonly queue: Pending[] = [];
  private open = 0;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly host: string, private readonly port: number, private readonly max: number) {}

  request(payload: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ payload, resolve, reject });
      this.pump();
    });
  }

  close(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const c of this.idle.splice(0)) c.sock.destroy();
  }

  /** A connection's request ended (well or not); `reusable` when it may carry the next one. */
  done(conn: Connection, reusable: boolean): void {
    this.busy.delete(conn);
    if (reusable) this.idle.push(conn);
    else {
      this.open--;
      const i = this.idle.indexOf(conn);
      if (i >= 0) this.idle.splice(i, 1);
    }
    this.pump();
  }

  /** A request that must go again on a fresh connection (its reused one was already closed). */
  retry(p: Pending): void {
    this.queue.unshift(p);
  }

  private pump(): void {
    while (this.queue.length) {
      const conn = this.idle.pop() ?? this.connect();
      if (!conn) return;
      this.busy.add(conn);
      conn.send(this.queue.shift()!);
    }
  }

  private connect(): Connection | undefined {
    if (this.open >= this.max) return undefined;
    this.open++;
    this.watchdog ??= setInterval(() => {
      const now = performance.now();
      for (const c of this.busy) if (now - c.sentAt > REQUEST_TIMEOUT_MS) c.fail(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`));
    }, 1000).unref();
    return new Connection(net.connect(this.port, this.host), this);
  }
}

/** One socket of the pool and the response it is reading. */
class Connection {
  private pending: Pending | undefined;
  private used = false;
  private closed = false;
  private buf: Buffer = Buffer.alloc(0);
  private headerEnd = -1;
  private status = 0;
  private length = -1;
  private closeAfter = false;
  sentAt = 0;

  constructor(readonly sock: net.Socket, private readonly pool: ConnectionPool) {
    sock.setNoDelay(true);
    sock.on('data', (c: Buffer) => this.onData(c));
    sock.on('end', () => this.onEnd());
    sock.on('close', () => this.onClose());
    sock.on('error', (err) => this.fail(err));
  }

  send(p: Pending): void {
    this.pending = p;
    this.buf = Buffer.alloc(0);
    this.headerEnd = -1;
    this.length = -1;
    this.sentAt = performance.now();
    this.sock.write(p.payload);
  }

  fail(err: Error): void {
    this.closed = true;
    this.sock.destroy();
    const p = this.pending;
    if (!p) return this.pool.done(this, false);
    this.pending = undefined;
    if (this.used && !p.retried && this.buf.length === 0) {
      p.retried = true;
      this.pool.retry(p);
    } else p.reject(err);
    this.pool.done(this, false);
  }

  private onData(c: Buffer): void {
    if (!this.pending) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
    if (this.headerEnd < 0) this.parseHead();
    if (this.headerEnd >= 0 && this.length >= 0 && this.buf.length >= this.headerEnd + 4 + this.length) this.finish();
  }

  private onEnd(): void {
    if (this.pending && this.headerEnd >= 0 && this.length < 0) this.finish();
    else this.fail(new Error('connection closed before the response ended'));
  }

  private onClose(): void {
    if (this.closed) return;
    this.fail(new Error('connection closed'));
  }

  private parseHead(): void {
    const buf = this.buf;
    this.headerEnd = buf.indexOf('\r\n\r\n');
    if (this.headerEnd < 0) return;
    const head = buf.subarray(0, this.headerEnd).toString('latin1');
    const first = head.slice(0, head.indexOf('\r\n'));
    this.status = Number(first.split(' ')[1]);
    const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    this.length = cl ? Number(cl[1]) : -1;
    this.closeAfter = first.startsWith('HTTP/1.0') || /\r\nconnection:\s*close/i.test(head);
    if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) this.fail(new Error('chunked responses are not supported by the benchmark client'));
  }

  private finish(): void {
    const p = this.pending!;
    this.pending = undefined;
    this.used = true;
    const start = this.headerEnd + 4;
    const body = this.buf.toString('utf8', start, this.length >= 0 ? start + this.length : this.buf.length);
    this.buf = Buffer.alloc(0);
    if (this.closeAfter) {
      this.closed = true;
      this.sock.destroy();
    }
    p.resolve({ status: this.status, body });
    this.pool.done(this, !this.closeAfter);
  }
}

/** Percentiles and mean of latency samples (ms), nearest-rank. */
export interface Stats {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

/**
 * Runs `op(i)` for i in [0, count) with `concurrency` in flight; returns each call's latency
 * (what `op` resolves to) and the wall time of the whole run.
 */
export async function runPool(count: number, concurrency: number, op: (i: number) => Promise<number>): Promise<{ samples: number[]; seconds: number }> {
  const samples: number[] = new Array(count);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      samples[i] = await op(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { samples, seconds: (performance.now() - started) / 1000 };
}
