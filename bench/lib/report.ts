/**
 * The benchmark's results as a Markdown section of docs/benchmarks.md. The section sits between
 * `<!-- bench:apiserver -->` and `<!-- /bench:apiserver -->`; everything else in the file (other
 * benchmarks' sections) is left as it is.
 */
import type { Machine } from './machine.js';
import { duration, mib, ms, type Summary } from './stats.js';
import type { WatchTestResult } from './watch-test.js';

export interface OpResult {
  name: string;
  /** One request in flight. */
  seq: Summary;
  /** Many in flight: throughput and the latency that comes with it. */
  conc?: { concurrency: number; rate: number; latency: Summary };
}

export interface ListResult {
  name: string;
  path: string;
  items: number;
  bytes: number;
  /** Call to last byte. */
  latency: Summary;
  /** Mean call to response headers. */
  headersMs: number;
}

export interface SizeResult {
  pods: number;
  load: { count: number; concurrency: number; rate: number; wallMs: number; latency: Summary };
  ops: OpResult[];
  lists: ListResult[];
  full: ListResult;
  paged: { wallMs: number; pages: number; items: number; page: Summary } | undefined;
}

/** A named stretch of the run, on CLOCK_MONOTONIC in µs (the clock of V8 CPU profiles). */
export interface Phase {
  name: string;
  startUs: number;
  endUs: number;
  /** CPU time the server and the benchmark process (all its threads) used in the window. */
  serverCpuMs: number;
  benchCpuMs: number;
  /** CPU time everything else on the machine used in the window (other people's builds and tests). */
  otherCpuMs: number;
}

export interface Memory {
  rss: number;
  hwm: number;
}

export interface BenchResults {
  date: string;
  command: string;
  machine: Machine;
  /** The commit of the server measured. */
  serverCommit: string;
  podBytes: number;
  servedPodBytes: number;
  total: number;
  emptyStartMs: number;
  emptyListeningMs: number;
  sizes: SizeResult[];
  watch: WatchTestResult;
  restart: { objects: number; stopMs: number; listeningMs: number; readyMs: number; fullListMs: number; memoryAfter: Memory };
  /** Readings in the order they were taken. */
  memory: ({ point: string; pods: number } & Memory)[];
  profiled: boolean;
  /** 1/5/15-minute load averages when the run started and ended (other work on the machine skews results). */
  loadAverage: { start: number[]; end: number[] };
  phases: Phase[];
}

export const BEGIN = '<!-- bench:apiserver -->';
export const END = '<!-- /bench:apiserver -->';

const pass = (ok: boolean) => (ok ? '✅ met' : '❌ missed');
const count = (n: number) => n.toLocaleString('en-US');

