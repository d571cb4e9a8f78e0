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

export async function startApiServer(opts: { store?: string; dir?: string } = {}): Promise<RunningApiServer> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'eksplane-e2e-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const home = join(dir, 'home');
  const args = [join(ROOT, 'bin/eksplane.js'), 'apiserver', '--port', '0', '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig];
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

/** Polls `check` until it returns true (or throws after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
