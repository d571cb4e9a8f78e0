/** What the benchmark ran on, for the report: cores, CPU model, memory, disk, versions. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import Database from 'better-sqlite3';

export interface Machine {
  cores: number;
  cpu: string;
  memTotalGiB: number;
  kernel: string;
  node: string;
  sqlite: string;
  /** Filesystem type and device under the data directory. */
  disk: string;
}

export function describeMachine(dataDir: string): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  const df = spawnSync('df', ['-T', dataDir], { encoding: 'utf8' }).stdout.trim().split('\n')[1]?.split(/\s+/) ?? [];
  const db = new Database(':memory:');
  const sqlite = db.prepare('select sqlite_version() as v').pluck().get() as string;
  db.close();
  return {
    cores: Number(nproc) || availableParallelism(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memTotalGiB: memKb / 1024 / 1024,
    kernel: release(),
    node: process.version,
    sqlite,
    disk: df.length >= 2 ? `${df[1]} on ${df[0]}` : 'unknown',
  };
}

/**
 * CPU time all processes on the machine have used so far (every /proc/stat "cpu" field but idle
 * and iowait), milliseconds. Minus the server's and the benchmark's own, it shows how much other
 * work shared the cores during a phase.
 */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const busy = v[0]! + v[1]! + v[2]! + v[5]! + v[6]! + v[7]!;
  return (busy * 1000) / TICKS;
}

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
