/**
 * Watch delivery latency: `watchers` streams on the pods of one namespace, spread over worker
 * threads, then updates of that namespace's pods at a steady rate. Each update carries a
 * sequence number in an annotation; latency is the time from sending the PUT (and, separately,
 * from its acknowledgement) to each watcher reading the event.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { expectStatus, type Credentials, type KubeHttp } from './client.js';
import { SEQ_ANNOTATION } from './pods.js';
import { runAtRate, runConcurrent } from './runner.js';
import { summarize, type Summary } from './stats.js';
import type { FromWorker, ToWorker } from './watch-worker.js';

export interface WatchTestOptions {
  creds: Credentials;
  client: KubeHttp;
  namespace: string;
  /** Paths of pods in `namespace` to update, one update each, in order. */
  podPaths: string[];
  watchers: number;
  workers: number;
  rates: number[];
  updatesPerRate: number;
  /** Runs a named part of the test (the caller records its time window). */
  phase?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  /** Called once every watch is open (e.g. to read the server's memory). */
  onOpen?: () => void;
}

export interface WatchRateResult {
  rate: number;
  updates: number;
  /** Per (watcher, event): from PUT sent to event read. */
  fromSend: Summary;
  /** Per (watcher, event): from PUT acknowledged to event read (negative: the event beat the reply). */
  fromAck: Summary;
  /** Per update: from PUT sent until the last watcher read it. */
  fanOut: Summary;
  /** PUT latency during the run. */
  put: Summary;
  expected: number;
  received: number;
  /** Events read per second, from the first PUT sent to the last event read. */
  deliveredPerSec: number;
}

export interface WatchTestResult {
  watchers: number;
  openMs: number;
  failedToOpen: number;
  endedEarly: number;
  errorEvents: number;
  rates: WatchRateResult[];
}

const now = () => performance.timeOrigin + performance.now();
const SETTLE_TIMEOUT_MS = 30_000;

export async function runWatchTest(o: WatchTestOptions): Promise<WatchTestResult> {
  const phase = o.phase ?? ((_name, fn) => fn());
  const list = await o.client.json<{ metadata: { resourceVersion: string } }>('GET', `/api/v1/namespaces/${o.namespace}/pods?limit=1`);
  const rv = list.metadata.resourceVersion;
  const path = `/api/v1/namespaces/${o.namespace}/pods?watch=true&resourceVersion=${rv}`;
  const workers = Array.from({ length: o.workers }, () => startWorker());
  try {
    const t0 = performance.now();
    let failed = 0;
    await phase(`open ${o.watchers} watches`, () => Promise.all(
      workers.map((w, k) => {
        const n = Math.floor(o.watchers / o.workers) + (k < o.watchers % o.workers ? 1 : 0);
        return request(w, { type: 'open', creds: o.creds, paths: Array(n).fill(path) }, 'ready').then((m) => {
          if (m.type === 'ready') failed += m.failed.length;
        });
      }),
    ));
    const openMs = performance.now() - t0;
    o.onOpen?.();

    const result: WatchTestResult = { watchers: o.watchers, openMs, failedToOpen: failed, endedEarly: 0, errorEvents: 0, rates: [] };
    let cursor = 0;
    for (const rate of o.rates) {
      const paths = o.podPaths.slice(cursor, cursor + o.updatesPerRate);
      cursor += paths.length;
      if (paths.length < o.updatesPerRate) throw new Error(`watch test: not enough pods to update (${o.podPaths.length})`);
      // Current objects first (not part of the timing).
      const objects = new Array<Record<string, unknown>>(paths.length);
      await runConcurrent(paths.length, 16, async (i) => {
        objects[i] = await o.client.json<Record<string, unknown>>('GET', paths[i]!);
      });
      const sent = new Float64Array(paths.length);
      const acked = new Float64Array(paths.length);
      const base = cursor - paths.length; // sequence numbers are global across rates
      await phase(`watch fan-out at ${rate}/s`, () => runAtRate(paths.length, rate, async (i) => {
        const obj = objects[i]!;
        const meta = obj.metadata as { annotations?: Record<string, string> };
        meta.annotations = { ...meta.annotations, [SEQ_ANNOTATION]: String(base + i) };
        const body = JSON.stringify(obj);
        sent[i] = now();
        const r = await o.client.request('PUT', paths[i]!, body);
        acked[i] = now();
        expectStatus(r, [200], `PUT ${paths[i]}`);
      }));
      const expected = paths.length * (o.watchers - failed);
      const events = await collectUntil(workers, expected, SETTLE_TIMEOUT_MS);
      const fromSend: number[] = [];
      const fromAck: number[] = [];
      const lastRead = new Float64Array(paths.length);
      let received = 0;
      for (const ev of events) {
        for (let j = 0; j < ev.seq.length; j++) {
          const i = ev.seq[j]! - base;
          if (i < 0 || i >= paths.length) continue;
          received++;
          const at = ev.at[j]!;
          fromSend.push(at - sent[i]!);
          fromAck.push(at - acked[i]!);
          if (at > lastRead[i]!) lastRead[i] = at;
        }
      }
      // Workers report these as running totals: the last batch of each has the current ones.
      const last = events.slice(-workers.length);
      result.endedEarly = last.reduce((n, ev) => n + ev.ended, 0);
      result.errorEvents = last.reduce((n, ev) => n + ev.errors, 0);
      const fanOut = Array.from(lastRead, (at, i) => at - sent[i]!).filter((v) => v > 0);
      const deliveredPerSec = (received / (Math.max(...lastRead) - sent[0]!)) * 1000;
      const put = Array.from(acked, (a, i) => a - sent[i]!);
      result.rates.push({ rate, updates: paths.length, fromSend: summarize(fromSend), fromAck: summarize(fromAck), fanOut: summarize(fanOut), put: summarize(put), expected, received, deliveredPerSec });
    }
    return result;
  } finally {
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.postMessage({ type: 'close' } satisfies ToWorker);
      setTimeout(() => void w.terminate(), 5000).unref();
    })));
  }
}

/** A watch worker; its TypeScript is loaded through tsx's loader, registered in the new thread. */
function startWorker(): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./watch-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); })`, { eval: true });
}

function request(w: Worker, msg: ToWorker, reply: FromWorker['type']): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: FromWorker) => {
      if (m.type !== reply) return;
      w.off('message', onMsg);
      w.off('error', reject);
      resolve(m);
    };
    w.on('message', onMsg);
    w.once('error', reject);
    w.postMessage(msg);
  });
}

type Events = Extract<FromWorker, { type: 'events' }>;

/** Collects events from every worker until `expected` have arrived or the timeout passes. */
async function collectUntil(workers: Worker[], expected: number, timeoutMs: number): Promise<Events[]> {
  const all: Events[] = [];
  let got = 0;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const batch = (await Promise.all(workers.map((w) => request(w, { type: 'collect' }, 'events')))) as Events[];
    for (const b of batch) {
      all.push(b);
      got += b.seq.length;
    }
    if (got >= expected || performance.now() > deadline) return all;
    await new Promise((r) => setTimeout(r, 250));
  }
}
