/**
 * Latency samples and their summary. Samples are kept whole (a few hundred thousand numbers at
 * most) so percentiles are exact, not estimated from buckets.
 */

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The value at quantile `q` (0..1) of ascending `sorted`, nearest-rank as most load tools report. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Milliseconds with a precision that suits the magnitude (0.42, 4.2, 42, 420). */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) < 1) return v.toFixed(2);
  if (Math.abs(v) < 100) return v.toFixed(1);
  return v.toFixed(0);
}

/** A duration in seconds or milliseconds, whichever reads better. */
export function duration(msValue: number): string {
  return msValue >= 1000 ? `${(msValue / 1000).toFixed(2)} s` : `${ms(msValue)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
