/**
 * The models the forecasting engine chooses from, in one list: the engine
 * (service-analytics/src/forecasting) and the API schemas both read it.
 * No imports, so the pure engine can take it without pulling in anything else.
 */
export const FORECAST_MODELS = [
  'seasonal-naive',
  'moving-average',
  'holt-winters-additive',
  'holt-winters-multiplicative',
  'croston-sba',
  'tsb',
  'linear-regression',
  'ensemble',
  'ets',
  'theta',
  'drift',
  'combination',
  'arima',
] as const;
