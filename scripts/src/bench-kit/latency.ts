import { build, type Histogram } from 'hdr-histogram-js';

/** A latency recorder in microseconds, 1 µs to 60 s at 3 significant digits. */
export function latencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
}

/** Milliseconds with two decimals, for tables. */
export function ms(microseconds: number): number {
  return Math.round(microseconds / 10) / 100;
}

/** p50/p99/max of a histogram, in milliseconds. */
export function percentiles(histogram: Histogram): { p50: number; p99: number; max: number; count: number } {
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    count: histogram.totalCount,
  };
}

/** Microseconds since an arbitrary origin, monotonic. */
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Run `operation` `count` times with at most `concurrency` in flight; returns
 * operations per second and the latency of each.
 */
export async function measureThroughput(
  count: number,
  concurrency: number,
  operation: (i: number) => Promise<unknown>,
): Promise<{ opsPerSecond: number; latency: ReturnType<typeof percentiles> }> {
  const histogram = latencyHistogram();
  let next = 0;
  const started = nowMicros();
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      const t0 = nowMicros();
      await operation(i);
      histogram.recordValue(Math.max(1, nowMicros() - t0));
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (nowMicros() - started) / 1e6;
  const result = { opsPerSecond: Math.round(count / seconds), latency: percentiles(histogram) };
  histogram.destroy();
  return result;
}
