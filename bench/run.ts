/**
 * API server core benchmark on the SQLite store: spawns `eksplane apiserver` on a temporary data
 * directory and measures it through HTTPS with the admin client certificate.
 *
 *   node --import tsx bench/run.ts [--pods 100000] [--quick] [--doc|--no-doc] [--json FILE]
 *                                  [--watchers 1000] [--watch-rates 20,100] [--watch-updates 200]
 *                                  [--concurrency 64] [--profile DIR] [--keep] [--server-dir DIR]
 *                                  [--wait-idle SECONDS]
 *   node --import tsx bench/run.ts --render results.json      (a saved --json run into the doc)
 *
 * Phases: startup (empty) → load to 10k pods → single-object and list latency → load to N →
 * the same at N, unpaged and paged lists of everything → 1,000 watchers → restart on the same
 * data dir. The results go to stdout and, for a full run, into docs/benchmarks.md between the
 * `bench:apiserver` markers.
 *
 * - `--profile DIR` runs the server with `--cpu-prof` (node flags: NODE_OPTIONS refuses them),
 *   one .cpuprofile per server process; with `--json`, bench/profile-summary.ts splits them by phase.
 * - `--server-dir DIR` runs the server from another checkout (e.g. a clean clone of a commit
 *   while the working tree moves under other people's edits).
 * - `--wait-idle S` waits up to S seconds (full runs: 300) for the machine to be idle first.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { getPriority, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { expectStatus, KubeHttp, OccurrenceCounter, readKubeconfig } from './lib/client.js';
import { describeMachine, machineBusyMs } from './lib/machine.js';
import { namespaceObject, namespaceOf, PODS_PER_NAMESPACE, podObject, podPath } from './lib/pods.js';
import { updateDoc } from './lib/doc.js';
import { renderReport, type BenchResults, type ListResult, type OpResult, type Phase, type SizeResult } from './lib/report.js';
import { runConcurrent } from './lib/runner.js';
import { commitOf, cpuMsOf, freePort, killAllChildren, memoryOf, REPO_ROOT, startServer, type ServerHandle } from './lib/server-process.js';
import { summarize } from './lib/stats.js';
import { runWatchTest } from './lib/watch-test.js';

const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '100000' },
    quick: { type: 'boolean', default: false },
    doc: { type: 'boolean' },
    'no-doc': { type: 'boolean', default: false },
    json: { type: 'string' },
    watchers: { type: 'string', default: '1000' },
    'watch-rates': { type: 'string', default: '20,100' },
    'watch-updates': { type: 'string', default: '200' },
    'watch-workers': { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '64' },
    profile: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'server-dir': { type: 'string' },
    'wait-idle': { type: 'string' },
    render: { type: 'string' },
  },
});

if (args.render) {
  // Re-render a saved --json result into docs/benchmarks.md (e.g. the least disturbed of several runs).
  const file = updateDoc(renderReport(JSON.parse(readFileSync(args.render, 'utf8')) as BenchResults));
  process.stderr.write(`wrote ${file}\n`);
  process.exit(0);
}

const TOTAL = args.quick ? 10_000 : Number(args.pods);
if (!Number.isInteger(TOTAL) || TOTAL < 1000 || TOTAL % 1000 !== 0) throw new Error('--pods must be a multiple of 1000');
const CHECKPOINTS = [...new Set([Math.min(10_000, TOTAL), TOTAL])];
const LOAD_CONCURRENCY = Number(args.concurrency);
const THROUGHPUT_CONCURRENCY = 32;
const SEQ = { create: 1000, get: 2000, update: 1000, delete: 1000 };
const CONC = { get: 10_000, update: 3000 };
const LAT_NS = 'bench-latency';
/** One per pod in every list item: the stored form begins with apiVersion, kind, metadata. */
const ITEM_MARKER = '"kind":"Pod","metadata":{';
const writeDoc = args['no-doc'] ? false : (args.doc ?? !args.quick);

const dataRoot = mkdtempSync(join(tmpdir(), 'eksplane-bench-'));
const dataDir = join(dataRoot, 'data');
const kubeconfig = join(dataRoot, 'kubeconfig');
const profileDir = args.profile ? resolve(args.profile) : undefined;
const serverDir = args['server-dir'] ? resolve(args['server-dir']) : REPO_ROOT;
const t0 = performance.now();

