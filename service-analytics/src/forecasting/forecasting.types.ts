import type { FORECAST_MODELS } from '@icc/shared';

/**
 * Shapes shared by the forecasting models, the backtest and the selection.
 * Everything is a plain array indexed by period (day, month, quarter…), oldest
 * first; a series and its flags always have the same length.
 */

/** One SKU's history as the models see it. */
export interface DemandHistory {
  /** Observed demand per period. */
  readonly values: readonly number[];
  /**
   * The period had a stock-out: its value is censored (what could be served,
   * not what was wanted) and must never be learned as true demand.
   */
  readonly censored: readonly boolean[];
  /** 1 when a campaign ran in the period, else 0 (a regressor known in advance). */
  readonly campaign: readonly number[];
  /** 1 when the period is a holiday, else 0 (a regressor known in advance). */
  readonly holiday: readonly number[];
}

/** The regressors of the periods to forecast: known in advance (calendar, planned campaigns). */
export interface FutureRegressors {
  readonly campaign: readonly number[];
  readonly holiday: readonly number[];
}

/** What one model fitted on one history predicts for the next `horizon` periods. */
export interface ModelForecast {
  /** Point forecasts, step 1 first. */
  readonly values: number[];
  /** Feature → weight, for the explainable models (regression). */
  readonly weights?: Record<string, number>;
  /** Fitted smoothing parameters and the like, for the reason shown to users. */
  readonly params?: Record<string, number>;
}

/** The engine's models: the one list is shared's, so the API and the engine cannot disagree. */
export type ModelName = (typeof FORECAST_MODELS)[number];

export interface ForecastContext {
  /** Seasonal period: 7 daily, 12 monthly, 4 quarterly, 1 for none. */
  readonly season: number;
  readonly horizon: number;
  readonly future: FutureRegressors;
}

/** Where a rolling-origin backtest forecasts from. */
export interface BacktestPlan {
  /** Seasonal period: 7 daily, 12 monthly, 4 quarterly, 1 for none. */
  readonly season: number;
  readonly horizon: number;
  /** Forecast origins, ascending: the forecast of origin t may use periods before t and nothing else. */
  readonly origins: readonly number[];
}

/**
 * A forecasting method. `forecast` receives only the training history (in a
 * backtest: the slice before the window's origin), so it cannot see the future.
 */
export interface ForecastModel {
  readonly name: ModelName;
  /**
   * Why the model cannot be fitted on this history (too short, non-positive
   * values for a multiplicative model…), or null when it can.
   */
  unfit(history: DemandHistory, season: number): string | null;
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast;
  /**
   * Optional fast path of the rolling-origin backtest: the forecasts of the
   * plan's first k origins at once (each min(horizon, periods after the
   * origin) long), in one pass over the whole history instead of one fit on a
   * copied training slice per origin. Models with a costly fit keep its
   * parameters from before the first origin and only update their state
   * (see the model files). k may stop short of all origins (even 0) when the
   * pass cannot go on; the backtest refits at the rest.
   *
   * It is handed the whole history, so it must itself keep each origin's
   * forecast a function of the periods before that origin and of the
   * known-in-advance flags of its horizon only: backtest.spec.ts checks this
   * for every model.
   */
  backtest?(history: DemandHistory, plan: BacktestPlan): number[][];
}
