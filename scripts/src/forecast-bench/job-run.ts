import { setTimeout as sleep } from 'node:timers/promises';
import type { TrainRequest } from '@icc/shared';
import type { Db } from 'mongodb';
import { FORECAST_COLLECTIONS, type TrainingJobDocument, type ForecastPool, createForecastRunner, createTrainingJob } from '@icc/service-analytics/testing';

export interface JobRunResult {
  jobId: string;
  status: TrainingJobDocument['status'];
  /** From queueing the job until it completed (the runner's claim, reads, scoring, forecasting, storage). */
  seconds: number;
  skusPerSecond: number;
  /** False when another runner (a running analytics service) claimed the job first: the time is then its time. */
  ranHere: boolean;
  progress: TrainingJobDocument['progress'];
  summary: TrainingJobDocument['summary'];
  error: string | null;
}

/** How often progress is read while a job runs, and how long to wait for one another runner took. */
const POLL_MS = 500;
const FOREIGN_JOB_TIMEOUT_MS = 30 * 60_000;

/**
 * The product's real path: queue a training job with `createTrainingJob` and
 * drain it with a runner on `pool` (`createForecastRunner`, its default chunk
 * size), timing from queueing to completion. Reports the job's progress while
 * it runs through `onProgress`.
 */
export async function runTrainingJob(
  db: Db,
  pool: ForecastPool,
  tenantId: string,
  request: TrainRequest,
  onProgress?: (progress: TrainingJobDocument['progress']) => void,
): Promise<JobRunResult> {
  const jobs = db.collection<TrainingJobDocument>(FORECAST_COLLECTIONS.trainingJobs);
  const started = performance.now();
  const job = await createTrainingJob(db, tenantId, request, new Date());
  const runner = createForecastRunner({ db, pool });
  let running = true;
  const watching = (async () => {
    while (running) {
      await sleep(POLL_MS);
      const seen = await jobs.findOne({ _id: job._id }, { projection: { progress: 1 } });
      if (seen) onProgress?.(seen.progress);
    }
  })();
  try {
    await runner.drain();
    // A running analytics service may have claimed the job first: wait for its runner to finish it.
    const deadline = performance.now() + FOREIGN_JOB_TIMEOUT_MS;
    while (!(await finished(db, job._id)) && performance.now() < deadline) await sleep(POLL_MS);
  } finally {
    running = false;
    await watching;
    await runner.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const done = (await jobs.findOne({ _id: job._id }))!;
  return {
    jobId: job._id,
    status: done.status,
    seconds,
    skusPerSecond: done.progress.done / seconds,
    // Runner ids are `host:pid:random`.
    ranHere: done.runner?.includes(`:${process.pid}:`) ?? false,
    progress: done.progress,
    summary: done.summary,
    error: done.error,
  };
}

async function finished(db: Db, jobId: string): Promise<boolean> {
  const job = await db.collection<TrainingJobDocument>(FORECAST_COLLECTIONS.trainingJobs).findOne({ _id: jobId }, { projection: { status: 1 } });
  return job?.status === 'completed' || job?.status === 'failed';
}