/** Wall-clock windows of the phases, on the clock V8's CPU profiles use (CLOCK_MONOTONIC, µs). */
const phases: Phase[] = [];
const monoUs = () => Number(process.hrtime.bigint() / 1000n);

/** The server process being measured (phases read its CPU time). */
let serverPid = 0;

async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const startUs = monoUs();
  const server0 = cpuMsOf(serverPid);
  const bench0 = process.cpuUsage();
  const machine0 = machineBusyMs();
  try {
    return await fn();
  } finally {
    const bench = process.cpuUsage(bench0);
    const serverCpuMs = cpuMsOf(serverPid) - server0;
    const benchCpuMs = (bench.user + bench.system) / 1000;
    phases.push({ name, startUs, endUs: monoUs(), serverCpuMs, benchCpuMs, otherCpuMs: Math.max(0, machineBusyMs() - machine0 - serverCpuMs - benchCpuMs) });
  }
}

function log(msg: string): void {
  process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}

/** Deterministic pseudo-random integers (mulberry32), so runs pick the same pods. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function distinct(count: number, max: number, seed: number): number[] {
  const pick = rng(seed);
  const out = new Set<number>();
  while (out.size < Math.min(count, max)) out.add(pick(max));
  return [...out];
}

/**
 * Waits (up to `maxSeconds`) for a 2-second window in which the rest of the machine uses less
 * than a fifth of one core, so a full run does not start on top of somebody's build.
 */
async function waitIdle(maxSeconds: number): Promise<void> {
  const end = performance.now() + maxSeconds * 1000;
  let lastLog = 0;
  for (;;) {
    const b0 = machineBusyMs();
    await new Promise((r) => setTimeout(r, 2000));
    const busy = (machineBusyMs() - b0) / 2000;
    if (busy < 0.2) return;
    if (performance.now() > end) {
      log(`machine still busy (${(busy * 100).toFixed(0)}% of a core); starting anyway`);
      return;
    }
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      log(`waiting for the machine to go idle (${(busy * 100).toFixed(0)}% of a core busy)`);
    }
  }
}

/**
 * Polls /readyz (public, as upstream's system:public-info-viewer; no client certificate needed
 * and, on the first start, no CA known yet) until it answers ok, connection refused meanwhile.
 * Fails early if the server exits, and after `deadlineMs`.
 */
