/**
 * `eksplane server` as a child process for the AWS benchmarks (bench/aws, bench/clusters): run by
 * node directly (no shell in between) so the child's pid is the server's, for CPU and RSS readings
 * and for a clean SIGTERM (which a `--cpu-prof` child needs to write its profile).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface EksplaneProcess {
  url: string;
  proc: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

export interface EksplaneProcessOptions {
  dataDir: string;
  /** EKSPLANE_LOG_LEVEL of the child (default warn). */
  logLevel?: string;
  /** Every stderr line of the child (its pino log), as it comes. */
  onLogLine?: (line: string) => void;
  /**
   * Or: the child's stderr goes straight to this file (no pipe, no parsing in the bench's own
   * event loop while it measures); read it afterwards.
   */
  logFile?: string;
  /** Writes a V8 CPU profile of the server into this directory when it stops. */
  cpuProfDir?: string;
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Spawns `eksplane server` on a free port and resolves once it says it is listening. */
export async function startEksplane(opts: EksplaneProcessOptions): Promise<EksplaneProcess> {
  const port = await freePort();
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const logFd = opts.logFile === undefined ? undefined : openSync(opts.logFile, 'w');
  const proc = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin/eksplane.js'), 'server', '--port', String(port), '--data-dir', opts.dataDir], {
    stdio: ['ignore', 'pipe', logFd ?? 'pipe'],
    env: { ...process.env, EKSPLANE_LOG_LEVEL: opts.logLevel ?? 'warn' },
  });
  if (logFd !== undefined) closeSync(logFd);
  const tail: string[] = [];
  if (proc.stderr)
    createInterface({ input: proc.stderr }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 50) tail.shift();
      opts.onLogLine?.(line);
    });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) resolve();
    });
    proc.once('exit', (c) => reject(new Error(`eksplane exited with ${c}:\n${opts.logFile ? readFileSync(opts.logFile, 'utf8').slice(-4000) : tail.join('\n')}`)));
  });
  return { url: `http://127.0.0.1:${port}`, proc, pid: proc.pid!, stop: () => stopProcess(proc) };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(proc: ChildProcess, graceMs = 30_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

/** Resident memory now and at its peak, MiB, from /proc/<pid>/status. */
export function memoryMiB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}
