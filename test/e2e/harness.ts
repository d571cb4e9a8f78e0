/**
 * End-to-end harness: spawns the real `eksplane apiserver` command on 127.0.0.1 with a free port
 * and drives it with the real kubectl, each test with a fresh HOME (kubectl caches discovery and
 * the server version there, and the kubectl on PATH picks its binary from /version).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface RunningApiServer {
  url: string;
  dir: string;
  kubeconfig: string;
  proc: ChildProcess;
  /** Runs kubectl with this server's kubeconfig; never throws, returns what it printed. */
  kubectl(args: string[], input?: string): { code: number; stdout: string; stderr: string };
  /** Stops the server (SIGTERM, or SIGKILL with `kill: true`). */
  stop(opts?: { kill?: boolean }): Promise<void>;
  /** Stops and removes the data directory. */
  cleanup(): Promise<void>;
}

export async function startApiServer(opts: { store?: string; dir?: string; port?: number; args?: string[] } = {}): Promise<RunningApiServer> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'eksplane-e2e-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const home = join(dir, 'home');
  const args = [join(ROOT, 'bin/eksplane.js'), 'apiserver', '--port', String(opts.port ?? 0), '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig, ...(opts.args ?? [])];
  if (opts.store) args.push('--store', opts.store);
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EKSPLANE_LOG_LEVEL: 'warn' } });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`apiserver did not start in 20 s: ${stderr}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`apiserver exited with ${code}: ${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (o: { kill?: boolean } = {}) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(o.kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  return {
    url,
    dir,
    kubeconfig,
    proc,
    kubectl(kargs, input) {
      const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...kargs], { input, encoding: 'utf8', env: { ...process.env, HOME: home }, timeout: 60_000 });
      return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    stop,
    async cleanup() {
      await stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago, for servers that must come back on the same port. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns true (or throws after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A raw HTTPS client with the admin client certificate of a kubeconfig. */
export async function adminClient(kubeconfigPath: string): Promise<(method: string, path: string, body?: unknown, contentType?: string) => Promise<{ status: number; body: any }>> {
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('yaml');
  const https = await import('node:https');
  const cfg = parse(readFileSync(kubeconfigPath, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const server = new URL(cfg.clusters[0].cluster.server as string);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 16,
    ca: b64(cfg.clusters[0].cluster['certificate-authority-data']),
    cert: b64(cfg.users[0].user['client-certificate-data']),
    key: b64(cfg.users[0].user['client-key-data']),
  });
  return (method, path, body, contentType) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request({ host: server.hostname, port: server.port, path, method, agent, headers: { 'content-type': contentType ?? (method === 'PATCH' ? 'application/merge-patch+json' : 'application/json'), accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(data);
    });
}
