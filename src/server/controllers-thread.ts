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

/** What the thread is started with (posted to it once the API is there). */
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
export type ControlMessage = { t: 'start'; data: ControllersThreadData } | { t: 'started' } | { t: 'stop' } | { t: 'stopped' };

const STOP_TIMEOUT_MS = 30_000;
/** Back-off before a thread that died is started again (doubling up to the maximum). */
const RESTART_MS = 1000;
const RESTART_MAX_MS = 30_000;

/**
 * The controllers' thread. Constructed, it loads its modules (~0.5 s through tsx); `start` hands
 * it the API and resolves once its controllers have started (they sync in the background, as with
 * startControllers) — until then a client could find, say, no `default` service account in a
 * namespace that has always had one. A thread that dies is started again after a back-off, as a
 * kube-controller-manager that crashed would be restarted.
 */
export class ControllersThread {
  private worker: Worker;
  private opts: ControllersThreadOptions | undefined;
  private stopping = false;
  private restartMs = RESTART_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void>;

  constructor(private readonly logLevel: string) {
    ({ worker: this.worker, exited: this.exited } = this.spawn());
  }

  async start(opts: ControllersThreadOptions): Promise<void> {
    this.opts = opts;
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!this.opts) {
      await worker.terminate(); // never started: nothing to drain
      return;
    }
    const stopped = new Promise<void>((resolve) => worker.on('message', (m: ControlMessage) => m.t === 'stopped' && resolve()));
    worker.postMessage({ t: 'stop' } satisfies ControlMessage);
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await Promise.race([stopped, this.exited]);
    clearTimeout(timer);
    await worker.terminate();
    await this.exited;
  }

  private spawn(): { worker: Worker; exited: Promise<void> } {
    // The thread runs our TypeScript through tsx, as bin/eksplane.js does for the main thread.
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./controllers-thread-entry.ts', import.meta.url).href;
    const worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
    worker.on('error', (err) => this.opts?.log.error({ err }, 'controllers thread failed'));
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    return { worker, exited };
  }

  /** Serves the API to the current thread, starts its controllers and restarts it if it dies. */
  private async run(): Promise<void> {
    const opts = this.opts!;
    const worker = this.worker;
    const calls: ThreadCalls = {};
    if (opts.serviceAccount.signLegacy) calls.signLegacy = opts.serviceAccount.signLegacy;
    const endWatches = serveThreadTransport(opts.api, worker, calls);
    worker.once('exit', (code) => {
      endWatches();
      if (this.stopping) return;
      opts.log.error({ code, restartInMs: this.restartMs }, 'controllers thread exited; starting it again');
      this.restartTimer = setTimeout(() => {
        ({ worker: this.worker, exited: this.exited } = this.spawn());
        this.run().catch((err) => opts.log.error({ err }, 'controllers thread did not start'));
      }, this.restartMs);
      this.restartMs = Math.min(this.restartMs * 2, RESTART_MAX_MS);
    });
    const data: ControllersThreadData = {
      logLevel: this.logLevel,
      identity: opts.identity,
      rootCaPem: opts.serviceAccount.rootCaPem,
      signsLegacyTokens: opts.serviceAccount.signLegacy !== undefined,
    };
    const started = new Promise<void>((resolve) => worker.on('message', (m: ControlMessage) => m.t === 'started' && resolve()));
    worker.postMessage({ t: 'start', data } satisfies ControlMessage);
    await Promise.race([started, this.exited]);
  }
}
