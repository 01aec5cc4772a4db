import type { TrainingJob } from '@icc/shared';
import { Interrupted, type AnalyticsClient } from './analytics-client.js';

/** Waits `ms`, or rejects as soon as `signal` fires; tests pass one that does not wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface FollowOptions {
  pollMs: number;
  sleep: Sleep;
  interrupt?: AbortSignal;
  /** Called with every status answer, the finished one included. */
  onUpdate: (job: TrainingJob) => void;
}

/** Has the job reached an end state? */
export function isFinished(job: TrainingJob): boolean {
  return job.status === 'completed' || job.status === 'failed';
}

/**
 * Ask for the job's status every `pollMs` until it is completed or failed, and
 * resolve to that last answer. Throws {@link Interrupted} when `interrupt` fires:
 * the job keeps running on the server, only the following stops.
 */
export async function followJob(client: AnalyticsClient, jobId: string, options: FollowOptions): Promise<TrainingJob> {
  for (;;) {
    if (options.interrupt?.aborted) throw new Interrupted('interrupted');
    const job = await client.getJob(jobId);
    options.onUpdate(job);
    if (isFinished(job)) return job;
    try {
      await options.sleep(options.pollMs, options.interrupt);
    } catch (error) {
      if (options.interrupt?.aborted) throw new Interrupted('interrupted');
      throw error;
    }
  }
}
