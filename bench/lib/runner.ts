/**
 * Runs `count` operations with at most `concurrency` in flight and collects each one's latency,
 * plus the wall time of the whole run (for throughput). An operation that throws fails the run.
 */
import { performance } from 'node:perf_hooks';

export interface RunResult {
  latencies: Float64Array;
  wallMs: number;
  /** Operations per second over the wall time. */
  rate: number;
}

/** `op(i)` resolves with the latency it measured (ms), or undefined to have the runner time it. */
export async function runConcurrent(count: number, concurrency: number, op: (i: number) => Promise<number | void>, onProgress?: (done: number) => void): Promise<RunResult> {
  const latencies = new Float64Array(count);
  let next = 0;
  let done = 0;
  const start = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t0 = performance.now();
      const measured = await op(i);
      latencies[i] = typeof measured === 'number' ? measured : performance.now() - t0;
      done++;
      if (onProgress && done % 10_000 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const wallMs = performance.now() - start;
  return { latencies, wallMs, rate: (count / wallMs) * 1000 };
}

/** Calls `op(i)` for i in [0, count) at `perSecond`, on a fixed schedule (no coordinated omission). */
export async function runAtRate(count: number, perSecond: number, op: (i: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(op(i));
  }
  await Promise.all(pending);
}
