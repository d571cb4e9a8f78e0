/**
 * The API server under test as a child process: `eksplane apiserver` on 127.0.0.1, run by node directly (no npx/shell in between) so the child's pid is the
 * server's, for RSS readings and for killing it by pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The checkout this benchmark belongs to; the server runs from here unless told otherwise. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LISTENING = /eksplane apiserver listening on (https:\/\/\S+)/;
/** Every child ever spawned, so an exit path of the benchmark can kill what is still running. */
const children = new Set<ChildProcess>();

export interface ServerOptions {
  dataDir: string;
  kubeconfig: string;
  /** Extra node flags for the child, e.g. `--cpu-prof --cpu-prof-dir=…` (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  /** Store URL (default: the SQLite store under the data dir). */
  store?: string;
  /** Checkout whose bin/eksplane.js to run (default: this one), e.g. a clean clone of a commit. */
  serverDir?: string;
  /** Port to listen on (default 0: any); a known port lets a client poll /readyz from the spawn on. */
  port?: number;
  /** Appends everything the server writes (stdout and stderr) to this file, e.g. `--trace-gc` lines. */
  outputFile?: string;
}

export interface ServerHandle {
  readonly pid: number;
  readonly url: string;
  /** From spawn to the "listening" line, milliseconds. */
  readonly startMs: number;
  /** performance.now() at spawn. */
  readonly spawnedAt: number;
  /** SIGTERM, wait for the exit (SIGKILL after `graceMs`); resolves with the time it took. */
  stop(graceMs?: number): Promise<number>;
  /** Last lines the server wrote, for error messages. */
  output(): string;
}

export function startServer(opts: ServerOptions): Promise<ServerHandle> {
  const args = [...(opts.nodeArgs ?? []), join(opts.serverDir ?? REPO_ROOT, 'bin', 'eksplane.js'), 'apiserver', '--port', String(opts.port ?? 0), '--host', '127.0.0.1', '--data-dir', opts.dataDir, '--kubeconfig', opts.kubeconfig];
  if (opts.store) args.push('--store', opts.store);
  const env: NodeJS.ProcessEnv = { ...process.env, EKSPLANE_LOG_LEVEL: process.env.EKSPLANE_LOG_LEVEL ?? 'warn' };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: opts.serverDir ?? REPO_ROOT });
  children.add(child);
  const lines: string[] = [];
  const keep = (s: string) => {
    lines.push(...s.split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    children.delete(child);
    resolve(code);
  }));
  child.stderr!.setEncoding('utf8').on('data', keep);
  if (opts.outputFile) {
    const file = createWriteStream(opts.outputFile, { flags: 'a' });
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }

  return new Promise((resolve, reject) => {
    let buffered = '';
    const onOut = (s: string) => {
      keep(s);
      buffered += s;
      const m = LISTENING.exec(buffered);
      if (!m) return;
      const startMs = performance.now() - spawnedAt;
      child.stdout!.off('data', onOut);
      child.stdout!.on('data', keep);
      resolve({
        pid: child.pid!,
        url: m[1]!,
        startMs,
        spawnedAt,
        output: () => lines.join('\n'),
        async stop(graceMs = 30_000) {
          const t0 = performance.now();
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            await exited;
            clearTimeout(timer);
          }
          return performance.now() - t0;
        },
      });
    };
    child.stdout!.setEncoding('utf8').on('data', onOut);
    void exited.then((code) => reject(new Error(`server exited (code ${code}) before listening:\n${lines.join('\n')}`)));
  });
}

/** A TCP port free right now on 127.0.0.1 (the OS picks it; we close it again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** SIGKILLs every child still running (an error path); each by its own pid. */
export function killAllChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Resident and peak resident memory of a process, bytes, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(join('/proc', String(pid), 'status'), 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** The commit a checkout is at, with "+dirty" when its src/ or bin/ differ from it. */
export function commitOf(dir: string): string {
  const git = (...a: string[]) => spawnSync('git', ['-C', dir, ...a], { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown';
  const dirty = git('status', '--porcelain', '--', 'src', 'bin').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

/** CPU time (user + system) a process has used so far, milliseconds, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(join('/proc', String(pid), 'stat'), 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted after "pid (comm) ": indexes 11 and 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
