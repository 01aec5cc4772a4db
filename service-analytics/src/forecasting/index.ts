/** The forecasting engine: pure models, backtest, selection and accuracy metrics over plain arrays. */
export {
  forecastSeries,
  type ForecastSeriesOptions,
  type SeriesForecast,
  type ForecastPoint,
  type CandidateScore,
  type IntervalAtLevel,
} from './forecast-series.js';
export { type SeriesInput } from './history.js';
export { classifyDemand, ADI_CUTOFF, CV2_CUTOFF, type DemandClass, type DemandProfile } from './demand-classifier.js';
export { accuracy, mae, rmse, mape, smape, mase, bias, seasonalNaiveScale, type AccuracyReport } from './metrics.js';
export { type ModelName, type DemandHistory, type FutureRegressors } from './forecasting.types.js';
export { autoEts, fitEts, etsFamily, etsName, etsPointForecast, type EtsFit, type EtsSpec, type EtsParams, type EtsFitOptions } from './models/ets.js';
export { etsForecastDistribution, etsHorizonSum, type EtsForecastDistribution, type HorizonSumDistribution } from './models/ets-distribution.js';
export { fitTheta, thetaPointForecast, thetaIntervals, isSeasonal, type ThetaFit } from './models/theta.js';
export { fitDrift, driftPointForecast, driftIntervals, driftHorizonSum, type DriftFit } from './models/drift.js';
export { fitArima, arimaForecast, arimaIntervals, arimaHorizonSum, arimaName, psiWeights, type ArimaFit, type ArimaSpec } from './models/arima.js';
export { autoArima, ndiffs, nsdiffs, kpssStatistic, seasonalStrength, type AutoArimaOptions } from './models/auto-arima.js';
export { normalQuantile } from './normal.js';
export { leadTimeDemand, type LeadTimeDemand } from './lead-time.js';