async function pollReady(url: string, starting: Promise<ServerHandle>, deadlineMs = 120_000): Promise<void> {
  let exited: Error | undefined;
  starting.catch((e: Error) => (exited = e));
  const end = performance.now() + deadlineMs;
  for (;;) {
    const r = await readyz(url).catch((e: Error) => e);
    if (r === 'ok') return;
    if (exited) throw exited;
    if (performance.now() > end) throw new Error(`server not ready after ${deadlineMs} ms (last: ${r instanceof Error ? r.message : r})`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

function readyz(base: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${base}/readyz`, { rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body : `HTTP ${res.statusCode} ${body.slice(0, 200)}`));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

async function loadPods(client: KubeHttp, from: number, to: number): Promise<SizeResult['load']> {
  log(`loading pods ${from}..${to} with ${LOAD_CONCURRENCY} in flight`);
  const r = await runConcurrent(
    to - from,
    LOAD_CONCURRENCY,
    async (k) => {
      const i = from + k;
      const res = await client.request('POST', `/api/v1/namespaces/${namespaceOf(i)}/pods`, podObject(i));
      expectStatus(res, [201], `create pod ${i}`);
    },
    (done) => log(`  ${from + done} pods`),
  );
  return { count: to - from, concurrency: LOAD_CONCURRENCY, rate: r.rate, wallMs: r.wallMs, latency: summarize(r.latencies) };
}

async function fetchObject(client: KubeHttp, path: string): Promise<Record<string, unknown>> {
  return client.json<Record<string, unknown>>('GET', path);
}

function touched(obj: Record<string, unknown>, n: number): string {
  const meta = obj.metadata as { annotations?: Record<string, string> };
  meta.annotations = { ...meta.annotations, 'bench.eksplane.io/touch': String(n) };
  return JSON.stringify(obj);
}

async function measureOps(seqClient: KubeHttp, concClient: KubeHttp, size: number): Promise<OpResult[]> {
  const ops: OpResult[] = [];
  log(`single-object latency at ${size} pods (1 in flight)`);
  const latName = (i: number) => `lat-${size}-${i}`;
  const create = await runConcurrent(SEQ.create, 1, async (i) => {
    const obj = podObject(i);
    (obj.metadata as { name: string; namespace: string }).name = latName(i);
    (obj.metadata as { name: string; namespace: string }).namespace = LAT_NS;
    const r = await seqClient.request('POST', `/api/v1/namespaces/${LAT_NS}/pods`, obj);
    expectStatus(r, [201], 'create');
    return r.ms;
  });
  ops.push({ name: 'create (POST)', seq: summarize(create.latencies) });

  const getIdx = distinct(SEQ.get, size, size + 1);
  const get = await runConcurrent(getIdx.length, 1, async (i) => {
    const r = await seqClient.request('GET', podPath(getIdx[i]!));
    expectStatus(r, [200], 'get');
    return r.ms;
  });
  const getConcIdx = distinct(CONC.get, size, size + 2);
  const getConc = await runConcurrent(getConcIdx.length, THROUGHPUT_CONCURRENCY, async (i) => {
    const r = await concClient.request('GET', podPath(getConcIdx[i]!));
    expectStatus(r, [200], 'get');
    return r.ms;
  });
  ops.push({ name: 'get', seq: summarize(get.latencies), conc: { concurrency: THROUGHPUT_CONCURRENCY, rate: getConc.rate, latency: summarize(getConc.latencies) } });

  const updIdx = distinct(SEQ.update + CONC.update, size, size + 3);
  const upd = await runConcurrent(SEQ.update, 1, async (i) => {
    const path = podPath(updIdx[i]!);
    const body = touched(await fetchObject(seqClient, path), i);
    const r = await seqClient.request('PUT', path, body);
    expectStatus(r, [200], 'update');
    return r.ms;
  });
  const concIdx = updIdx.slice(SEQ.update);
  const bodies = new Array<string>(concIdx.length);
  await runConcurrent(concIdx.length, THROUGHPUT_CONCURRENCY, async (i) => {
    bodies[i] = touched(await fetchObject(concClient, podPath(concIdx[i]!)), i);
  });
  const updConc = await runConcurrent(concIdx.length, THROUGHPUT_CONCURRENCY, async (i) => {
    const r = await concClient.request('PUT', podPath(concIdx[i]!), bodies[i]);
    expectStatus(r, [200], 'update');
    return r.ms;
  });
  ops.push({ name: 'update (PUT with resourceVersion)', seq: summarize(upd.latencies), conc: { concurrency: THROUGHPUT_CONCURRENCY, rate: updConc.rate, latency: summarize(updConc.latencies) } });

  const del = await runConcurrent(SEQ.delete, 1, async (i) => {
    const r = await seqClient.request('DELETE', `/api/v1/namespaces/${LAT_NS}/pods/${latName(i)}`);
    expectStatus(r, [200], 'delete');
    return r.ms;
  });
  ops.push({ name: 'delete', seq: summarize(del.latencies) });
  return ops;
}

/** Sequential GETs of a list, each checked for its item count. */
async function measureList(client: KubeHttp, name: string, path: string, runs: number, expectItems: number): Promise<ListResult> {
  const lat: number[] = [];
  let bytes = 0;
  let headersMs = 0;
  for (let k = 0; k < runs; k++) {
    const counter = new OccurrenceCounter(ITEM_MARKER);
    const r = await client.stream(path, (c) => counter.push(c));
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`);
    if (counter.count !== expectItems) throw new Error(`${path}: ${counter.count} items, expected ${expectItems}`);
    lat.push(r.ms);
    bytes = r.bytes;
    headersMs += r.headersMs;
  }
  return { name, path, items: expectItems, bytes, latency: summarize(lat), headersMs: headersMs / runs };
}

/** Pages through every pod with limit=500, as informers and `kubectl get --chunk-size` do. */
async function pagedListAll(client: KubeHttp, expectItems: number): Promise<SizeResult['paged']> {
  const start = performance.now();
  let cont = '';
  let pages = 0;
  let items = 0;
  const pageMs: number[] = [];
  for (;;) {
    const r = await client.request('GET', `/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    expectStatus(r, [200], 'paged list');
    pages++;
    pageMs.push(r.ms);
    const counter = new OccurrenceCounter(ITEM_MARKER);
    counter.push(r.body);
    items += counter.count;
    const head = r.body.subarray(0, 2000).toString('utf8');
    const m = /"metadata":\{[^}]*"continue":"([^"]+)"/.exec(head);
    if (!m) break;
    cont = m[1]!;
  }
  if (items !== expectItems) throw new Error(`paged list: ${items} items, expected ${expectItems}`);
  return { wallMs: performance.now() - start, pages, items, page: summarize(pageMs) };
}

async function measureLists(client: KubeHttp, size: number): Promise<{ lists: ListResult[]; full: ListResult; paged: SizeResult['paged'] }> {
  log(`list latency at ${size} pods`);
  const lists = await phase(`small lists at ${size}`, async () => [
    await measureList(client, `namespace, all ${PODS_PER_NAMESPACE} pods`, '/api/v1/namespaces/bench-000/pods', 20, PODS_PER_NAMESPACE),
    await measureList(client, 'namespace, labelSelector app=web-7 (20 pods)', '/api/v1/namespaces/bench-000/pods?labelSelector=app%3Dweb-7', 50, PODS_PER_NAMESPACE / 50),
    await measureList(client, 'namespace, limit=500 (first page)', '/api/v1/namespaces/bench-000/pods?limit=500', 20, 500),
    await measureList(client, 'all namespaces, limit=500 (first page)', '/api/v1/pods?limit=500', 20, 500),
  ]);
  log(`unpaged list of all ${size} pods`);
  const full = await phase(`unpaged list at ${size}`, () => measureList(client, `all namespaces, unpaged (${size} pods)`, '/api/v1/pods', 3, size));
  log(`paged list (limit=500) of all ${size} pods`);
  const paged = await phase(`paged list at ${size}`, () => pagedListAll(client, size));
  return { lists, full, paged };
}

async function main(): Promise<BenchResults> {
  await waitIdle(Number(args['wait-idle'] ?? (args.quick ? 0 : 300)));
  const started = new Date();
  const loadStart = loadavg();
  const machine = describeMachine(dataRoot);
  log(`data dir ${dataDir}; ${TOTAL} pods; machine ${machine.cores} cores, ${machine.memTotalGiB.toFixed(1)} GiB`);
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];

  // A fixed port, kept across the restart, so /readyz can be polled from the moment of the spawn.
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const spawnAt = performance.now();
  const starting = startServer({ dataDir, kubeconfig, nodeArgs, serverDir, port });
  await pollReady(url, starting);
  const emptyStartMs = performance.now() - spawnAt;
  let server: ServerHandle = await starting;
  const emptyListeningMs = server.startMs;
  serverPid = server.pid;
  const creds = readKubeconfig(kubeconfig);
  log(`server pid ${server.pid} at ${server.url}, ready in ${emptyStartMs.toFixed(0)} ms`);
  const memory: BenchResults['memory'] = [];
  const snapshot = (point: string, pods: number) => {
    const m = { point, pods, ...memoryOf(server.pid) };
    memory.push(m);
    return m;
  };
  snapshot('started, no pods', 0);

  const seqClient = new KubeHttp(creds, 1);
  const concClient = new KubeHttp(creds, Math.max(LOAD_CONCURRENCY, THROUGHPUT_CONCURRENCY));
  const namespaces = [...new Set(Array.from({ length: Math.ceil(TOTAL / PODS_PER_NAMESPACE) }, (_, k) => namespaceOf(k * PODS_PER_NAMESPACE))), LAT_NS];
  await runConcurrent(namespaces.length, 16, async (k) => {
    const r = await concClient.request('POST', '/api/v1/namespaces', namespaceObject(namespaces[k]!));
    expectStatus(r, [201], `create namespace ${namespaces[k]}`);
  });

  const sizes: SizeResult[] = [];
  let servedPodBytes = 0;
  let loaded = 0;
  for (const size of CHECKPOINTS) {
    const load = await phase(`load to ${size}`, () => loadPods(concClient, loaded, size));
    loaded = size;
    const afterLoad = snapshot(`${size.toLocaleString('en-US')} pods, right after loading them`, size);
    log(`loaded ${size} pods at ${load.rate.toFixed(0)}/s; server RSS ${(afterLoad.rss / 2 ** 20).toFixed(0)} MiB`);
    servedPodBytes = (await seqClient.request('GET', podPath(0))).body.length;
    const ops = await phase(`single-object ops at ${size}`, () => measureOps(seqClient, concClient, size));
    const { lists, full, paged } = await measureLists(seqClient, size);
    sizes.push({ pods: size, load, ops, lists, full, paged });
    snapshot(`${size.toLocaleString('en-US')} pods, after the latency and list runs`, size);
  }

  log(`watch test: ${args.watchers} watchers`);
  const podPaths = Array.from({ length: PODS_PER_NAMESPACE }, (_, i) => podPath(i));
  const watchClient = new KubeHttp(creds, 8);
  const watch = await runWatchTest({
    creds,
    client: watchClient,
    namespace: namespaceOf(0),
    podPaths,
    watchers: Number(args.watchers),
    workers: Number(args['watch-workers']),
    rates: args['watch-rates'].split(',').map(Number),
    updatesPerRate: Number(args['watch-updates']),
    phase,
    onOpen: () => {
      const m = snapshot(`${TOTAL.toLocaleString('en-US')} pods, ${args.watchers} watches open`, TOTAL);
      log(`watches open; server RSS ${(m.rss / 2 ** 20).toFixed(0)} MiB`);
    },
  });
  watchClient.close();
  seqClient.close();
  concClient.close();

  log('restart: SIGTERM, then start on the same data dir and port');
  const stopMs = await server.stop();
  const restartStartUs = monoUs();
  const respawnAt = performance.now();
  const restarting = startServer({ dataDir, kubeconfig, nodeArgs, serverDir, port });
  await pollReady(url, restarting);
  const readyMs = performance.now() - respawnAt;
  server = await restarting;
  const listeningMs = server.startMs;
  const afterRestart = snapshot(`${TOTAL.toLocaleString('en-US')} pods, fresh process after restart, /readyz just ok`, TOTAL);
  const listClient = new KubeHttp(creds, 1);
  const counter = new OccurrenceCounter(ITEM_MARKER);
  const first = await listClient.stream('/api/v1/pods', (c) => counter.push(c));
  const fullListMs = performance.now() - respawnAt;
  if (first.status !== 200 || counter.count !== TOTAL) throw new Error(`list after restart: HTTP ${first.status}, ${counter.count} items`);
  listClient.close();
  phases.push({ name: 'restart until full list', startUs: restartStartUs, endUs: monoUs(), serverCpuMs: cpuMsOf(server.pid), benchCpuMs: Number.NaN, otherCpuMs: Number.NaN });
  log(`restart: listening ${listeningMs.toFixed(0)} ms, ready ${readyMs.toFixed(0)} ms, full list ${fullListMs.toFixed(0)} ms`);
  await server.stop();

  return {
    date: started.toISOString(),
    command: `${getPriority() ? `nice -n ${getPriority()} ` : ''}node --import tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    serverCommit: serverDir === REPO_ROOT || commitOf(serverDir) !== 'unknown' ? commitOf(serverDir) : `a copy of the working tree at ${commitOf(REPO_ROOT)}`,
    podBytes: Buffer.byteLength(JSON.stringify(podObject(0))),
    servedPodBytes,
    total: TOTAL,
    emptyStartMs,
    emptyListeningMs,
    sizes,
    watch,
    restart: { objects: TOTAL, stopMs, listeningMs, readyMs, fullListMs, memoryAfter: afterRestart },
    memory,
    profiled: !!profileDir,
    loadAverage: { start: loadStart, end: loadavg() },
    phases,
  };
}

let failed = false;
const cleanUp = () => {
  killAllChildren();
  if (!args.keep) rmSync(dataRoot, { recursive: true, force: true });
  else log(`kept ${dataRoot}`);
};
const onSignal = () => {
  cleanUp();
  process.exit(130);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
try {
  const results = await main();
  const report = renderReport(results);
  process.stdout.write(`${report}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
  if (writeDoc) {
    const file = updateDoc(report);
    log(`wrote ${file}`);
  }
} catch (err) {
  failed = true;
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
} finally {
  cleanUp();
}
process.exit(failed ? 1 : 0);
