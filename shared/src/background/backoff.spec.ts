import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, retry, sleep } from './backoff.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('backoffDelay', () => {
  it('doubles the bound from 250 ms per attempt, capped at 30 s, jittered below it', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect([0, 1, 2, 3, 7, 20].map((attempt) => backoffDelay(attempt))).toEqual([125, 250, 500, 1_000, 15_000, 15_000]);
    expect(backoffDelay(1, 1_000, 1_500)).toBe(750);
  });

  it('stays in [0, bound) whatever the draw', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(30_000, 250 * 2 ** attempt));
    }
  });
});

describe('sleep', () => {
  it('resolves after the time, or at once when its signal aborts', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    let woke = false;
    void sleep(10_000, stop.signal).then(() => (woke = true));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(woke).toBe(false);
    stop.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(woke).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('retry', () => {
  it('retries after the delays given, reports each retried failure, and returns the first success', async () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const retried: string[] = [];
    let tries = 0;
    const result = retry(
      async () => {
        calls.push(Date.now());
        if ((tries += 1) < 3) throw new Error(`try ${tries}`);
        return 'done';
      },
      { attempts: 3, delayMs: (attempt) => 200 * attempt, onRetry: (error, attempt) => retried.push(`${attempt}: ${(error as Error).message}`) },
    );
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(result).resolves.toBe('done');
    expect(calls.map((at) => at - calls[0]!)).toEqual([0, 200, 600]);
    expect(retried).toEqual(['1: try 1', '2: try 2']);
  });

  it('throws the last failure once the attempts are used up', async () => {
    let tries = 0;
    const onRetry = vi.fn();
    await expect(retry(async () => Promise.reject(new Error(`try ${(tries += 1)}`)), { attempts: 2, delayMs: () => 1, onRetry })).rejects.toThrow('try 2');
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});
