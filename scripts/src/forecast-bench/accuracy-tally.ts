import type { TrainingJobSummary } from '@icc/shared';
import { type TrainingJobDocument, type ForecastOutcome, summariseJob, tallyOutcomes } from '@icc/service-analytics/testing';
import type { DemandShape } from './demand-generator.js';

type JobTally = Pick<TrainingJobDocument, 'progress' | 'tally'>;

function emptyTally(): JobTally {
  return {
    progress: { total: 0, done: 0, forecast: 0, skipped: 0, failed: 0 },
    tally: { models: {}, mase: [], seasonalNaiveMase: [], failures: [], skipped: [], forecastSample: [] },
  };
}

/** A scaling run's outcomes as a job would count them, overall and per generated demand shape. */
export interface AccuracyReport {
  progress: TrainingJobDocument['progress'];
  summary: TrainingJobSummary;
  byShape: Record<DemandShape, { progress: TrainingJobDocument['progress']; summary: TrainingJobSummary }>;
}

/**
 * Counts outcomes with the job's own tally and summary functions, so the
 * figures mean what a job's summary means (median backtest MASE of the chosen
 * models beside seasonal naive's on the same SKUs and windows).
 */
export class AccuracyTally {
  private readonly all = emptyTally();
  private readonly shapes: Record<DemandShape, JobTally> = { smooth: emptyTally(), erratic: emptyTally(), intermittent: emptyTally() };

  add(outcomes: readonly ForecastOutcome[], shapeOf: (sku: string) => DemandShape): void {
    tallyOutcomes(this.all, outcomes);
    for (const outcome of outcomes) tallyOutcomes(this.shapes[shapeOf(outcome.sku)], [outcome]);
  }

  get done(): number {
    return this.all.progress.done;
  }

  report(): AccuracyReport {
    const byShape = Object.fromEntries(
      Object.entries(this.shapes).map(([shape, job]) => [shape, { progress: { ...job.progress }, summary: summariseJob(job) }]),
    ) as AccuracyReport['byShape'];
    return { progress: { ...this.all.progress }, summary: summariseJob(this.all), byShape };
  }
}
