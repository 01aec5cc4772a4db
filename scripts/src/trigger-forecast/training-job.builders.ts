import type { TrainingJob, TrainingJobSummary } from '@icc/shared';

/**
 * Test builders for the answers of `GET /api/models/status/{jobId}`: a completed job of
 * 10 SKUs unless told otherwise.
 *
 * @example aTrainingJob({ status: 'running', progress: { done: 4 }, summary: null })
 */
export function aTrainingJob(overrides: Omit<Partial<TrainingJob>, 'progress'> & { progress?: Partial<TrainingJob['progress']> } = {}): TrainingJob {
  const { progress, ...rest } = overrides;
  return {
    jobId: 'job-1',
    status: 'completed',
    request: { skus: null, horizon: 28, confidence: 0.95, season: 7, asOf: '2026-03-31' },
    progress: { total: 10, done: 10, forecast: 10, skipped: 0, failed: 0, ...progress },
    summary: aJobSummary(),
    error: null,
    createdAt: '2026-04-01T08:00:00.000Z',
    startedAt: '2026-04-01T08:00:01.000Z',
    waitingForFeaturesSince: null,
    completedAt: '2026-04-01T08:00:05.000Z',
    ...rest,
  };
}

export function aJobSummary(overrides: Partial<TrainingJobSummary> = {}): TrainingJobSummary {
  return {
    models: { 'holt-winters-additive': 6, 'seasonal-naive': 4 },
    medianMase: 0.8,
    medianSeasonalNaiveMase: 1,
    improvementOverSeasonalNaive: 0.2,
    failures: [],
    skipped: [],
    ...overrides,
  };
}

/** The same job as it looks while still running (no summary, no end time). */
export function aRunningJob(done: number, total = 10): TrainingJob {
  return aTrainingJob({ status: 'running', progress: { total, done, forecast: done }, summary: null, completedAt: null });
}

/** The same job before a worker picked it up. */
export function aPendingJob(): TrainingJob {
  return aTrainingJob({ status: 'pending', progress: { total: 0, done: 0, forecast: 0 }, summary: null, startedAt: null, completedAt: null });
}
