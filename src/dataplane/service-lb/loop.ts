/**
 * Start/stop for the load-balancer controllers: start their shared informers, wait until each
 * has listed, then run workers over the queue (upstream's Run with WaitForCacheSync). The data
 * plane may not import src/controllers (layers), hence this small copy of ControllerLoop's shape.
 */
import type { Informer } from '../../kubeclient/informer.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { runWorkers, type ReconcileResult, type WorkQueue } from '../../kubeclient/workqueue.js';
import type { Logger } from '../../lib/logger.js';

/** `{start, stop, synced}` over some informers and one queue. */
export interface LoopHandle {
  readonly synced: Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/** A loop over `informers` whose workers (default 2) reconcile the keys of `queue`. */
export function runLoop<T extends KubeObject>(informers: Informer<T>[] | Informer<KubeObject>[], queue: WorkQueue<string>, reconcile: (key: string) => Promise<ReconcileResult>, log: Logger, workers = 2): LoopHandle {
  const all = informers as Informer<KubeObject>[];
  let running: Promise<void> | undefined;
  return {
    get synced() {
      return Promise.all(all.map((i) => i.waitForSync())).then(() => undefined);
    },
    start() {
      if (running) return;
      for (const i of all) i.start();
      running = (async () => {
        const ok = await Promise.all(all.map((i) => i.waitForSync()));
        if (ok.includes(false)) return;
        await runWorkers(queue, workers, reconcile, log);
      })();
    },
    async stop() {
      queue.shutDown();
      await Promise.all(all.map((i) => i.stop()));
      await running;
    },
  };
}
