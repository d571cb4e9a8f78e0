/**
 * A worker thread holding a share of the benchmark's watch streams. Parsing ~20k events a
 * second off 1,000 TLS streams is real work; doing it here keeps the thread that issues the
 * writes (and timestamps them) responsive. Each event line is scanned for the sequence
 * annotation only, not parsed, and stamped with the wall clock at the chunk that completed it
 * (performance.timeOrigin + now(), comparable across threads).
 */
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { Credentials } from './client.js';
import { SEQ_ANNOTATION } from './pods.js';

export type ToWorker = { type: 'open'; creds: Credentials; paths: string[] } | { type: 'collect' } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; opened: number; failed: string[] }
  | { type: 'events'; watcher: Uint32Array; seq: Uint32Array; at: Float64Array; ended: number; errors: number };

const MARKER = Buffer.from(`"${SEQ_ANNOTATION}":"`);
const NL = 0x0a;
const QUOTE = 0x22;
const OPEN_BATCH = 50;

const now = () => performance.timeOrigin + performance.now();
const port = parentPort!;
const requests: ClientRequest[] = [];
let watcherIds: number[] = [];
let seqs: number[] = [];
let times: number[] = [];
let ended = 0;
let errors = 0;
let closing = false;
let agent: https.Agent | undefined;

function open(creds: Credentials, path: string, id: number): Promise<void> {
  const url = new URL(creds.server);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: url.hostname, port: url.port, path, agent, headers: { accept: 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      let pending: Buffer | undefined;
      res.on('data', (chunk: Buffer) => {
        const at = now();
        const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
        let start = 0;
        for (;;) {
          const nl = buf.indexOf(NL, start);
          if (nl < 0) break;
          scanLine(buf, start, nl, id, at);
          start = nl + 1;
        }
        pending = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
      });
      res.on('end', () => closing || ended++);
      res.on('error', () => closing || ended++);
      resolve();
    });
    req.on('error', (err) => (closing ? resolve() : reject(err)));
    req.end();
    requests.push(req);
  });
}

function scanLine(buf: Buffer, from: number, to: number, watcher: number, at: number): void {
  const m = buf.indexOf(MARKER, from);
  if (m < 0 || m >= to) {
    if (buf.subarray(from, Math.min(to, from + 20)).toString('latin1').includes('"ERROR"')) errors++;
    return;
  }
  let i = m + MARKER.length;
  let n = 0;
  for (; i < to && buf[i] !== QUOTE; i++) n = n * 10 + (buf[i]! - 48);
  watcherIds.push(watcher);
  seqs.push(n);
  times.push(at);
}

port.on('message', async (msg: ToWorker) => {
  if (msg.type === 'open') {
    agent = new https.Agent({ keepAlive: true, maxSockets: Infinity, ca: msg.creds.ca, cert: msg.creds.cert, key: msg.creds.key });
    const failed: string[] = [];
    let opened = 0;
    for (let i = 0; i < msg.paths.length; i += OPEN_BATCH) {
      const batch = msg.paths.slice(i, i + OPEN_BATCH).map((p, j) =>
        open(msg.creds, p, i + j).then(
          () => void opened++,
          (e: Error) => void failed.push(e.message),
        ),
      );
      await Promise.all(batch);
    }
    port.postMessage({ type: 'ready', opened, failed } satisfies FromWorker);
  } else if (msg.type === 'collect') {
    const out: FromWorker = { type: 'events', watcher: Uint32Array.from(watcherIds), seq: Uint32Array.from(seqs), at: Float64Array.from(times), ended, errors };
    watcherIds = [];
    seqs = [];
    times = [];
    port.postMessage(out, [out.watcher.buffer as ArrayBuffer, out.seq.buffer as ArrayBuffer, out.at.buffer as ArrayBuffer]);
  } else {
    closing = true;
    for (const r of requests) r.destroy();
    agent?.destroy();
    port.close();
  }
});
