/**
 * Patch benchmark: strategic-merge-patch and server-side-apply throughput on a 20-container pod,
 * as the pure library cost in this process and through HTTPS against a spawned `eksplane
 * apiserver`, and the latency of listing 10,000 custom resources.
 *
 *   node --import tsx bench/api-patch/run.ts [--quick] [--no-doc] [--crs 10000] [--json FILE]
 *
 * A full run writes its section of docs/benchmarks.md (between the `bench:patch` markers);
 * `--quick` (fewer iterations, 1,000 custom resources) and `--no-doc` only print.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { JsonObject } from '../../src/apimachinery/json.js';
import { builtinApplySchema, serverSideApply } from '../../src/apimachinery/ssa/index.js';
import { applyStrategicMergePatch } from '../../src/apimachinery/strategic-merge-patch.js';
import { applyLikePatch, pod, setImagePatch } from './pod.js';
import { updateDoc } from '../lib/doc.js';
import { commitOf, describeMachine, load, render, summarize, type ListRow, type PatchResults, type Row, type Summary } from './report.js';
import { expectOk, startBenchServer, type BenchServer } from './server.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-doc': { type: 'boolean', default: false },
    crs: { type: 'string' },
    json: { type: 'string' },
  },
});
const quick = args.quick;
const LIB_N = quick ? 500 : 5000;
const HTTP_N = quick ? 200 : 1000;
const CONCURRENT = 16;
const CR_COUNT = Number(args.crs ?? (quick ? 1000 : 10_000));
const POD_GVK = { group: '', version: 'v1', kind: 'Pod' };
const NS = '/api/v1/namespaces/default';
const SMP = 'application/strategic-merge-patch+json';
const APPLY = 'application/apply-patch+yaml';

const log = (s: string) => process.stderr.write(`${s}\n`);

/** Runs `op` n times sequentially (after a warm-up) and summarizes the per-call latency. */
async function timed(n: number, op: (i: number) => unknown | Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < Math.min(50, n); i++) await op(-1 - i);
  const lat: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    lat.push(performance.now() - t);
  }
  return summarize(lat, performance.now() - start);
}

/** Runs `n` calls of `op` with `concurrency` in flight; `op` reports its own latency. */
async function concurrent(n: number, concurrency: number, op: (i: number, worker: number) => Promise<number>): Promise<Summary> {
  const lat: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = next++; i < n; i = next++) lat.push(await op(i, w));
    }),
  );
  return summarize(lat, performance.now() - start);
}

async function library(stored: JsonObject): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push({ what: 'strategic merge patch, `kubectl set image` (one container)', summary: await timed(LIB_N, (i) => applyStrategicMergePatch(POD_GVK, stored, setImagePatch(`img:${i}`) as JsonObject)) });
  rows.push({ what: 'strategic merge patch, client-side apply (`$setElementOrder` of 20)', summary: await timed(LIB_N, (i) => applyStrategicMergePatch(POD_GVK, stored, applyLikePatch(`img:${i}`) as JsonObject)) });
  const schema = builtinApplySchema(POD_GVK);
  const now = new Date();
  const applyOnce = (live: JsonObject | undefined, image: string) => serverSideApply({ schema, live, applied: pod('lib', image) as JsonObject, manager: 'bench', now, apiVersion: 'v1', kind: 'Pod' }).object;
  let live = applyOnce(undefined, 'img:start');
  rows.push({ what: 'server-side apply of the whole pod, one image changed', summary: await timed(LIB_N, (i) => (live = applyOnce(live, `img:${i}`))) });
  const fixed = applyOnce(live, 'img:fixed');
  rows.push({ what: 'server-side apply of the whole pod, nothing changed', summary: await timed(LIB_N, () => applyOnce(fixed, 'img:fixed')) });
  return rows;
}

