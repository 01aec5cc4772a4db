/**
 * Exponential back-off with full jitter: attempt 0 waits up to `baseMs`, each
 * further attempt doubles the bound, capped at `maxMs` (250 ms, 500 ms, … 30 s
 * by default). Jitter keeps processes that failed together from retrying together.
 *
 * @example backoffDelay(3) // somewhere in [0, 2000)
 */
export function backoffDelay(attempt: number, baseMs = 250, maxMs = 30_000): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}

/**
 * Sleep that `signal` can cut short (a stop must not wait out a long back-off).
 * Resolves, never rejects, when cut short: callers look at the signal.
 *
 * @example await sleep(1000, controller.signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryOptions {
  /** Tries in all, the first included; the last failure is thrown. */
  attempts: number;
  /** Wait after failed attempt `attempt` (1-based) before the next. */
  delayMs: (attempt: number) => number;
  /** Told of each failure that will be retried (not of the last one, which is thrown). */
  onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Run `work` until it succeeds or `attempts` tries have failed.
 *
 * @example
 *   const rows = await retry(() => readChunk(skus), {
 *     attempts: 3,
 *     delayMs: (attempt) => 200 * attempt,
 *     onRetry: (err, attempt) => log.warn({ err, attempt }, 'chunk failed, retrying'),
 *   });
 */
export async function retry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.attempts) throw error;
      options.onRetry?.(error, attempt);
      await sleep(options.delayMs(attempt));
    }
  }
}
