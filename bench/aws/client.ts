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
 * werkzeug server sends). Far cheaper per request than node:http's client, so the client stays
 * off the critical path on a 2-core machine.
 */
class ConnectionPool {
  private readonly idle: net.Socket[] = [];
  private readonly queue: Pending[] = [];
  private open = 0;

  constructor(private readonly host: string, private readonly port: number, private readonly max: number) {}

  request(payload: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ payload, resolve, reject });
      this.pump();
    });
  }

  close(): void {
    for (const s of this.idle.splice(0)) s.destroy();
  }

  /** Parks a socket; if the server closes it meanwhile (keep-alive timeout), it leaves the pool. */
  private park(sock: net.Socket): void {
    const gone = () => {
      const i = this.idle.indexOf(sock);
      if (i >= 0) {
        this.idle.splice(i, 1);
        this.open--;
      }
      sock.destroy();
      this.pump();
    };
    sock.once('close', gone);
    sock.once('end', gone);
    sock.on('error', () => undefined);
    (sock as net.Socket & { parked?: () => void }).parked = gone;
    this.idle.push(sock);
  }

  private pump(): void {
    while (this.queue.length) {
      const sock = this.idle.pop() as (net.Socket & { parked?: () => void }) | undefined;
      if (sock) {
        if (sock.parked) {
          sock.off('close', sock.parked);
          sock.off('end', sock.parked);
          sock.removeAllListeners('error');
          sock.parked = undefined;
        }
        if (sock.destroyed || !sock.writable) {
          this.open--;
          continue;
        }
        this.run(sock, this.queue.shift()!, true);
        continue;
      }
      if (this.open >= this.max) return;
      this.open++;
      const fresh = net.connect(this.port, this.host);
      fresh.setNoDelay(true);
      this.run(fresh, this.queue.shift()!, false);
    }
  }

  private run(sock: net.Socket, p: Pending, reused: boolean): void {
    let buf: Buffer = Buffer.alloc(0);
    let headerEnd = -1;
    let status = 0;
    let length = -1;
    let closeAfter = false;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('error', onError);
      sock.off('close', onClose);
      sock.off('timeout', onTimeout);
      sock.setTimeout(0);
      if (err) {
        this.open--;
        sock.destroy();
        if (reused && !p.retried && buf.length === 0) {
          p.retried = true;
          this.queue.unshift(p);
        } else p.reject(err);
        this.pump();
        return;
      }
      const body = buf.subarray(headerEnd + 4, length >= 0 ? headerEnd + 4 + length : buf.length).toString('utf8');
      if (closeAfter) {
        this.open--;
        sock.destroy();
      } else this.park(sock);
      p.resolve({ status, body });
      this.pump();
    };
    const parseHead = () => {
      headerEnd = buf.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = buf.subarray(0, headerEnd).toString('latin1');
      const first = head.slice(0, head.indexOf('\r\n'));
      status = Number(first.split(' ')[1]);
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      length = cl ? Number(cl[1]) : -1;
      closeAfter = first.startsWith('HTTP/1.0') || /\r\nconnection:\s*close/i.test(head);
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) finish(new Error('chunked responses are not supported by the benchmark client'));
    };
    const onData = (c: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, c]) : c;
      if (headerEnd < 0) parseHead();
      if (headerEnd >= 0 && length >= 0 && buf.length >= headerEnd + 4 + length) finish();
    };
    const onEnd = () => {
      if (headerEnd >= 0 && length < 0) finish();
      else finish(new Error('connection closed before the response ended'));
    };
    const onError = (err: Error) => finish(err);
    const onClose = () => finish(new Error('connection closed'));
    const onTimeout = () => finish(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`));
    sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.on('timeout', onTimeout);
    sock.setTimeout(REQUEST_TIMEOUT_MS);
    sock.write(p.payload);
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
