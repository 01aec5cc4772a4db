import { causallyImputedValues, imputedValues } from '../censoring.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';
import { advanceEts, autoEts, etsFamily, etsPointForecast, type EtsFit, type EtsSpec } from './ets.js';

/**
 * ETS as a candidate of the daily pipeline. Two things keep it within the
 * engine's budget of milliseconds per SKU:
 * - parameters are estimated on the most recent periods only (at least
 *   {@link FIT_WINDOW}, or ten seasons): smoothing weights decay geometrically,
 *   so two years of daily data say little more about them than the last
 *   months, and the likelihood's cost is linear in the periods;
 * - on long seasonal series the family is the forms that matter for demand
 *   (no trend or a damped one; additive season, or multiplicative error and
 *   season when demand is positive), as the backtest — not AICc — decides
 *   between ETS and the other candidates there. Short series get the whole
 *   family of R's `ets`.
 */
export const FIT_WINDOW = 240;

/** Periods below which the whole family is tried (fits are cheap there). */
const FULL_FAMILY_UP_TO = 300;

export function etsFitWindow(values: readonly number[], season: number): readonly number[] {
  const window = Math.max(FIT_WINDOW, 10 * season);
  return values.length > window ? values.slice(values.length - window) : values;
}

function pipelineFamily(values: readonly number[], season: number, fullLength: number): EtsSpec[] {
  const family = etsFamily(values, season);
  if (fullLength <= FULL_FAMILY_UP_TO) return family;
  return family.filter((s) => s.trend !== 'A' && (s.season === 'N' || (s.error === 'A' && s.season === 'A') || (s.error === 'M' && s.season === 'M')));
}

/**
 * The ETS form chosen by AICc on the (recent) history, or null when none fits.
 *
 * @example fitPipelineEts(values, 7)?.spec // e.g. { error: 'M', trend: 'N', season: 'M' }
 */
export function fitPipelineEts(values: readonly number[], season: number): EtsFit | null {
  const window = etsFitWindow(values, season);
  return autoEts(window, season, { family: pipelineFamily(window, season, values.length) });
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
