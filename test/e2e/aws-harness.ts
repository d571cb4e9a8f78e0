/**
 * End-to-end harness for the AWS endpoint: spawns the real `eksplane server` command on 127.0.0.1
 * over a data directory, waits for its "listening on" line, and stops it with SIGTERM or SIGKILL.
 * Also a small SigV4-signing HTTP client (our signer, keep-alive) for tests that speak the wire
 * protocols directly, and a python3/boto3 runner.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../../src/aws/identity/sigv4.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface RunningAwsServer {
  url: string;
  port: number;
  /** The data directory (SQLite store, KMS master secret). */
  dataDir: string;
  proc: ChildProcess;
  /** What the server wrote to stderr so far (logs at EKSPLANE_LOG_LEVEL, default warn). */
  stderr(): string;
  /** SIGTERM (or SIGKILL with `kill: true`) and wait for the exit. */
  stop(opts?: { kill?: boolean }): Promise<void>;
}

export interface AwsServerSpawnOptions {
  /** Default: a fresh temporary directory. */
  dataDir?: string;
  /** Default 0 (any free port). */
  port?: number;
  permissive?: boolean;
  realisticTiming?: boolean;
  /** Extra environment (EKSPLANE_LOG_LEVEL defaults to warn). */
  env?: Record<string, string>;
}

/** Spawns `eksplane server` and resolves once it listens (rejects after 30 s or on exit). */
export async function startAwsServer(opts: AwsServerSpawnOptions = {}): Promise<RunningAwsServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'eksplane-aws-e2e-'));
  const args = [join(ROOT, 'bin/eksplane.js'), 'server', '--port', String(opts.port ?? 0), '--data-dir', dataDir];
  if (opts.permissive) args.push('--permissive');
  if (opts.realisticTiming) args.push('--realistic-timing');
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EKSPLANE_LOG_LEVEL: 'warn', ...opts.env } });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 4_000_000) err = err.slice(-2_000_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`eksplane server did not start in 30 s: ${err}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`eksplane server exited with ${code ?? sig}: ${err}`));
    });
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    proc,
    stderr: () => err,
    async stop(o = {}) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(o.kill ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
  };
}

/** Polls `check` (250 ms apart) until it returns a truthy value; fails with `what` (and the last error) after `ms`. */
export async function until<T>(what: string, check: () => T | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`${what} did not happen in ${ms} ms${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(250);
  }
}

/** Removes a data directory made by {@link startAwsServer}. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ROOT_CREDS: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request: nothing is signed or fixed up. */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * A keep-alive HTTP client for one endpoint: `raw` sends exactly what it is given; `call` signs
 * with our SigV4 signer (once per request) for a service's protocol. Every request has a timeout
 * (rejects with an error naming the request) so a hang is a failure, not a stuck test.
 */
export function wireClient(baseUrl: string, opts: { connections?: number; timeoutMs?: number } = {}) {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections ?? 16 });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  function raw(r: RawRequest): Promise<WireResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: base.hostname, port: base.port, method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms to ${r.method} ${r.path.slice(0, 200)}`)));
      req.on('error', reject);
      req.end(r.body);
    });
  }
  return {
    agent,
    raw,
    /** Signs and sends; `service` is the SigV4 signing name. */
    signed(service: string, r: RawRequest, creds: Creds = ROOT_CREDS, region = 'us-east-1', date?: number): Promise<WireResponse> {
      return raw({ ...r, headers: signedHeaders(base, service, r, creds, region, date) });
    },
    close(): void {
      agent.destroy();
    },
  };
}

/** The headers of `r` signed by our SigV4 signer for `service` (adds host, x-amz-date, authorization). */
export function signedHeaders(base: URL, service: string, r: RawRequest, creds: Creds = ROOT_CREDS, region = 'us-east-1', date?: number): Record<string, string> {
  const url = new URL(r.path, base);
  const headers = signRequest({ method: r.method, url, headers: r.headers, body: r.body }, { region, service, credentials: creds, date });
  if (r.body !== undefined && r.body.length) headers['content-length'] = String(Buffer.byteLength(r.body));
  return headers;
}

/** The wire form of one call per protocol: EKS rest-json, KMS JSON 1.1, query (IAM/STS/ASG), EC2. */
export const wire = {
  eks(method: string, path: string, body?: unknown): RawRequest {
    return body === undefined ? { method, path } : { method, path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  },
  kms(op: string, body: unknown = {}): RawRequest {
    return { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${op}` }, body: JSON.stringify(body) };
  },
  query(action: string, version: string, params: Record<string, string> = {}): RawRequest {
    return { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams({ Action: action, Version: version, ...params }).toString() };
  },
};

/** API versions of the query-protocol services. */
export const VERSIONS = { iam: '2010-05-08', sts: '2011-06-15', autoscaling: '2011-01-01', ec2: '2016-11-15' } as const;

/** Whether python3 can import boto3 (the boto3 test skips otherwise). */
export function hasBoto3(): boolean {
  return spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
}

/** Runs an inline python3 script with `args`; never throws. */
export function runPython(script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, AWS_MAX_ATTEMPTS: '1', AWS_EC2_METADATA_DISABLED: 'true', ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An `eksplane server` in a fresh directory with the aws CLI and stock kubectl pointed at it
 * (root credentials test/test, us-east-1, a HOME of its own so kubectl's caches start empty).
 * `aws` and `kubectl` fail the test on a non-zero exit and return stdout (`aws` parsed as JSON when
 * it is JSON); `kubectlRaw` returns the whole result for tests that expect failures.
 */
export interface EksE2e {
  server: RunningAwsServer;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Where `aws eks update-kubeconfig --kubeconfig` should write. */
  kubeconfig: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever JSON the CLI printed
  aws(...args: string[]): any;
  kubectl(...args: string[]): string;
  kubectlRaw(...args: string[]): SpawnSyncReturns<string>;
  /** `kubectl … -o json`, parsed. */
  json<T = Record<string, unknown>>(...args: string[]): T;
  /** Writes `yaml` into the directory and `kubectl apply`s it. */
  apply(name: string, yaml: string): void;
  stop(): Promise<void>;
}

export async function startEksE2e(prefix: string): Promise<EksE2e> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const server = await startAwsServer({ dataDir: join(dir, 'data') });
  const env = { ...process.env, HOME: join(dir, 'home'), AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };
  const kubeconfig = join(dir, 'kubeconfig');
  const kubectlRaw = (...args: string[]) => spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  const kubectl = (...args: string[]) => {
    const r = kubectlRaw(...args);
    assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  return {
    server,
    dir,
    env,
    kubeconfig,
    aws(...args) {
      const r = spawnSync('aws', ['--endpoint-url', server.url, '--output', 'json', ...args], { encoding: 'utf8', env });
      assert.equal(r.status, 0, `aws ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trimStart().startsWith('{') ? JSON.parse(r.stdout) : r.stdout;
    },
    kubectl,
    kubectlRaw,
    json: <T>(...args: string[]) => JSON.parse(kubectl(...args, '-o', 'json')) as T,
    apply(name, yaml) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, yaml);
      kubectl('apply', '-f', file);
    },
    async stop() {
      await server.stop();
      removeDir(dir);
    },
  };
}
