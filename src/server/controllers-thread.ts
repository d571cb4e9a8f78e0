/**
 * The controller manager of `eksplane apiserver` in a worker thread of its own. The controllers'
 * informers hold a parsed copy of every object they watch (100k pods are ~10 million heap
 * objects); in the API server's thread every major garbage collection had to mark them, and its
 * pauses stalled watch delivery for hundreds of milliseconds. In their own thread (own V8 heap)
 * they are collected apart, while they still reach the API only through its handlers
 * (thread-transport.ts), as any client (shared/ARCHITECTURE.md rule 1).
 */
import { Worker } from 'node:worker_threads';
import type { ApiServer } from '../apiserver/api-server.js';
import type { ServiceAccountControllerConfig } from '../controllers/serviceaccount/index.js';
import type { Logger } from '../lib/logger.js';
import { serveThreadTransport, type ThreadCalls } from './thread-transport.js';

/** What the thread is started with (structured-cloned to it). */
export interface ControllersThreadData {
  logLevel: string;
  /** Leader-election identity of this replica. */
  identity: string;
  rootCaPem?: string;
  /** The server's thread signs legacy service-account tokens (ThreadCalls `signLegacy`). */
  signsLegacyTokens: boolean;
}

export interface ControllersThreadOptions {
  api: ApiServer;
  log: Logger;
  identity: string;
  serviceAccount: ServiceAccountControllerConfig;
}

/** Control messages besides the transport's. */
export type ControlMessage = { t: 'started' } | { t: 'stop' } | { t: 'stopped' };

const STOP_TIMEOUT_MS = 30_000;

/**
 * Starts the controllers' thread and resolves once its controllers have started (its modules take
 * a moment to load); they sync in the background, as with startControllers. Until then a client
 * could find, say, no `default` service account in a namespace that has always had one.
 */
export async function startControllersThread(opts: ControllersThreadOptions): Promise<{ stop(): Promise<void> }> {
  const data: ControllersThreadData = {
    logLevel: opts.log.level,
    identity: opts.identity,
    rootCaPem: opts.serviceAccount.rootCaPem,
    signsLegacyTokens: opts.serviceAccount.signLegacy !== undefined,
  };
  // The thread runs our TypeScript through tsx, as bin/eksplane.js does for the main thread.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./controllers-thread-entry.ts', import.meta.url).href;
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData: data });
  const calls: ThreadCalls = {};
  if (opts.serviceAccount.signLegacy) calls.signLegacy = opts.serviceAccount.signLegacy;
  const endWatches = serveThreadTransport(opts.api, worker, calls);
  let exited = false;
  let stopping = false;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      exited = true;
      endWatches();
      if (!stopping) opts.log.error({ code }, 'controllers thread exited');
      resolve();
    }),
  );
  worker.on('error', (err) => opts.log.error({ err }, 'controllers thread failed'));
  await Promise.race([exit, new Promise<void>((resolve) => worker.on('message', (m: ControlMessage) => m.t === 'started' && resolve()))]);
  return {
    async stop() {
      if (exited) return;
      stopping = true;
      const stopped = new Promise<void>((resolve) =>
        worker.on('message', (m: ControlMessage) => {
          if (m.t === 'stopped') resolve();
        }),
      );
      worker.postMessage({ t: 'stop' } satisfies ControlMessage);
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await Promise.race([stopped, exit]);
      clearTimeout(timer);
      await worker.terminate();
      await exit;
    },
  };
}
