import { causallyImputedValues, imputedValues } from '../censoring.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';
import { advanceEts, autoEts, etsFamily, etsPointForecast, type EtsFit, type EtsFitOptions, type EtsSpec } from './ets.js';

/**
 * ETS as a candidate of the daily pipeline. Short series (up to
 * {@link LONG_SERIES} periods: yearly, quarterly, monthly data) get the whole
 * family of R's `ets`, fitted on everything. Long series (two years of days)
 * would cost tens of milliseconds that way, so two things keep them within
 * the engine's budget of a few milliseconds per SKU:
 * - parameters are estimated on the most recent periods only
 *   ({@link FIT_WINDOW}, or ten seasons): smoothing weights decay
 *   geometrically, so older periods say little about them, and the
 *   likelihood's cost is linear in the periods;
 * - the family is the forms that matter for daily demand — level alone or
 *   with a damped trend, additive season, or multiplicative error and season
 *   when demand is positive — as the backtest, not AICc, decides between ETS
 *   and the other candidates there.
 */
export const FIT_WINDOW = 84;

/** Periods above which a series counts as long (see {@link etsModel}). */
export const LONG_SERIES = 300;

/**
 * The search on long series: a looser stop (1e-5 of −2 log-likelihood, ≈ 0.01
 * on a window of 84 days, changes no AICc ranking that matters) and initial
 * level and trend left at their heuristic values (after 84 periods their
 * effect has mostly decayed): together about half the likelihood evaluations
 * of the damped seasonal form, the most expensive one.
 */
const LONG_SERIES_TOLERANCE = 1e-5;

function pipelineFit(values: readonly number[], season: number): { window: readonly number[]; family: EtsSpec[]; options?: EtsFitOptions } {
  if (values.length <= LONG_SERIES) return { window: values, family: etsFamily(values, season) };
  const window = values.slice(values.length - Math.max(FIT_WINDOW, 10 * season));
  const family = etsFamily(window, season).filter(
    (s) => s.trend !== 'A' && ((s.error === 'A' && s.season !== 'M') || (s.error === 'M' && s.season === 'M' && s.trend === 'N')),
  );
  return { window, family, options: { tolerance: LONG_SERIES_TOLERANCE, estimateInitial: false } };
}

/**
 * The ETS form chosen by AICc on the (recent) history, or null when none fits.
 *
 * @example fitPipelineEts(values, 7)?.spec // e.g. { error: 'M', trend: 'N', season: 'M' }
 */
export function fitPipelineEts(values: readonly number[], season: number): EtsFit | null {
  const { window, family, options } = pipelineFit(values, season);
  return autoEts(window, season, { family, ...options });
}

const MIN_PERIODS = 8;

function paramsOf(fit: EtsFit): Record<string, number> {
  const { alpha, beta, gamma, phi } = fit.params;
  return {
    alpha,
    ...(fit.spec.trend === 'N' ? {} : { beta }),
    ...(fit.spec.season === 'N' ? {} : { gamma }),
    ...(fit.spec.trend === 'Ad' ? { phi } : {}),
    aicc: fit.aicc,
    multiplicativeError: fit.spec.error === 'M' ? 1 : 0,
    multiplicativeSeason: fit.spec.season === 'M' ? 1 : 0,
  };
}

/**
 * ETS chosen by AICc as a candidate. Censoring: imputed ({@link imputedValues}),
 * as for Holt–Winters. The backtest fits once before the first origin and
 * carries the states through the origins with the parameters fixed (the
 * "updating without recalibration" of holt-winters.ts), over the causally
 * imputed series; it stops where a multiplicative form meets a non-positive
 * value (the rest is refitted).
 */
export const etsModel: ForecastModel = {
  name: 'ets',
  unfit(history: DemandHistory) {
    return history.values.length < MIN_PERIODS ? `needs ${MIN_PERIODS} periods` : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    const fit = fitPipelineEts(imputedValues(history, context.season), context.season);
    if (fit === null) throw new RangeError('no ETS form fits this history');
    return { values: etsPointForecast(fit, context.horizon), params: paramsOf(fit) };
  },
  backtest(history: DemandHistory, plan: BacktestPlan): number[][] {
    const { season, horizon, origins } = plan;
    const first = origins[0];
    if (first === undefined || first < MIN_PERIODS) return [];
    const series = causallyImputedValues(history, season);
    let fit = fitPipelineEts(series.slice(0, first), season);
    if (fit === null) return [];
    const multiplicative = fit.spec.error === 'M' || fit.spec.season === 'M';
    const forecasts: number[][] = [];
    let at = first;
    for (const origin of origins) {
      const ahead = series.slice(at, origin);
      if (multiplicative && ahead.some((v) => !(v > 0))) break;
      const advanced = advanceEts(fit, ahead);
      if (advanced === null) break;
      fit = advanced;
      at = origin;
      forecasts.push(etsPointForecast(fit, Math.min(horizon, series.length - origin)));
    }
    return forecasts;
  },
};
