import { backtestModel, originScales, residualsByStep, rollingOrigins, type CandidateBacktest } from './backtest.js';
import { candidatesFor, MODELS, NOT_BY_DEFAULT, type SingleModelName } from './candidates.js';
import { classifyDemand, type DemandProfile } from './demand-classifier.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelName } from './forecasting.types.js';
import { toDemandHistory, trainingSlice, type SeriesInput } from './history.js';
import { conformalHalfWidthsAt } from './intervals.js';
import { forecastShortSeries, type ShortSeriesForecast } from './short-series.js';
import { combinationBacktest, COMBINATION_MEMBERS, meanForecast } from './models/combination.js';
import { ensembleBacktest, medianForecast } from './models/ensemble.js';

export interface ForecastSeriesOptions {
  /** Seasonal period: 7 daily, 12 monthly, 4 quarterly, 1 for none. */
  season: number;
  /** Periods to forecast. */
  horizon: number;
  /** Coverage of the prediction intervals, 0–1 (default 0.95). */
  confidence?: number;
  /** Backtest windows (origins, one period apart; default 20, fewer when the series is short). */
  windows?: number;
  /** Members of the median ensemble: the best k candidates (default 3). */
  ensembleSize?: number;
  /** Campaign flags of the forecast periods (known in advance); default none. */
  futureCampaign?: readonly number[];
  /** Holiday flags of the forecast periods (known in advance); default none. */
  futureHoliday?: readonly number[];
  /** Restrict the candidates (still filtered by the demand class); default: the class's, less those tried only by name (Holt–Winters). */
  candidates?: readonly ModelName[];
  /** Further coverages to report interval half-widths at (`intervals`), from the same backtest errors. */
  intervalLevels?: readonly number[];
}

/** The prediction interval at one coverage: `value ± halfWidths[k]` at step k + 1 (lower bound clipped at zero for demand). */
export interface IntervalAtLevel {
  confidence: number;
  halfWidths: number[];
  /** False when the backtest held too few errors for this coverage: the interval is then narrower than promised. */
  reliable: boolean;
}

export interface ForecastPoint {
  /** 1 = the period right after the history. */
  step: number;
  value: number;
  lower: number;
  upper: number;
}

export interface CandidateScore {
  model: ModelName;
  /** Mean backtest MASE; null when the model could not be fitted (see `skipped`). */
  mase: number | null;
  mae: number | null;
  skipped?: string;
}

export interface SeriesForecast {
  model: ModelName;
  /** Why this model, in words: its backtest MASE beside the others', and the demand class. */
  reason: string;
  demand: DemandProfile;
  confidence: number;
  forecasts: ForecastPoint[];
  backtest: {
    /** Windows (forecast origins) every candidate was scored on. */
    windows: number;
    origins: number[];
    candidates: CandidateScore[];
    /** False when there were too few held-out errors for the confidence: intervals are then too narrow. */
    intervalsReliable: boolean;
  };
  /** Feature weights of the regression (when it was chosen, or is in the chosen ensemble). */
  weights?: Record<string, number>;
  /** Fitted parameters of the chosen single model (smoothing constants, window…), for the explanation. */
  params?: Record<string, number>;
  /** Half-widths at each of `options.intervalLevels`, in the order given. */
  intervals?: IntervalAtLevel[];
  /** Ensemble members, when the ensemble was chosen. */
  members?: ModelName[];
}

const DEFAULT_WINDOWS = 20;
const DEFAULT_ENSEMBLE_SIZE = 3;

/**
 * Forecast one series: classify its demand, backtest the candidates that
 * class gets over rolling origins, pick the lowest mean MASE, refit it on the
 * whole history and put conformal intervals around its forecasts from its own
 * held-out backtest errors per step. Pure and deterministic.
 *
 * Stock-out periods (`censored`) are never scored as actuals and each model
 * excludes or imputes them (see the model files).
 *
 * The backtest evaluates models with fixed parameters ("updating without
 * recalibration", Tashman 2000): smoothing parameters and regression weights
 * are fitted once on the periods before the first origin, and each origin's
 * forecast comes from the model's state updated with the periods before that
 * origin only — leakage-free, and one fit per candidate instead of one per
 * window. The chosen model's forecast is then fitted on the whole history.
 *
 * A series too short for any backtest window (under season + 1 + horizon
 * periods) is forecast by ETS chosen by AICc, with model-based intervals
 * (see short-series.ts); it is refused only when even ETS cannot be fitted.
 *
 * @example
 *   const values = Array.from({ length: 120 }, (_, t) => [10, 12, 15, 20, 30, 25, 8][t % 7]!);
 *   const result = forecastSeries({ values }, { season: 7, horizon: 7 });
 *   result.model                          // 'seasonal-naive': exact, and the simplest wins a tie
 *   result.forecasts.map((f) => f.value)  // [12, 15, 20, 30, 25, 8, 10]: 120 periods end one into a season
 */
