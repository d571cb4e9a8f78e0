/**
 * The API server's four speed targets (issue 2) on a prepared data directory, for quick
 * before/after comparisons without re-creating 100k pods through the API each time:
 *
 *   node --import tsx bench/targets.ts --make DIR [--pods 100000]   (once: a data dir with N pods)
 *   node --import tsx bench/targets.ts --data DIR [--server-dir CHECKOUT] [--watchers 1000]
 *                                      [--rate 20] [--updates 200] [--cpu-prof PROFDIR]
 *                                      [--server-flags='--trace-gc …'] [--server-output FILE]
 *
 * `--make` starts the server on an empty DIR, creates the namespaces and the first 1,000 pods
 * through HTTPS (so they are exactly as the server stores them), stops it, and clones those stored
 * pods into the rest with their own name, namespace and uid straight into the SQLite log.
 * `--data` copies DIR aside and measures on the copy: restart (spawn → /readyz, → first full
 * LIST), three unpaged LISTs of every pod, 300 sequential PUTs, and watch delivery to `watchers`
 * watches at `rate` updates/s (the same test as bench/run.ts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { expectStatus, KubeHttp, OccurrenceCounter, readKubeconfig } from './lib/client.js';
import { nameOf, namespaceObject, namespaceOf, PODS_PER_NAMESPACE, podObject, podPath } from './lib/pods.js';
import { runConcurrent } from './lib/runner.js';
import { cpuMsOf, freePort, killAllChildren, memoryOf, REPO_ROOT, startServer, type ServerHandle } from './lib/server-process.js';
import { summarize, type Summary } from './lib/stats.js';
import { runWatchTest } from './lib/watch-test.js';

const { values: args } = parseArgs({
  options: {
    make: { type: 'string' },
    data: { type: 'string' },
    pods: { type: 'string', default: '100000' },
    'server-dir': { type: 'string' },
    watchers: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '20' },
    updates: { type: 'string', default: '200' },
    'cpu-prof': { type: 'string' },
    /** Extra node flags for the server, space-separated (e.g. `--trace-gc`). */
    'server-flags': { type: 'string' },
    /** Where the server's own output goes (e.g. the `--trace-gc` lines). */
    'server-output': { type: 'string' },
  },
});

const SAMPLE = PODS_PER_NAMESPACE;
const ITEM_MARKER = '"kind":"Pod","metadata":{';
const t0 = performance.now();
const log = (m: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
const fmt = (s: Summary) => `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (n=${s.count})`;

function readyz(base: string): Promise<boolean> {
  return new Promise((res) => {
    const req = https.get(`${base}/readyz`, { rejectUnauthorized: false, agent: false }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode === 200));
    });
    req.on('error', () => res(false));
    req.setTimeout(5000, () => req.destroy());
  });
}

async function start(dataDir: string, kubeconfig: string, serverDir: string): Promise<{ server: ServerHandle; readyMs: number; spawnAt: number }> {
  const port = await freePort();
  const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args['cpu-prof'])}`] : [];
  nodeArgs.push(...(args['server-flags']?.split(/\s+/).filter(Boolean) ?? []));
  const spawnAt = performance.now();
  const outputFile = args['server-output'] ? resolve(args['server-output']) : undefined;
  const starting = startServer({ dataDir, kubeconfig, serverDir, port, nodeArgs, outputFile });
  let failed: Error | undefined;
  starting.catch((e: Error) => (failed = e));
  while (!(await readyz(`https://127.0.0.1:${port}`))) {
    if (failed) throw failed;
    await new Promise((r) => setTimeout(r, 10));
  }
  const readyMs = performance.now() - spawnAt;
  return { server: await starting, readyMs, spawnAt };
}

async function make(dir: string, total: number): Promise<void> {
  const dataDir = join(dir, 'data');
  const { server } = await start(dataDir, join(dir, 'kubeconfig'), REPO_ROOT);
  const client = new KubeHttp(readKubeconfig(join(dir, 'kubeconfig')), 16);
  const namespaces = Array.from({ length: Math.ceil(total / PODS_PER_NAMESPACE) }, (_, k) => namespaceOf(k * PODS_PER_NAMESPACE));
  await runConcurrent(namespaces.length, 16, async (k) => expectStatus(await client.request('POST', '/api/v1/namespaces', namespaceObject(namespaces[k]!)), [201], 'namespace'));
  await runConcurrent(SAMPLE, 16, async (i) => expectStatus(await client.request('POST', `/api/v1/namespaces/${namespaceOf(i)}/pods`, podObject(i)), [201], 'pod'));
  client.close();
  await server.stop();
  log(`created ${namespaces.length} namespaces and ${SAMPLE} pods through the API; cloning the rest`);
  const db = new Database(join(dataDir, 'state.db'));
  const rows = db.prepare(`SELECT c.name, l.value FROM current c JOIN log l ON l.id = c.id WHERE c.name LIKE '/registry/core/pods/%'`).raw().all() as [string, Buffer][];
  const byName = new Map(rows.map(([k, v]) => [k.slice(k.lastIndexOf('/') + 1), v.toString('utf8')]));
  let id = (db.prepare('SELECT MAX(id) FROM log').pluck().get() as number) + 1;
  const insert = db.prepare('INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, 1, 0, ?, 0, ?, NULL)');
  const current = db.prepare('INSERT INTO current (name, id) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = SAMPLE; i < total; i++) {
      const from = byName.get(nameOf(i % SAMPLE))!;
      const value = from
        .replaceAll(`"${nameOf(i % SAMPLE)}"`, `"${nameOf(i)}"`)
        .replaceAll(`"${namespaceOf(0)}"`, `"${namespaceOf(i)}"`)
        .replace(/"uid":"[0-9a-f-]{36}"/, `"uid":"${randomUUID()}"`);
      const key = `/registry/core/pods/${namespaceOf(i)}/${nameOf(i)}`;
      insert.run(id, key, id, Buffer.from(value));
      current.run(key, id);
      id++;
    }
  })();
  db.close();
  log(`data dir ${dataDir} has ${total} pods`);
}

