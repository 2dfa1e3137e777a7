import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop delay while `work` runs, in milliseconds (perf_hooks histogram, 5 ms resolution). */
export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
  tookMs: number;
}

/**
 * Runs `work` while measuring how long the event loop was blocked (what a health probe arriving meanwhile would
 * wait). Set HOSTILE_METRICS=1 to print the figures.
 */
export async function measureEventLoop(label: string, work: () => Promise<unknown>): Promise<EventLoopDelay> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  try {
    await work();
  } finally {
    histogram.disable();
  }
  const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
  const result = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), tookMs: Math.round(performance.now() - started) };
  if (process.env.HOSTILE_METRICS === '1') process.stdout.write(`event loop [${label}]: ${JSON.stringify(result)}\n`);
  return result;
}
