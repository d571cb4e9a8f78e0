/**
 * The `bench:clusters` section of docs/benchmarks.md: what bench/clusters/run.ts measured, as
 * markdown, written between its own markers only (other sections belong to other benchmarks).
 */
import type { Stats } from '../aws/client.js';

export const BEGIN = '<!-- bench:clusters -->';
export const END = '<!-- /bench:clusters -->';

/** One cluster's way from CreateCluster to a working `kubectl get ns`, ms from the CreateCluster call. */
export interface Timeline {
  createMs: number;
  activeMs: number;
  namespacesMs: number;
}

export interface ClustersBenchResults {
  date: string;
  command: string;
  commit: string;
  machine: { cores: number; cpu: string; memGiB: number; node: string };
  load: { start: number[]; end: number[] };
  params: { clusters: number; first: number; concurrency: number; settleSeconds: number };
  baselineRssMiB: number;
  /** The first clusters, one at a time in an empty server. */
  first: Timeline[];
  /** The rest, created with `concurrency` in flight. */
  many: { count: number; seconds: number; serverCpuMsPerCluster: number; namespacesMs: Stats; rssMiB: number };
  /** All N clusters idle after the settle time. */
  idle: { rssMiB: number; perClusterMiB: number; cpuPercent: number };
  /** One at a time again, with N clusters in the process. */
  loaded: Timeline[];
  deleteSeconds: number;
  peakRssMiB: number;
}

const ms = (n: number): string => `${Math.round(n)} ms`;
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;

/** The section, markers included. */
export function renderSection(r: ClustersBenchResults): string {
  const p = r.params;
  const m = r.machine;
  const lines: string[] = [];
  const timelineRows = (label: string, ts: Timeline[]) =>
    ts.forEach((t, i) => lines.push(`| ${label} #${i + 1} | ${ms(t.createMs)} | ${ms(t.activeMs)} | ${ms(t.namespacesMs)} |`));
  lines.push(BEGIN);
  lines.push('## The cost of an EKS cluster');
  lines.push('');
  lines.push(`- Command: \`${r.command}\``);
  lines.push('- To run: `node --import tsx bench/clusters/run.ts` (about 2 minutes, rewrites this section); `--clusters N --first N --concurrency N --settle S` change the workload, `--cpu-prof DIR` profiles the server, `--no-doc` only prints, `--json FILE` / `--render FILE` save and re-render; see the top of bench/clusters/run.ts.');
  lines.push(`- Date: ${r.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}; eksplane at commit ${r.commit}`);
  lines.push(`- Machine: ${m.cores} cores (${m.cpu}), ${m.memGiB.toFixed(1)} GiB RAM; Node ${m.node}. Load average (1/5/15 min) at start ${r.load.start.map((v) => v.toFixed(2)).join(' / ')}, at end ${r.load.end.map((v) => v.toFixed(2)).join(' / ')} — the cores are shared with other work, so times move between runs.`);
  lines.push('- Setup: a spawned `eksplane server` (strict SigV4 and IAM, SQLite store, default timings: a cluster may turn ACTIVE once its API server answers and its creation delay has passed), driven with the AWS SDK for JavaScript v3. Every cluster is a real Kubernetes API server (own CA, serving certificate, HTTPS port, service-account key), its bootstrap objects, its controllers and its data plane (scheduler, VPC CNI, kubelet fleet, default add-ons), started on the first connection to its endpoint (here: the `kubectl get ns` below), so the time of that request includes the bring-up.');
  lines.push('- "kubectl get ns" is what kubectl does after `aws eks update-kubeconfig`: DescribeCluster every 20 ms until ACTIVE (endpoint and CA are absent before), then GET /api/v1/namespaces on a fresh TLS connection verified against the cluster\'s CA, with an `aws eks get-token` bearer token (presigned STS GetCallerIdentity, checked against IAM and mapped through the creator\'s access).');
  lines.push('');
  lines.push('### Time from CreateCluster to a working `kubectl get ns`');
  lines.push('');
  lines.push('| Cluster | CreateCluster answered | ACTIVE seen | `GET /api/v1/namespaces` 200 |');
  lines.push('|---|---|---|---|');
  timelineRows('empty server', r.first);
  timelineRows(`${p.clusters} clusters already running`, r.loaded);
  lines.push('');
  lines.push(`${r.many.count} more clusters created with ${p.concurrency} in flight: CreateCluster → \`kubectl get ns\` p50 ${ms(r.many.namespacesMs.p50)}, p99 ${ms(r.many.namespacesMs.p99)}.`);
  lines.push('');
  lines.push(`### ${p.clusters} clusters in one process`);
  lines.push('');
  lines.push('| Measure | Value |');
  lines.push('|---|---|');
  lines.push(`| Server RSS before any cluster | ${r.baselineRssMiB.toFixed(0)} MiB |`);
  lines.push(`| ${r.many.count} clusters, ${p.concurrency} in flight, all answering \`kubectl get ns\` | ${r.many.seconds.toFixed(1)} s (${(r.many.count / r.many.seconds).toFixed(1)} clusters/s; server CPU ${ms(r.many.serverCpuMsPerCluster)} per cluster) |`);
  lines.push(`| RSS right after | ${r.many.rssMiB.toFixed(0)} MiB |`);
  lines.push(`| RSS with ${p.clusters} idle clusters (after ${p.settleSeconds} s) | ${r.idle.rssMiB.toFixed(0)} MiB |`);
  lines.push(`| Memory per idle cluster ((RSS − before) / ${p.clusters}) | **${r.idle.perClusterMiB.toFixed(1)} MiB** |`);
  lines.push(`| Server CPU while ${p.clusters} clusters idle | ${r.idle.cpuPercent.toFixed(1)}% of one core |`);
  lines.push(`| Peak RSS of the run | ${r.peakRssMiB.toFixed(0)} MiB |`);
  lines.push(`| All ${p.clusters + r.loaded.length} clusters deleted (32 in flight) until DescribeCluster answers 404 | ${r.deleteSeconds.toFixed(1)} s |`);
  lines.push('');
  lines.push('### Against the targets');
  lines.push('');
  lines.push('| Target (issue 5) | Measured | |');
  lines.push('|---|---|---|');
  const firstMed = med(r.first.map((t) => t.namespacesMs));
  lines.push(`| CreateCluster → working \`kubectl get ns\` < 1 s (default timing; median of ${r.first.length}, empty server) | ${ms(firstMed)} | ${firstMed < 1000 ? '✅ met' : '❌ missed'} |`);
  lines.push(`| Memory per idle cluster < 30 MB | ${(r.idle.perClusterMiB * 1.048576).toFixed(1)} MB | ${r.idle.perClusterMiB * 1.048576 < 30 ? '✅ met' : '❌ missed'} |`);
  lines.push(`| ${p.clusters} clusters in one process | ${p.clusters + r.loaded.length} created, all served, all deleted | ✅ met |`);
  lines.push(END);
  return lines.join('\n');
}