async function measure(dir: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'eksplane-targets-'));
  try {
    cpSync(join(dir, 'data'), join(work, 'data'), { recursive: true });
    const kubeconfig = join(dir, 'kubeconfig');
    const serverDir = args['server-dir'] ? resolve(args['server-dir']) : REPO_ROOT;
    log(`server from ${serverDir}`);
    const { server, readyMs, spawnAt } = await start(join(work, 'data'), kubeconfig, serverDir);
    const creds = readKubeconfig(kubeconfig);
    const client = new KubeHttp(creds, 1);
    const list = async () => {
      const counter = new OccurrenceCounter(ITEM_MARKER);
      const r = await client.stream('/api/v1/pods', (c) => counter.push(c));
      if (r.status !== 200) throw new Error(`list: HTTP ${r.status}`);
      return { ...r, items: counter.count };
    };
    const first = await list();
    const fullListMs = performance.now() - spawnAt;
    log(`restart: /readyz ${readyMs.toFixed(0)} ms, first full list done ${fullListMs.toFixed(0)} ms (${first.items} items); RSS ${(memoryOf(server.pid).rss / 2 ** 20).toFixed(0)} MiB`);
    // Let the controllers' relists settle: wait (up to 60 s) for a second in which the server
    // used under 20% of a core, so their CPU does not count against the lists below.
    for (let k = 0, prev = cpuMsOf(server.pid); k < 60; k++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = cpuMsOf(server.pid);
      if (now - prev < 200) break;
      prev = now;
    }
    log(`settled; RSS ${(memoryOf(server.pid).rss / 2 ** 20).toFixed(0)} MiB`);
    const lists: number[] = [];
    const listCpu0 = cpuMsOf(server.pid);
    for (let k = 0; k < 3; k++) {
      const r = await list();
      lists.push(r.ms);
      log(`unpaged list: ${r.ms.toFixed(0)} ms (headers ${r.headersMs.toFixed(0)} ms, ${(r.bytes / 2 ** 20).toFixed(0)} MiB, ${r.items} items); HWM ${(memoryOf(server.pid).hwm / 2 ** 20).toFixed(0)} MiB`);
    }
    const listCpuMs = (cpuMsOf(server.pid) - listCpu0) / 3;
    log(`server CPU per unpaged list: ${listCpuMs.toFixed(0)} ms`);
    const puts: number[] = [];
    for (let i = 0; i < 300; i++) {
      const path = podPath(PODS_PER_NAMESPACE + i);
      const obj = await client.json<{ metadata: { annotations?: Record<string, string> } }>('GET', path);
      obj.metadata.annotations = { ...obj.metadata.annotations, 'bench.eksplane.io/touch': String(i) };
      const r = await client.request('PUT', path, JSON.stringify(obj));
      expectStatus(r, [200], 'PUT');
      puts.push(r.ms);
    }
    log(`sequential PUT: ${fmt(summarize(puts))}`);
    const watchClient = new KubeHttp(creds, 8);
    let watchCpu0 = 0;
    const w = await runWatchTest({
      creds,
      client: watchClient,
      namespace: namespaceOf(0),
      podPaths: Array.from({ length: PODS_PER_NAMESPACE }, (_, i) => podPath(i)),
      watchers: Number(args.watchers),
      workers: 2,
      rates: [Number(args.rate)],
      updatesPerRate: Number(args.updates),
      onOpen: () => (watchCpu0 = cpuMsOf(server.pid)),
    });
    // Opening is excluded; the PUTs themselves are included (a few ms of the total).
    const watchCpuMs = cpuMsOf(server.pid) - watchCpu0;
    for (const r of w.rates) {
      log(`watch ${w.watchers} watchers at ${r.rate}/s: from send ${fmt(r.fromSend)}; fan-out ${fmt(r.fanOut)}; PUT ${fmt(r.put)}; ${r.received}/${r.expected} events`);
    }
    const updates = w.rates.reduce((n, r) => n + r.updates, 0);
    log(`server CPU per update fanned out to ${w.watchers} watchers: ${(watchCpuMs / updates).toFixed(1)} ms`);
    watchClient.close();
    client.close();
    await server.stop();
    const s = summarize(lists);
    process.stdout.write(
      `${JSON.stringify({ readyMs, fullListMs, listCpuMs, watchCpuMsPerUpdate: watchCpuMs / updates, list: s, put: summarize(puts), watch: w.rates.map((r) => ({ rate: r.rate, fromSend: r.fromSend, fanOut: r.fanOut, put: r.put, received: r.received, expected: r.expected })) })}\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  if (args.make) await make(resolve(args.make), Number(args.pods));
  else if (args.data) await measure(resolve(args.data));
  else throw new Error('--make DIR or --data DIR');
} catch (err) {
  process.stderr.write(`failed: ${(err as Error).stack ?? String(err)}\n`);
  killAllChildren();
  process.exitCode = 1;
}
