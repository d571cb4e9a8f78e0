/**
 * Scheduler throughput: pods bound per second with N nodes and 30 pods per node, against
 * kube-scheduler's published scheduler_perf figures.
 *
 *   node --import tsx bench/scheduler/run.ts [--nodes 500,5000] [--pods-per-node 30] [--max-pods 15000] [--no-doc]
 *
 * Pods per size: nodes × pods-per-node, capped at --max-pods so the default run stays within a
 * few minutes (5,000 nodes then get 15,000 pods, the shape of scheduler_perf's
 * SchedulingBasic 5000Nodes_10000Pods; `--max-pods 150000` runs the full 30 per node). Pods are
 * created first (in batches of 1,000, 100 in flight); then the scheduler starts and the clock runs
 * from its start (informer lists included) to the last binding seen.
 *
 * Each size runs on a fresh in-process API server (memory store) with a fresh scheduler. Results
 * go to stdout and, unless --no-doc, into docs/benchmarks.md between the `bench:scheduler` markers.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../src/kubeclient/client.js';
import { SharedInformers } from '../../src/kubeclient/shared-informers.js';
import type { KubeObject } from '../../src/kubeclient/types.js';
import { realClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { startInProcessCluster } from '../../src/server/in-process-transport.js';
import { updateDoc } from '../lib/doc.js';
import { renderSection, type SchedulerBenchResults, type SizeResult, type Upstream } from './report.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '500,5000' },
    'pods-per-node': { type: 'string', default: '30' },
    'max-pods': { type: 'string', default: '15000' },
    'no-doc': { type: 'boolean', default: false },
  },
});
const SIZES = args.nodes.split(',').map(Number);
const PER_NODE = Number(args['pods-per-node']);
const MAX_PODS = Number(args['max-pods']);

const UPSTREAM: Upstream = { workload: 'SchedulingBasic 5000Nodes_10000Pods threshold', podsPerSecond: 680, source: 'test/integration/scheduler_perf/misc/performance-config.yaml' };

async function pool<T>(items: T[], concurrency: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

async function runSize(nodes: number): Promise<SizeResult> {
  const cluster = await startInProcessCluster();
  const client = new KubeClient(cluster.transport);
  const log = silentLogger();
  const informers = new SharedInformers(client, realClock, log);
  const NODES = { group: '', version: 'v1', resource: 'nodes' };
  const alloc = { cpu: '4', memory: '32Gi', pods: '110' };
  await pool([...Array(nodes).keys()], 100, (i) =>
    client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` } }, status: { allocatable: alloc, capacity: alloc, conditions: [{ type: 'Ready', status: 'True' }] } }),
  );
  const total = Math.min(nodes * PER_NODE, MAX_PODS);
  let bound = 0;
  const perSecond = new Map<number, number>();
  let lastBound = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const pods = informers.informer<Pod & KubeObject>({ resource: { group: '', version: 'v1', resource: 'pods' } });
  pods.addEventHandler({
    onUpdate(old, pod) {
      if (old.spec?.nodeName || !pod.spec?.nodeName) return;
      bound++;
      lastBound = performance.now();
      const sec = Math.floor(lastBound / 1000);
      perSecond.set(sec, (perSecond.get(sec) ?? 0) + 1);
      if (bound === total) resolveAll();
    },
  });
  const PODS = { group: '', version: 'v1', resource: 'pods', namespace: 'default' };
  const createStart = performance.now();
  const names = [...Array(total).keys()];
  for (let b = 0; b < total; b += 1000) {
    await pool(names.slice(b, b + 1000), 100, (i) =>
      client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] } }),
    );
  }
  const created = performance.now();
  // The scheduler starts on a cluster full of pending pods: its informers list them, then it schedules.
  const start = performance.now();
  const scheduler = new Scheduler({ client, informers, clock: realClock, log });
  scheduler.start();
  const timeout = setTimeout(() => resolveAll(), 600_000);
  await all;
  clearTimeout(timeout);
  const wallMs = lastBound - start;
  const rates = [...perSecond.entries()].sort((a, b) => a[0] - b[0]).slice(1, -1).map(([, v]) => v).sort((a, b) => a - b);
  const rss = process.memoryUsage().rss / 2 ** 20;
  await scheduler.stop();
  await cluster.stop();
  const r: SizeResult = {
    nodes,
    pods: bound,
    wallMs,
    bindRate: (bound / wallMs) * 1000,
    createRate: (total / (created - createStart)) * 1000,
    peakRate: rates[rates.length - 1] ?? bound,
    p50Rate: rates[Math.floor(rates.length / 2)] ?? bound,
    rssMiB: rss,
    upstream: UPSTREAM,
  };
  process.stdout.write(`${nodes} nodes, ${bound}/${total} pods bound in ${(wallMs / 1000).toFixed(1)} s: ${r.bindRate.toFixed(0)} pods/s (p50 ${r.p50Rate}/s, peak ${r.peakRate}/s; creates ${r.createRate.toFixed(0)}/s); ${(r.bindRate / UPSTREAM.podsPerSecond).toFixed(2)}× kube-scheduler's ${UPSTREAM.podsPerSecond} pods/s (${UPSTREAM.workload}); RSS ${rss.toFixed(0)} MiB\n`);
  return r;
}

const loadStart = loadavg();
const sizes: SizeResult[] = [];
for (const n of SIZES) sizes.push(await runSize(n));
const results: SchedulerBenchResults = {
  date: new Date().toISOString(),
  command: `node --import tsx bench/scheduler/run.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
  machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
  load: { start: loadStart, end: loadavg() },
  sizes,
};
if (!args['no-doc']) process.stdout.write(`written to ${updateDoc(renderSection(results))}\n`);