export function renderReport(r: BenchResults): string {
  const largest = r.sizes[r.sizes.length - 1]!;
  const op = (s: SizeResult, name: string) => s.ops.find((o) => o.name.startsWith(name))!;
  const writeP99 = Math.max(op(largest, 'create').seq.p99, op(largest, 'update').seq.p99, op(largest, 'delete').seq.p99);
  const writeP99Conc = op(largest, 'update').conc!.latency.p99;
  const steady = r.watch.rates[0]!;
  const worstWatch = Math.max(...r.watch.rates.map((x) => x.fromSend.p99));
  const k = (n: number) => `${n / 1000}k`;
  const L: string[] = [];
  L.push(BEGIN, '## API server core (SQLite)', '');
  L.push(`- Command: \`${r.command}\``);
  L.push('- To run: `npm run bench` (100k pods, 4–10 minutes, rewrites this section), `npm run bench -- --quick` (10k pods, 1–2 minutes, prints only); the flags are documented at the top of bench/run.ts; `--profile DIR --json FILE` then `node --import tsx bench/profile-summary.ts DIR --results FILE` shows where the server spends its time, phase by phase.');
  L.push(`- Date: ${r.date.slice(0, 19).replace('T', ' ')} UTC; server at commit ${r.serverCommit}`);
  L.push(`- Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memTotalGiB.toFixed(1)} GiB RAM, data dir on ${r.machine.disk}; Linux ${r.machine.kernel}, Node ${r.machine.node}, SQLite ${r.machine.sqlite} (WAL, synchronous=FULL)`);
  const la = (v: number[]) => v.map((x) => x.toFixed(2)).join(' / ');
  L.push(`- Load average (1/5/15 min) at start ${la(r.loadAverage.start)}, at end ${la(r.loadAverage.end)}; the machine is shared with other work, see "Other processes" under CPU by phase.${r.command.startsWith('nice') ? ' The run had a raised CPU priority (`nice`, inherited by the server) so that other work disturbs it less.' : ''}`);
  L.push(`- Setup: the server is a child process (\`eksplane apiserver\` on a free 127.0.0.1 port, default SQLite store in a temp data dir); the client is node:https with keep-alive and the admin client certificate, in one process on the same ${r.machine.cores} cores. Pods are ${count(r.podBytes)} bytes as sent (labels, annotations, one container with env, ports, resources, a probe, tolerations, a projected volume) and ${count(r.servedPodBytes)} bytes as served (defaults, status and managedFields added by the server); ${count(Math.ceil(r.total / 1000))} namespaces of 1,000 pods. Latency is from the request call to the last byte of the response.${r.profiled ? ' **This run had `--cpu-prof` on the server; numbers are a little slower than without.**' : ''}`);
  L.push('');
  L.push('### Against the targets', '');
  L.push('| What | Target (issue) | Kubernetes SLO (floor) | Measured | |', '|---|---|---|---|---|');
  L.push(`| Single-object write p99 with ${k(largest.pods)} pods stored (create/update/delete, 1 in flight) | < 20 ms | ≤ 1 s | ${ms(writeP99)} ms | ${pass(writeP99 < 20)} |`);
  L.push(`| … the same with ${op(largest, 'update').conc!.concurrency} writes in flight (update) | — | ≤ 1 s | ${ms(writeP99Conc)} ms | ${pass(writeP99Conc < 1000)} (floor) |`);
  L.push(`| Unpaged LIST of all ${k(largest.pods)} pods, time to last byte (median of 3) | < 3 s | ≤ 30 s (cluster scope) | ${duration(largest.full.latency.p50)} | ${pass(largest.full.latency.p50 < 3000)} |`);
  L.push(`| Watch delivery p99, ${count(r.watch.watchers)} watchers, ${steady.rate} updates/s | < 100 ms | — (no SLO) | ${ms(steady.fromSend.p99)} ms | ${pass(steady.fromSend.p99 < 100)} |`);
  if (r.watch.rates.length > 1) L.push(`| … worst rate (${r.watch.rates.map((x) => `${x.rate}/s`).join(', ')}) | < 100 ms | — | ${ms(worstWatch)} ms | ${pass(worstWatch < 100)} |`);
  L.push(`| Restart with ${k(r.restart.objects)} pods: spawn → /readyz ok | < 5 s | — | ${duration(r.restart.readyMs)} | ${pass(r.restart.readyMs < 5000)} |`);
  L.push(`| … spawn → a LIST returned all ${k(r.restart.objects)} | < 5 s | — | ${duration(r.restart.fullListMs)} | ${pass(r.restart.fullListMs < 5000)} |`);
  L.push('');
  L.push('There is no peer Kubernetes API server on this machine (no `kube-apiserver` binary, no etcd-backed control plane to run side by side), so these are absolute numbers without a ratio to upstream; the Kubernetes SLO column is the floor we must clear in any case.', '');

  L.push('### Single-object requests (ms)', '');
  const hdr = r.sizes.map((s) => `${k(s.pods)} p50 | ${k(s.pods)} p99`).join(' | ');
  L.push(`| Request, 1 in flight | ${hdr} |`, `|---|${r.sizes.map(() => '---|---|').join('')}`);
  for (const o of r.sizes[0]!.ops) {
    L.push(`| ${o.name} | ${r.sizes.map((s) => { const x = op(s, o.name).seq; return `${ms(x.p50)} | ${ms(x.p99)}`; }).join(' | ')} |`);
  }
  L.push('');
  L.push(`| Throughput | ${r.sizes.map((s) => `${k(s.pods)}: req/s | p50 | p99`).join(' | ')} |`, `|---|${r.sizes.map(() => '---|---|---|').join('')}`);
  L.push(`| create while loading (${r.sizes[0]!.load.concurrency} in flight) | ${r.sizes.map((s) => `${s.load.rate.toFixed(0)} | ${ms(s.load.latency.p50)} | ${ms(s.load.latency.p99)}`).join(' | ')} |`);
  for (const o of r.sizes[0]!.ops.filter((x) => x.conc)) {
    L.push(`| ${o.name} (${o.conc!.concurrency} in flight) | ${r.sizes.map((s) => { const c = op(s, o.name).conc!; return `${c.rate.toFixed(0)} | ${ms(c.latency.p50)} | ${ms(c.latency.p99)}`; }).join(' | ')} |`);
  }
  L.push('');
  L.push(`Loading: ${r.sizes.map((s) => `${count(s.load.count)} pods in ${duration(s.load.wallMs)} (${s.load.rate.toFixed(0)}/s)`).join(', then ')}.`, '');

  L.push('### Lists (time to last byte, ms)', '');
  L.push(`| LIST | ${r.sizes.map((s) => `${k(s.pods)} p50 | ${k(s.pods)} p99`).join(' | ')} | size |`, `|---|${r.sizes.map(() => '---|---|').join('')}---|`);
  for (const l of r.sizes[0]!.lists) {
    L.push(`| ${l.name} | ${r.sizes.map((s) => { const x = s.lists.find((y) => y.name === l.name)!.latency; return `${ms(x.p50)} | ${ms(x.p99)}`; }).join(' | ')} | ${(l.bytes / 1024).toFixed(0)} KiB |`);
  }
  L.push('');
  L.push('| Whole collection | Pods | Bytes | Headers after | Last byte (median of 3) | Paged, limit=500: total | pages | page p50 / p99 |', '|---|---|---|---|---|---|---|---|');
  for (const s of r.sizes) {
    const p = s.paged!;
    L.push(`| all namespaces | ${count(s.pods)} | ${mib(s.full.bytes)} | ${duration(s.full.headersMs)} | ${duration(s.full.latency.p50)} | ${duration(p.wallMs)} | ${p.pages} | ${ms(p.page.p50)} / ${ms(p.page.p99)} ms |`);
  }
  L.push('');

  L.push(`### Watch delivery (${count(r.watch.watchers)} watchers on one namespace's pods)`, '');
  L.push(`${count(r.watch.watchers)} watch streams opened in ${duration(r.watch.openMs)} (${r.watch.failedToOpen} failed), read by worker threads of the benchmark process. Each update is a PUT of a pod in that namespace with a sequence annotation; every watcher should see each update once.`, '');
  L.push('| Updates/s | Updates | Events delivered | Events/s | Send → read p50 | p99 | max | Ack → read p50 | p99 | Send → last watcher p50 | p99 | PUT p50 / p99 |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.watch.rates) {
    L.push(`| ${x.rate} | ${x.updates} | ${count(x.received)} / ${count(x.expected)} | ${count(Math.round(x.deliveredPerSec))} | ${ms(x.fromSend.p50)} | ${ms(x.fromSend.p99)} | ${ms(x.fromSend.max)} | ${ms(x.fromAck.p50)} | ${ms(x.fromAck.p99)} | ${ms(x.fanOut.p50)} | ${ms(x.fanOut.p99)} | ${ms(x.put.p50)} / ${ms(x.put.p99)} |`);
  }
  L.push('');
  L.push(`Streams closed early: ${r.watch.endedEarly}; ERROR events: ${r.watch.errorEvents}. "Ack → read" is negative when the watch event reached the watcher before the PUT's reply reached the writer.`, '');

  L.push('### Startup', '');
  L.push('Polled from the spawn: /readyz on the known port every 10 ms. "Startup line" is when `eksplane apiserver` printed its `listening on` line (after it started its controllers and wrote the kubeconfig).', '');
  L.push('| Start | spawn → /readyz ok | spawn → startup line | spawn → full LIST returned |', '|---|---|---|---|');
  L.push(`| empty data dir (first start: CA and certificates generated) | ${duration(r.emptyStartMs)} | ${duration(r.emptyListeningMs)} | — |`);
  L.push(`| restart with ${count(r.restart.objects)} pods (after SIGTERM; shutdown took ${duration(r.restart.stopMs)}) | ${duration(r.restart.readyMs)} | ${duration(r.restart.listeningMs)} | ${duration(r.restart.fullListMs)} |`);
  L.push('');

  L.push('### CPU by phase', '');
  L.push(`Percent of one core; the ${r.machine.cores} cores give ${r.machine.cores * 100}% in all. The benchmark's own TLS and parsing work competes with the server's, and so does anything else running on the machine (last column).`, '');
  L.push('| Phase | Wall | Server CPU | Benchmark CPU | Other processes |', '|---|---|---|---|---|');
  for (const p of r.phases) {
    const wall = (p.endUs - p.startUs) / 1000;
    const pc = (v: number) => (Number.isFinite(v) ? `${((v / wall) * 100).toFixed(0)}%` : '—');
    L.push(`| ${p.name} | ${duration(wall)} | ${pc(p.serverCpuMs)} | ${pc(p.benchCpuMs)} | ${pc(p.otherCpuMs)} |`);
  }
  L.push('');

  L.push('### Memory (server RSS, /proc/<pid>/status)', '');
  L.push('| Point (in order) | RSS | Peak so far (VmHWM) |', '|---|---|---|');
  for (const m of r.memory) L.push(`| ${m.point} | ${mib(m.rss)} | ${mib(m.hwm)} |`);
  const m0 = r.memory[0]!;
  const loaded = r.memory.filter((m) => m.point.includes('right after loading'));
  const perTenK = (m: Memory & { pods: number }) => mib(((m.rss - m0.rss) / m.pods) * 10_000);
  L.push('', `Per 10k pods (RSS growth over the empty server, divided): ${loaded.map((m) => `${perTenK(m)} at ${count(m.pods)}`).join(', ')} right after loading through the API; ${perTenK({ ...r.restart.memoryAfter, pods: r.restart.objects })} in the fresh process that loaded ${count(r.restart.objects)} from SQLite at startup. RSS includes garbage not yet collected; the peak column shows what large lists cost on top.`);
  L.push('', END);
  return L.join('\n');
}

