import type { DemandClass } from './demand-classifier.js';
import type { ForecastModel, ModelName } from './forecasting.types.js';
import { crostonSbaModel } from './models/croston.js';
import { holtWintersAdditiveModel, holtWintersMultiplicativeModel } from './models/holt-winters.js';
import { linearRegressionModel } from './models/linear-regression.js';
import { movingAverageModel } from './models/moving-average.js';
import { seasonalNaiveModel } from './models/seasonal-naive.js';
import { tsbModel } from './models/tsb.js';

/** Every single model by name (the ensemble is built from their backtests, not fitted). */
export const MODELS: Readonly<Record<Exclude<ModelName, 'ensemble'>, ForecastModel>> = {
  'seasonal-naive': seasonalNaiveModel,
  'moving-average': movingAverageModel,
  'holt-winters-additive': holtWintersAdditiveModel,
  'holt-winters-multiplicative': holtWintersMultiplicativeModel,
  'croston-sba': crostonSbaModel,
  tsb: tsbModel,
  'linear-regression': linearRegressionModel,
};

/**
 * Which models a SKU of a demand class gets, simplest first (the first one
 * wins a tie). Frequent demand (smooth, erratic) gets the models of level,
 * trend and season; rare demand (intermittent, lumpy) gets Croston-type
 * methods, whose rate forecasts do not chase the zeros, plus the two
 * benchmarks. The ensemble is added on top whenever two candidates survive.
 *
 * @example candidatesFor('lumpy') // ['seasonal-naive', 'moving-average', 'croston-sba', 'tsb']
 */
export function candidatesFor(demandClass: DemandClass): Exclude<ModelName, 'ensemble'>[] {
  switch (demandClass) {
    case 'smooth':
    case 'erratic':
      return ['seasonal-naive', 'moving-average', 'holt-winters-additive', 'holt-winters-multiplicative', 'linear-regression'];
    case 'intermittent':
    case 'lumpy':
      return ['seasonal-naive', 'moving-average', 'croston-sba', 'tsb'];
  }
}
