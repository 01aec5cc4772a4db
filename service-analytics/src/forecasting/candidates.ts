import type { DemandClass } from './demand-classifier.js';
import type { ForecastModel, ModelName } from './forecasting.types.js';
import { arimaModel } from './models/arima-candidate.js';
import { crostonSbaModel } from './models/croston.js';
import { driftModel } from './models/drift.js';
import { etsModel } from './models/ets-candidate.js';
import { holtWintersAdditiveModel, holtWintersMultiplicativeModel } from './models/holt-winters.js';
import { linearRegressionModel } from './models/linear-regression.js';
import { movingAverageModel } from './models/moving-average.js';
import { seasonalNaiveModel } from './models/seasonal-naive.js';
import { thetaModel } from './models/theta.js';
import { tsbModel } from './models/tsb.js';

/** The candidates built from other candidates' backtests rather than fitted themselves. */
export type CombinedModelName = 'ensemble' | 'combination';
export type SingleModelName = Exclude<ModelName, CombinedModelName>;

/** Every single model by name (the ensemble and the combination are built from their backtests, not fitted). */
export const MODELS: Readonly<Record<SingleModelName, ForecastModel>> = {
  'seasonal-naive': seasonalNaiveModel,
  'moving-average': movingAverageModel,
  'holt-winters-additive': holtWintersAdditiveModel,
  'holt-winters-multiplicative': holtWintersMultiplicativeModel,
  'croston-sba': crostonSbaModel,
  tsb: tsbModel,
  'linear-regression': linearRegressionModel,
  ets: etsModel,
  theta: thetaModel,
  drift: driftModel,
  arima: arimaModel,
};

/**
 * Which models a SKU of a demand class may get, simplest first (the first one
 * wins a tie). Frequent demand (smooth, erratic) gets the benchmarks (seasonal
 * naive, moving average, the random walk with drift), the models of level,
 * trend and season (Holt–Winters, ETS chosen by AICc, ARIMA chosen by a
 * stepwise AICc search, Theta) and the feature
 * regression; rare demand (intermittent, lumpy) gets Croston-type methods,
 * whose rate forecasts do not chase the zeros, plus the two benchmarks. The
 * ensemble is added on top whenever two candidates survive, the combination
 * of ETS, ARIMA and Theta whenever all three do. Unless the caller names its candidates,
 * those {@link NOT_BY_DEFAULT} are left out.
 *
 * @example candidatesFor('lumpy') // ['seasonal-naive', 'moving-average', 'croston-sba', 'tsb']
 */
export function candidatesFor(demandClass: DemandClass): SingleModelName[] {
  switch (demandClass) {
    case 'smooth':
    case 'erratic':
      return [
        'seasonal-naive',
        'moving-average',
        'drift',
        'holt-winters-additive',
        'holt-winters-multiplicative',
        'ets',
        'arima',
        'theta',
        'linear-regression',
      ];
    case 'intermittent':
    case 'lumpy':
      return ['seasonal-naive', 'moving-average', 'croston-sba', 'tsb'];
  }
}

/**
 * Candidates tried only when a caller asks for them by name. Holt–Winters:
 * ETS covers its additive and multiplicative forms (and damped ones) with
 * likelihood-fitted parameters, and fitting both would cost more than the
 * engine's per-SKU budget (see docs/BENCHMARKS.md, forecasting).
 */
export const NOT_BY_DEFAULT: readonly SingleModelName[] = ['holt-winters-additive', 'holt-winters-multiplicative'];