export function forecastSeries(input: SeriesInput, options: ForecastSeriesOptions): SeriesForecast {
  const { season, horizon } = options;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(season) || season < 1) throw new RangeError(`season must be an integer ≥ 1, got ${season}`);
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be an integer ≥ 1, got ${horizon}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  const history = toDemandHistory(input);
  const n = history.values.length;
  // The MASE scale of the shortest window needs at least one seasonal-naive pair.
  const minTraining = season + 1;
  const origins = rollingOrigins(n, horizon, options.windows ?? DEFAULT_WINDOWS, minTraining);
  // Demand cannot go below zero: every model's forecasts are clipped there, in the backtest as in the final fit.
  const nonNegative = history.values.every((v) => v >= 0);
  const demand = classifyDemand(history.values, history.censored);
  if (origins.length === 0) {
    const short = forecastShortSeries(
      history,
      { season, horizon, confidences: [confidence, ...(options.intervalLevels ?? [])], needed: minTraining + horizon },
      demand,
    );
    if (short === null) {
      throw new RangeError(`a series of ${n} periods is too short to backtest ${horizon} steps with season ${season}: need ${minTraining + horizon}`);
    }
    return shortSeriesResult(short, options, demand, nonNegative);
  }

  const allowed = options.candidates;
  const names = candidatesFor(demand.demandClass).filter((name) => (allowed === undefined ? !NOT_BY_DEFAULT.includes(name) : allowed.includes(name)));
  const scores: CandidateScore[] = [];
  const backtests: CandidateBacktest[] = [];
  const plan = { season, horizon, origins };
  const scales = originScales(history, plan);
  const shortest = trainingSlice(history, origins[0]!);
  for (const name of names) {
    const model = nonNegative ? clampedAtZero(MODELS[name]) : MODELS[name];
    // Training slices are prefixes: the shortest bounds the length, the full history the values (e.g. a late zero).
    const why = model.unfit(shortest, season) ?? model.unfit(history, season);
    if (why !== null) {
      scores.push({ model: name, mase: null, mae: null, skipped: why });
      continue;
    }
    const result = backtestModel(history, model, plan, scales);
    backtests.push(result);
    scores.push({ model: name, mase: result.mase, mae: result.mae });
  }
  if (backtests.length === 0) throw new RangeError(`no candidate model fits this series: ${scores.map((s) => `${s.model} ${s.skipped}`).join('; ')}`);

  const ranked = [...backtests].sort((a, b) => a.mase - b.mase);
  const members = ranked.slice(0, Math.min(options.ensembleSize ?? DEFAULT_ENSEMBLE_SIZE, ranked.length));
  if (members.length >= 2 && (allowed === undefined || allowed.includes('ensemble'))) {
    const ensemble = ensembleBacktest(history, members);
    backtests.push(ensemble);
    scores.push({ model: 'ensemble', mase: ensemble.mase, mae: ensemble.mae });
  }
  const combined = COMBINATION_MEMBERS.map((name) => backtests.find((b) => b.model === name));
  if (combined.every((b) => b !== undefined) && (allowed === undefined || allowed.includes('combination'))) {
    const combination = combinationBacktest(history, combined);
    backtests.push(combination);
    scores.push({ model: 'combination', mase: combination.mase, mae: combination.mae });
  }
  // Stable sort: among equal MASE, the earlier (simpler) candidate stays first.
  const chosen = [...backtests].sort((a, b) => a.mase - b.mase)[0]!;

  const context: ForecastContext = {
    season,
    horizon,
    future: { campaign: futureFlags(options.futureCampaign, horizon), holiday: futureFlags(options.futureHoliday, horizon) },
  };
  const final = fitFinal(history, chosen.model, members, context, nonNegative);
  const residuals = residualsByStep(chosen, horizon);
  const levels = options.intervalLevels ?? [];
  const [main, ...others] = conformalHalfWidthsAt(residuals, [confidence, ...levels]);
  const { halfWidths, enough } = main!;
  const intervals = options.intervalLevels
    ? levels.map((level, i) => ({ confidence: level, halfWidths: others[i]!.halfWidths, reliable: others[i]!.enough }))
    : undefined;
  const forecasts = final.values.map((value, k) => ({
    step: k + 1,
    value,
    // Demand cannot go below zero: an interval reaching under it would only look wider than it is.
    lower: nonNegative ? Math.max(0, value - halfWidths[k]!) : value - halfWidths[k]!,
    upper: value + halfWidths[k]!,
  }));

  return {
    model: chosen.model,
    reason: explain(
      chosen,
      members.map((m) => m.model),
      scores,
      demand,
      origins.length,
      horizon,
    ),
    demand,
    confidence,
    forecasts,
    backtest: { windows: origins.length, origins, candidates: scores, intervalsReliable: enough },
    ...(final.weights ? { weights: final.weights } : {}),
    ...(final.params ? { params: final.params } : {}),
    ...(intervals ? { intervals } : {}),
    ...(chosen.model === 'ensemble' ? { members: members.map((m) => m.model) } : {}),
    ...(chosen.model === 'combination' ? { members: [...COMBINATION_MEMBERS] } : {}),
  };
}