async function overHttps(s: BenchServer): Promise<Row[]> {
  const rows: Row[] = [];
  const smp = (name: string, body: object) => s.request('PATCH', `${NS}/pods/${name}`, JSON.stringify(body), SMP);
  const ssa = (name: string, image: string) => s.request('PATCH', `${NS}/pods/${name}?fieldManager=bench`, JSON.stringify(pod(name, image)), APPLY);
  for (let w = 0; w < CONCURRENT; w++) {
    expectOk(await s.request('POST', `${NS}/pods`, JSON.stringify(pod(`smp-${w}`))), 'create pod');
    expectOk(await ssa(`ssa-${w}`, 'img:start'), 'apply pod');
  }
  rows.push({ what: 'strategic merge patch, `kubectl set image`, 1 in flight', summary: await timed(HTTP_N, async (i) => expectOk(await smp('smp-0', setImagePatch(`img:a${i}`)), 'patch')) });
  rows.push({ what: 'strategic merge patch, client-side apply shape, 1 in flight', summary: await timed(HTTP_N, async (i) => expectOk(await smp('smp-0', applyLikePatch(`img:b${i}`)), 'patch')) });
  rows.push({
    what: `strategic merge patch, \`kubectl set image\`, ${CONCURRENT} in flight (one pod each)`,
    summary: await concurrent(HTTP_N * 2, CONCURRENT, async (i, w) => expectOk(await smp(`smp-${w}`, setImagePatch(`img:c${i}`)), 'patch').ms),
  });
  rows.push({ what: 'server-side apply of the whole pod, 1 in flight', summary: await timed(HTTP_N, async (i) => expectOk(await ssa('ssa-0', `img:a${i}`), 'apply')) });
  rows.push({
    what: `server-side apply of the whole pod, ${CONCURRENT} in flight (one pod each)`,
    summary: await concurrent(HTTP_N * 2, CONCURRENT, async (i, w) => expectOk(await ssa(`ssa-${w}`, `img:b${i}`), 'apply').ms),
  });
  rows.push({ what: 'server-side apply, nothing changed, 1 in flight', summary: await timed(HTTP_N, async () => expectOk(await ssa('ssa-0', 'img:same'), 'apply')) });
  return rows;
}

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'benchitems.bench.example.com' },
  spec: {
    group: 'bench.example.com',
    scope: 'Namespaced',
    names: { plural: 'benchitems', singular: 'benchitem', kind: 'BenchItem' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' }, owner: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, enabled: { type: 'boolean', default: true } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

async function customResourceLists(s: BenchServer): Promise<{ create: Summary; lists: ListRow[] }> {
  const base = '/apis/bench.example.com/v1/namespaces/default/benchitems';
  expectOk(await s.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(CRD)), 'create CRD');
  for (let i = 0; (await s.request('GET', `${base}?limit=1`)).status !== 200; i++) {
    if (i > 200) throw new Error('the CRD was not served within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const create = await concurrent(CR_COUNT, 32, async (i) => {
    const body = { apiVersion: 'bench.example.com/v1', kind: 'BenchItem', metadata: { name: `item-${i}`, labels: { shard: String(i % 100) } }, spec: { size: i, owner: `team-${i % 7}`, tags: ['a', 'b'] } };
    return expectOk(await s.request('POST', base, JSON.stringify(body)), 'create CR').ms;
  });
  log(`created ${CR_COUNT} custom resources at ${Math.round(create.perSecond)}/s`);
  const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  const reps = quick ? 3 : 5;
  /** One LIST, following `continue` through every page when `allPages`. */
  const once = async (path: string, accept: string | undefined, allPages: boolean): Promise<{ ms: number; bytes: number }> => {
    let ms = 0;
    let bytes = 0;
    let cont = '';
    do {
      const r = expectOk(await s.request('GET', `${path}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`, undefined, undefined, accept), `list ${path}`);
      ms += r.ms;
      bytes += r.body.length;
      cont = allPages ? ((JSON.parse(r.body) as { metadata?: { continue?: string } }).metadata?.continue ?? '') : '';
    } while (cont);
    return { ms, bytes };
  };
  const measure = async (what: string, path: string, accept?: string, allPages = true): Promise<ListRow> => {
    await once(path, accept, allPages);
    const runs: { ms: number; bytes: number }[] = [];
    for (let i = 0; i < reps; i++) runs.push(await once(path, accept, allPages));
    return { what, ms: runs.map((r) => r.ms), bytes: runs[0]?.bytes ?? 0 };
  };
  const lists = [
    await measure('LIST, JSON, unpaged', base),
    await measure('LIST, JSON, pages of 500 (client-go default), all pages', `${base}?limit=500`),
    await measure('LIST as `kubectl get benchitems` (Table, pages of 500), all pages', `${base}?limit=500`, TABLE),
    await measure('LIST, JSON, labelSelector matching 1%', `${base}?labelSelector=shard%3D42`),
    await measure('LIST, JSON, limit=1 (first page only)', `${base}?limit=1`, undefined, false),
  ];
  return { create, lists };
}

async function main(): Promise<void> {
  const loadStart = load();
  const date = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const s = await startBenchServer();
  try {
    const sa = await s.request('POST', `${NS}/serviceaccounts`, JSON.stringify({ metadata: { name: 'default' } }));
    expectOk(sa, 'service account', [201, 409]);
    const created = expectOk(await s.request('POST', `${NS}/pods`, JSON.stringify(pod('sample'))), 'create pod');
    const stored = JSON.parse(created.body) as JsonObject;
    log('library …');
    const lib = await library(stored);
    log('HTTPS …');
    const https = await overHttps(s);
    log('custom resources …');
    const crs = await customResourceLists(s);
    const results: PatchResults = {
      command: `node --import tsx bench/api-patch/run.ts${quick ? ' --quick' : ''}${args.crs ? ` --crs ${args.crs}` : ''}`,
      date,
      commit: commitOf(),
      machine: describeMachine(),
      load: { start: loadStart, end: load() },
      podBytes: JSON.stringify(pod('sample')).length,
      library: lib,
      https,
      crCount: CR_COUNT,
      crCreate: crs.create,
      lists: crs.lists,
    };
    const section = render(results);
    process.stdout.write(`${section}\n`);
    if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
    if (!quick && !args['no-doc']) log(`wrote ${updateDoc(section)}`);
  } finally {
    await s.stop();
  }
}

await main();
