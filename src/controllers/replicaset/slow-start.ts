/**
 * upstream's slowStartBatch: call `fn` `count` times in batches of 1, 2, 4, … running each batch
 * concurrently, and stop after the first batch with a failure, so a controller hitting a quota or
 * a failing webhook makes a handful of doomed requests rather than hundreds.
 */

/** How many calls succeeded, and the first failure of the batch that stopped, if any. */
export interface SlowStartResult {
  successes: number;
  error?: Error;
}

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length) return { successes, error: failed[0]!.reason as Error };
    remaining -= batch;
  }
  return { successes };
}