/**
 * The answer for a series too short to backtest: ETS chosen by AICc with its
 * model-based intervals. Half-widths are the larger side of each interval
 * (the simulated ones of multiplicative forms are asymmetric), so `value ±
 * halfWidth` never covers less than the model's interval.
 */
function shortSeriesResult(short: ShortSeriesForecast, options: ForecastSeriesOptions, demand: DemandProfile, nonNegative: boolean): SeriesForecast {
  const clip = (v: number) => (nonNegative ? Math.max(0, v) : v);
  const halfWidthsOf = (k: number) => short.values.map((value, h) => Math.max(short.intervals[k]!.upper[h]! - value, value - short.intervals[k]!.lower[h]!));
  const main = halfWidthsOf(0);
  const levels = options.intervalLevels;
  return {
    model: 'ets',
    reason: short.reason,
    demand,
    confidence: options.confidence ?? 0.95,
    forecasts: short.values.map((value, k) => ({ step: k + 1, value: clip(value), lower: clip(value - main[k]!), upper: clip(value) + main[k]! })),
    backtest: { windows: 0, origins: [], candidates: [{ model: 'ets', mase: null, mae: null }], intervalsReliable: true },
    params: short.params,
    ...(levels ? { intervals: levels.map((level, i) => ({ confidence: level, halfWidths: halfWidthsOf(i + 1), reliable: true })) } : {}),
  };
}

function fitFinal(
  history: DemandHistory,
  model: ModelName,
  members: readonly CandidateBacktest[],
  context: ForecastContext,
  nonNegative: boolean,
): { values: number[]; weights?: Record<string, number>; params?: Record<string, number> } {
  const single = (name: SingleModelName) => (nonNegative ? clampedAtZero(MODELS[name]) : MODELS[name]);
  if (model === 'combination')
    return { values: meanForecast(COMBINATION_MEMBERS.map((name) => single(name as SingleModelName).forecast(history, context).values)) };
  if (model !== 'ensemble') return single(model).forecast(history, context);
  // Members are single models: the ensemble is only ever built from their backtests.
  const fits = members.map((m) => ({ model: m.model, fit: single(m.model as SingleModelName).forecast(history, context) }));
  const weights = fits.find((f) => f.model === 'linear-regression')?.fit.weights;
  return { values: medianForecast(fits.map((f) => f.fit.values)), ...(weights ? { weights } : {}) };
}

/** The same model with its forecasts clipped at zero (a trend or a seasonal dip can extrapolate below it). */
function clampedAtZero(model: ForecastModel): ForecastModel {
  const clipped = (values: readonly number[]) => values.map((v) => Math.max(0, v));
  const fastBacktest = model.backtest?.bind(model);
  return {
    name: model.name,
    unfit: (history, season) => model.unfit(history, season),
    forecast(history, context) {
      const result = model.forecast(history, context);
      return { ...result, values: clipped(result.values) };
    },
    ...(fastBacktest === undefined ? {} : { backtest: (history: DemandHistory, plan: BacktestPlan) => fastBacktest(history, plan).map(clipped) }),
  };
}

function futureFlags(given: readonly number[] | undefined, horizon: number): number[] {
  if (given === undefined) return new Array<number>(horizon).fill(0);
  if (given.length !== horizon) throw new RangeError(`future flags have ${given.length} entries for a horizon of ${horizon}`);
  return [...given];
}

function explain(
  chosen: CandidateBacktest,
  ensembleMembers: readonly ModelName[],
  scores: readonly CandidateScore[],
  demand: DemandProfile,
  windows: number,
  horizon: number,
): string {
  const others = scores.map((s) => (s.mase === null ? `${s.model} skipped (${s.skipped})` : `${s.model} ${s.mase.toFixed(3)}`)).join(', ');
  const members =
    chosen.model === 'ensemble'
      ? ` (median of ${ensembleMembers.join(', ')})`
      : chosen.model === 'combination'
        ? ` (mean of ${COMBINATION_MEMBERS.join(', ')})`
        : '';
  return (
    `${chosen.model}${members} had the lowest mean backtest MASE (${chosen.mase.toFixed(3)}) over ${windows} rolling-origin windows of ${horizon} steps ` +
    `[${others}]; demand is ${demand.demandClass} (ADI ${demand.adi.toFixed(2)}, CV² ${demand.cv2.toFixed(2)})`
  );
}
