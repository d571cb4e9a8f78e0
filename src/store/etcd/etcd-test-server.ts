/**
 * Starts a throwaway single-member etcd for tests: free loopback ports, a temporary data
 * directory, and a `stop()` that kills exactly that process (by pid) and removes its data.
 *
 * The binary is $ETCD_BIN, else `etcd` on PATH, else /usr/bin/etcd (Debian's etcd-server 3.4).
 * A missing binary is an error with instructions, never a skip: CI installs etcd, and a silently
 * skipped backend is an untested backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface EtcdTestServer {
  /** Store URL for openStore: `etcd://127.0.0.1:<port>`. */
  url: string;
  /** Client endpoint: `http://127.0.0.1:<port>`. */
  clientUrl: string;
  pid: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

/** Finds the etcd binary or throws an Error explaining how to install it. */
export function findEtcdBinary(): string {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const explicit = process.env.ETCD_BIN;
  if (explicit) {
    if (executable(explicit)) return explicit;
    throw new Error(`ETCD_BIN=${explicit} is not an executable etcd binary`);
  }
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'etcd'));
  const found = [...onPath, '/usr/bin/etcd'].find(executable);
  if (found) return found;
  throw new Error(
    'etcd binary not found (looked at $ETCD_BIN, PATH and /usr/bin/etcd): install it ' +
      '(Debian/Ubuntu: apt-get install etcd-server) or set ETCD_BIN to its path',
  );
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts etcd and resolves once it reports healthy. */
export async function startEtcd(): Promise<EtcdTestServer> {
  const bin = findEtcdBinary();
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'eksplane-etcd-'));
  const child = spawn(
    bin,
    [
      '--name=eksplane-test',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=eksplane-test=${peerUrl}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const pid = child.pid;
  const killOnExit = () => {
    if (pid !== undefined && child.exitCode === null) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  const cleanup = async () => {
    process.removeListener('exit', killOnExit);
    await killChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (pid === undefined) throw new Error(`could not start ${bin}`);
    await waitHealthy(child, clientUrl, () => stderr);
  } catch (err) {
    await cleanup();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `etcd://127.0.0.1:${clientPort}`,
    clientUrl,
    pid,
    stop: () => (stopped ??= cleanup()),
  };
}

async function waitHealthy(child: ChildProcess, clientUrl: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited (${child.exitCode ?? child.signalCode}) while starting: ${stderr()}`);
    }
    try {
      const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      if (res.ok && body.health === 'true') return;
      last = JSON.stringify(body);
    } catch (err) {
      last = String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`etcd at ${clientUrl} not healthy after ${START_TIMEOUT_MS} ms (${last}): ${stderr()}`);
}

/** SIGTERM the child by pid, then SIGKILL if it has not exited within 5 s. */
async function killChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}
