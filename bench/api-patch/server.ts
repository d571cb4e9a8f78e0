/**
 * A spawned `eksplane apiserver` on a temporary data directory and an HTTPS client with its admin
 * client certificate (keep-alive, as kubectl and client-go connect), for the patch benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface Reply {
  status: number;
  body: string;
  /** Milliseconds from the request call to the last byte of the response. */
  ms: number;
}

export interface BenchServer {
  url: string;
  dir: string;
  request(method: string, path: string, body?: string, contentType?: string, accept?: string): Promise<Reply>;
  stop(): Promise<void>;
}

/** Starts the server (SQLite store, the default) and waits until it listens. */
export async function startBenchServer(): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'eksplane-bench-patch-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const proc: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/eksplane.js'), 'apiserver', '--port', '0', '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EKSPLANE_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`apiserver did not start in 30 s: ${stderr}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => reject(new Error(`apiserver exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  const cfg = parse(readFileSync(kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const server = new URL(cfg.clusters[0].cluster.server as string);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 64,
    ca: b64(cfg.clusters[0].cluster['certificate-authority-data']),
    cert: b64(cfg.users[0].user['client-certificate-data']),
    key: b64(cfg.users[0].user['client-key-data']),
  });

  return {
    url,
    dir,
    request(method, path, body, contentType = 'application/json', accept = 'application/json') {
      return new Promise((resolve, reject) => {
        const start = performance.now();
        const headers: Record<string, string> = { accept };
        if (body !== undefined) headers['content-type'] = contentType;
        const req = https.request({ host: server.hostname, port: server.port, path, method, agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - start }));
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    async stop() {
      agent.destroy();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Throws unless the reply has one of the expected statuses. */
export function expectOk(r: Reply, what: string, ok: number[] = [200, 201]): Reply {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status}: ${r.body.slice(0, 500)}`);
  return r;
}
