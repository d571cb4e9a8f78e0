/**
 * Statistics and the markdown section of the patch benchmark, written into docs/benchmarks.md
 * between the `bench:patch` markers (other sections are left as they are).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

const BEGIN = '<!-- bench:patch -->';
const END = '<!-- /bench:patch -->';

export interface Summary {
  n: number;
  /** Operations per second over the whole run (wall clock). */
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

/** Latencies (ms) of `n` operations that took `wallMs` in all. */
export function summarize(latencies: number[], wallMs: number): Summary {
  const s = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { n: s.length, perSecond: (s.length * 1000) / wallMs, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? 0 };
}

export interface Row {
  what: string;
  summary: Summary;
}

export interface ListRow {
  what: string;
  /** Milliseconds of each repetition, to the last byte. */
  ms: number[];
  bytes: number;
}

export interface PatchResults {
  command: string;
  date: string;
  commit: string;
  machine: string;
  load: { start: number[]; end: number[] };
  podBytes: number;
  library: Row[];
  https: Row[];
  crCount: number;
  crCreate: Summary;
  lists: ListRow[];
}

export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Linux ${release()}, Node ${process.version}`;
}

export function commitOf(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', 'src'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes under src/)` : sha;
  } catch {
    return 'unknown';
  }
}

export const load = (): number[] => loadavg().map((x) => Number(x.toFixed(2)));

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function table(rows: Row[]): string[] {
  const out = ['| Operation | n | ops/s | p50 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) out.push(`| ${r.what} | ${int(r.summary.n)} | ${int(r.summary.perSecond)} | ${ms(r.summary.p50)} | ${ms(r.summary.p99)} | ${ms(r.summary.max)} |`);
  return out;
}

export function render(r: PatchResults): string {
  const lines = [
    BEGIN,
    '## Strategic merge patch, server-side apply and custom-resource lists',
    '',
    `- Command: \`${r.command}\` (\`--quick\` runs fewer iterations and 1,000 custom resources, and does not touch this file)`,
    `- Date: ${r.date}; server at commit ${r.commit}`,
    `- Machine: ${r.machine}`,
    `- Load average (1/5/15 min) at start ${r.load.start.join(' / ')}, at end ${r.load.end.join(' / ')}; the machine is shared with other work.`,
    `- Setup: a ${r.podBytes.toLocaleString('en-US')}-byte pod with 20 containers (ports, env, resources, a volume mount each). The library rows run the patch functions in this process on an object already in memory; the HTTPS rows go to a spawned \`eksplane apiserver\` (SQLite store, the default) through node:https with keep-alive and the admin client certificate, one process on the same cores as the server, each request a real write (the image changes every time). Latency is from the call to the last byte.`,
    '',
    '### Patch throughput on a 20-container pod',
    '',
    'In-process library cost (no HTTP, no storage):',
    '',
    ...table(r.library),
    '',
    'Through HTTPS against the spawned server (each write stored and sent to watchers):',
    '',
    ...table(r.https),
    '',
    `### LIST of ${int(r.crCount)} custom resources`,
    '',
    `Created through HTTPS at ${int(r.crCreate.perSecond)}/s (32 in flight; p50 ${ms(r.crCreate.p50)} ms, p99 ${ms(r.crCreate.p99)} ms). Each object is a small CR: a label, a spec of four fields (one set by the schema default), managedFields.`,
    '',
    '| Request (1 in flight) | repetitions | median ms | min ms | max ms | response bytes |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.lists.map((l) => `| ${l.what} | ${l.ms.length} | ${ms(median(l.ms))} | ${ms(Math.min(...l.ms))} | ${ms(Math.max(...l.ms))} | ${int(l.bytes)} |`),
    '',
    'There is no real kube-apiserver on this machine to run beside it, so these are absolute numbers.',
    END,
  ];
  return lines.join('\n');
}

