import type { TrainingJobSummary } from '@icc/shared';
import type { TrainingJobDocument } from './forecast-collections.js';
import type { ForecastOutcome } from './forecast-compute.js';
import { median } from '../util/statistics.js';

/** Failures and skips kept by name (the counts are complete). */
const NAMED = 20;
/** SKUs named in `forecast:updated`. */
const SAMPLE = 50;

/**
 * Add a chunk's outcomes to the job's progress and tally (in place): counts,
 * the chosen model, its backtest MASE beside seasonal naive's on the same
 * windows, the first failures and skips by name.
 */
export function tallyOutcomes(job: Pick<TrainingJobDocument, 'progress' | 'tally'>, outcomes: readonly ForecastOutcome[]): void {
  const { progress, tally } = job;
  for (const outcome of outcomes) {
    progress.done += 1;
    if (outcome.status === 'skipped') {
      progress.skipped += 1;
      if (tally.skipped.length < NAMED) tally.skipped.push({ sku: outcome.sku, message: outcome.message });
      continue;
    }
    if (outcome.status === 'failed') {
      progress.failed += 1;
      if (tally.failures.length < NAMED) tally.failures.push({ sku: outcome.sku, message: outcome.message });
      continue;
    }
    progress.forecast += 1;
    const { model, backtest } = outcome.forecast;
    tally.models[model] = (tally.models[model] ?? 0) + 1;
    const chosen = backtest.candidates.find((c) => c.model === model)?.mase;
    const naive = backtest.candidates.find((c) => c.model === 'seasonal-naive')?.mase;
    // Both or neither: the comparison is over the same SKUs.
    if (chosen != null && naive != null && Number.isFinite(chosen) && Number.isFinite(naive)) {
      tally.mase.push(chosen);
      tally.seasonalNaiveMase.push(naive);
    }
    if (tally.forecastSample.length < SAMPLE) tally.forecastSample.push(outcome.sku);
  }
}

/**
 * The job's summary: models chosen, median backtest MASE of the chosen
 * models and of seasonal naive over the same SKUs, and the improvement
 * (1 − chosen ÷ naive: 0.1 = 10% better than seasonal naive).
 *
 * @example summariseJob(job).improvementOverSeasonalNaive // 0.18
 */
export function summariseJob(job: Pick<TrainingJobDocument, 'tally'>): TrainingJobSummary {
  const { tally } = job;
  const medianMase = median(tally.mase);
  const medianNaive = median(tally.seasonalNaiveMase);
  return {
    models: { ...tally.models },
    medianMase,
    medianSeasonalNaiveMase: medianNaive,
    improvementOverSeasonalNaive: medianMase !== null && medianNaive !== null && medianNaive > 0 ? 1 - medianMase / medianNaive : null,
    failures: [...tally.failures],
    skipped: [...tally.skipped],
  };
}
