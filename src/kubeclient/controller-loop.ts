/**
 * The run loop controllers share (those of src/controllers and of the data plane alike), as
 * upstream's Run(): start the informers,
 * wait until every one has listed (cache.WaitForNamedCacheSync), then run workers over each work
 * queue; stop shuts the queues down and waits for the informers and workers to end.
 */
import type { Logger } from '../lib/logger.js';
import { runWorkers, type ReconcileResult, type WorkQueue } from './workqueue.js';

/** What the loop needs of an informer. */
export interface Startable {
  start(): void;
  stop(): Promise<void>;
  waitForSync(): Promise<boolean>;
}

/** A queue and what reconciles its keys. */
export interface QueueWorker {
  queue: WorkQueue<string>;
  reconcile(key: string): Promise<ReconcileResult>;
}

/** Informers plus worker pools, with the `{start, stop, synced}` shape the controller manager runs. */
export class ControllerLoop {
  private running: Promise<void> | undefined;

  constructor(
    private readonly informers: Startable[],
    private readonly workers: QueueWorker[],
    private readonly log: Logger,
    private readonly concurrency = 2,
  ) {}

  /** Resolves once every informer has listed (or one stopped first). */
  get synced(): Promise<void> {
    return Promise.all(this.informers.map((i) => i.waitForSync())).then(() => undefined);
  }

  start(): void {
    if (this.running) return;
    for (const i of this.informers) i.start();
    this.running = (async () => {
      const ok = await Promise.all(this.informers.map((i) => i.waitForSync()));
      if (ok.includes(false)) return;
      await Promise.all(this.workers.map((w) => runWorkers(w.queue, this.concurrency, (key) => w.reconcile(key), this.log)));
    })();
  }

  async stop(): Promise<void> {
    for (const w of this.workers) w.queue.shutDown();
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.running;
  }
}

/**
 * A controller whose life is its loop: `start`, `stop` and `synced` are the loop's, the shape the
 * controller manager and the data plane run.
 */
export abstract class LoopingController {
  protected abstract readonly loop: ControllerLoop;

  /** Resolves once every informer of the loop has listed. */
  get synced(): Promise<void> {
    return this.loop.synced;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
