import type { BackgroundLogger, BackgroundLogLevel } from './background-logger.js';
import { backoffDelay, sleep } from './backoff.js';

/** After a step: `more` runs the next one after the interval; `idle` also waits `idleMs` or a `notify()`. */
export type StepResult = 'more' | 'idle';

/** How a failed step is answered: the line logged, then when the next step runs. */
export interface StepFailure {
  level: Exclude<BackgroundLogLevel, 'info'>;
  msg: string;
  fields?: Record<string, unknown>;
  /**
   * `backoff` (default): after the back-off delay (at least the interval), counted as a failure;
   * `idle`: as after an idle step; `now`: at once, not counted (the step itself changed course).
   */
  retry?: 'backoff' | 'now' | 'idle';
}

export interface PollLoopOptions {
  /** One unit of work. `signal` aborts when the loop stops; a step may finish its work or give up. */
  step: (signal: AbortSignal) => Promise<StepResult>;
  /** Classify a failure (never called for one thrown while stopping: that is the stop). */
  onFailure: (error: unknown) => StepFailure;
  log: BackgroundLogger;
  /** Least time between the starts of two steps. Default 0. */
  intervalMs?: number;
  /** After an idle step, look again this long after, or at `notify()`. Default 1 000 ms. */
  idleMs?: number;
  /** Back-off after consecutive failures: `backoffDelay(failures - 1, baseMs, maxMs)`. Defaults 250 ms and 30 s. */
  backoff?: { baseMs?: number; maxMs?: number };
}

export interface PollLoop {
  /** Run steps in the background (idempotent). After a `stop()` whose step still runs, the first new step waits for it. */
  start(): void;
  /** Work is waiting: end an idle wait now (the interval still holds), or skip the next one. */
  notify(): void;
  /** The work made progress although the step has not returned: the next failure backs off from the start. */
  resetBackoff(): void;
  /** End waits, abort the step's signal, and resolve once the running step has returned. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/**
 * A background loop: runs `step` again and again, at most every `intervalMs`,
 * waits `idleMs` (or a `notify()`) after an idle step, and retries a failed
 * step with exponential back-off and jitter, logging each failure as
 * `onFailure` describes it. Steps never overlap.
 *
 * @example
 *   const loop = pollLoop({
 *     log,
 *     intervalMs: 1_000,
 *     idleMs: 10_000,
 *     step: async () => ((await drainQueue()) === 0 ? 'idle' : 'more'),
 *     onFailure: (error) => ({ level: 'error', msg: 'queue: round failed', fields: { err: error } }),
 *   });
 *   loop.start();
 *   loop.notify(); // new work queued
 *   await loop.stop();
 */
export function pollLoop(options: PollLoopOptions): PollLoop {
  const intervalMs = options.intervalMs ?? 0;
  const idleMs = options.idleMs ?? 1_000;
  const baseMs = options.backoff?.baseMs ?? 250;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  let stopper: AbortController | null = null;
  let current: Promise<void> = Promise.resolve();
  let wake = new AbortController();
  let notified = false;
  let failures = 0;

  async function run(signal: AbortSignal): Promise<void> {
    failures = 0;
    while (!signal.aborted) {
      const started = Date.now();
      notified = false;
      let next: StepResult;
      let delayMs = 0;
      try {
        next = await options.step(signal);
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        const failure = options.onFailure(error);
        const retry = failure.retry ?? 'backoff';
        if (retry !== 'now') failures += 1;
        // The back-off counts from the failure (a step may have run for hours), the interval from the step's start.
        if (retry === 'backoff') delayMs = backoffDelay(failures - 1, baseMs, maxMs);
        const retryInMs = Math.round(retry === 'idle' ? idleMs : Math.max(delayMs, started + intervalMs - Date.now()));
        options.log[failure.level]({ ...failure.fields, retryInMs }, failure.msg);
        if (retry === 'now') continue;
        next = retry === 'idle' ? 'idle' : 'more';
      }
      const waitMs = Math.max(delayMs, started + intervalMs - Date.now());
      if (waitMs > 0) await sleep(waitMs, signal);
      if (next === 'idle' && !notified && !signal.aborted) {
        wake = new AbortController();
        await sleep(idleMs, AbortSignal.any([signal, wake.signal]));
      }
    }
  }

  return {
    start() {
      if (stopper) return;
      const signal = (stopper = new AbortController()).signal;
      current = current.then(() => run(signal));
    },
    notify() {
      notified = true;
      wake.abort();
    },
    resetBackoff() {
      failures = 0;
    },
    stop() {
      stopper?.abort();
      stopper = null;
      return current;
    },
    get running() {
      return stopper !== null;
    },
  };
}
