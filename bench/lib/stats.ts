/** Small, dependency-free statistics for benchmark samples. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;
}

/** Population standard deviation. */
export function stdev(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length);
}

export function min(values: readonly number[]): number {
  return values.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
}

export function max(values: readonly number[]): number {
  return values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
}

/** Median of pairwise differences b[i] - a[i] (samples taken in the same interleaved round). */
export function medianOfDifferences(a: readonly number[], b: readonly number[]): number {
  return median(a.map((x, i) => (b[i] as number) - x));
}

/** Median of pairwise ratios b[i] / a[i] (samples taken in the same interleaved round). */
export function medianOfRatios(a: readonly number[], b: readonly number[]): number {
  return median(a.map((x, i) => (b[i] as number) / x));
}

/** Summary used in the JSON report. */
export function summary(values: readonly number[]): { n: number; median: number; min: number; max: number; samples: number[] } {
  return { n: values.length, median: median(values), min: min(values), max: max(values), samples: values.map(round3) };
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` value). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The order of the variants in round `round`: forwards on even rounds, backwards on odd ones (A B C, C B A, …),
 * so that no variant always runs first (cold caches) or right after the same neighbour.
 */
export function roundOrder<T>(variants: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...variants] : [...variants].reverse();
}

/** Nearest-rank percentile `p` (0–100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
