import { pollLoop, silentLogger, type BackgroundLogger } from '@icc/shared';
import type { Db } from 'mongodb';
import { completeFeatureWork, readFeatureWork } from './feature-queue.js';
import { recomputeFeatures } from './feature-store.js';

export interface FeatureWorkerOptions {
  /**
   * Least time between the starts of two background rounds: the work of
   * every batch committed meanwhile is merged into one round (one read of
   * each SKU's facts instead of one per batch). Default 1 000 ms: forecasts
   * read features daily, so a second of staleness costs nothing.
   */
  intervalMs?: number;
  /** With nothing notified, look at the queue this often anyway (work left by another process). Default 10 000 ms. */
  pollMs?: number;
  /**
   * Most queue entries (one per facts batch) per round. Default 20 000: after
   * a backfill (~540 entries for the demo's two years) one round recomputes
   * every SKU once; entries are merged as they are read, so memory grows
   * with the SKUs, not the entries.
   */
  roundSize?: number;
  log?: BackgroundLogger;
}

export interface FeatureWorker {
  /** Begin draining in the background (idempotent). Until then only `settle()` drains. */
  resume(): void;
  /** Stop background rounds (a backfill: see pipeline.ts); the round in flight finishes. */
  pause(): void;
  /** New work is queued: a round will follow within `intervalMs`. */
  notify(): void;
  /** Drain now, round after round, until the queue is empty (e.g. tests, or a caller that needs fresh features). */
  settle(): Promise<void>;
  /** Stop: the round in flight is aborted between SKU chunks; what it did not finish stays queued. */
  close(): Promise<void>;
  status(): FeatureWorkerStatus;
}

export interface FeatureWorkerStatus {
  running: boolean;
  rounds: number;
  /** SKUs recomputed since start. */
  skus: number;
  /** Time spent in rounds since start, and in the longest one. */
  busyMs: number;
  maxRoundMs: number;
  lastRoundAt: Date | null;
  lastError: string | null;
}

/**
 * Drains the feature queue (feature-queue.ts): reads queued entries, recomputes
 * the features (feature-store.ts) of every SKU they name from its earliest
 * queued day, and removes the entries it read. Rounds run one at a time, in the
 * background at most every `intervalMs` once resumed, or on demand
 * (`settle`). A failed round leaves its entries queued; the next one redoes
 * them. Work is idempotent, so a second worker on the same database (or a
 * crashed one's leftovers) costs time, never correctness.
 *
 * @example
 *   const worker = createFeatureWorker(analyticsDb);
 *   worker.resume();
 *   worker.notify(); // after a facts transaction committed
 *   await worker.settle(); // features equal a recomputation from the facts
 */
export function createFeatureWorker(db: Db, options: FeatureWorkerOptions = {}): FeatureWorker {
  const intervalMs = options.intervalMs ?? 1_000;
  const pollMs = options.pollMs ?? 10_000;
  const roundSize = options.roundSize ?? 20_000;
  const abort = new AbortController();
  const state: FeatureWorkerStatus = { running: false, rounds: 0, skus: 0, busyMs: 0, maxRoundMs: 0, lastRoundAt: null, lastError: null };

  let tail: Promise<unknown> = Promise.resolve();

  /** One round, serialised with every other: returns the entries it read (0: the queue was empty). */
  function round(): Promise<number> {
    const run = tail
      .then(async () => {
        abort.signal.throwIfAborted();
        const started = performance.now();
        try {
          // Merged per SKU to its earliest day: one recomputation per SKU whatever the entries.
          const work = await readFeatureWork(db, roundSize);
          if (work.ids.length > 0) {
            const summary = await recomputeFeatures(db, work.touches, abort.signal);
            await completeFeatureWork(db, work.ids);
            state.skus += summary.skus;
          }
          return work.ids.length;
        } finally {
          const ms = performance.now() - started;
          state.busyMs += ms;
          state.maxRoundMs = Math.max(state.maxRoundMs, ms);
        }
      })
      .then((read) => {
        state.rounds += 1;
        state.lastRoundAt = new Date();
        state.lastError = null;
        return read;
      });
    tail = run.catch(() => undefined);
    return run;
  }

  // A full round means more is queued: go on after the interval, without waiting for a notification.
  // A failed round leaves its work queued and is retried after max(interval, back-off): up to 2 s, 4 s, … 30 s by default.
  const loop = pollLoop({
    log: options.log ?? silentLogger,
    intervalMs,
    idleMs: pollMs,
    backoff: { baseMs: 2 * intervalMs },
    step: async () => ((await round()) >= roundSize ? 'more' : 'idle'),
    onFailure: (error) => {
      state.lastError = String(error);
      return { level: 'error', msg: 'features: round failed; its work stays queued', fields: { error: String(error) } };
    },
  });

  return {
    resume() {
      if (abort.signal.aborted) return;
      state.running = true;
      loop.start(); // after a pause, once the round in flight is done
    },
    pause() {
      state.running = false;
      void loop.stop(); // the round in flight finishes
    },
    notify() {
      // Only the wait for work is cut short; the interval between rounds still holds.
      loop.notify();
    },
    async settle() {
      while ((await round()) > 0) {
        /* round after round until one finds the queue empty */
      }
    },
    async close() {
      state.running = false;
      abort.abort();
      await loop.stop();
      await tail;
    },
    status: () => ({ ...state }),
  };
}
