import { imputedValues } from './censoring.js';
import { toDemandHistory, type SeriesInput } from './history.js';
import { arimaHorizonSum, arimaName } from './models/arima.js';
import { autoArima } from './models/auto-arima.js';
import { fitPipelineEts } from './models/ets-candidate.js';
import { etsHorizonSum, type HorizonSumDistribution } from './models/ets-distribution.js';
import { etsName } from './models/ets.js';

export interface LeadTimeDemand extends HorizonSumDistribution {
  /** The form the distribution comes from, e.g. 'ETS(M,N,M)' or 'ARIMA(0,1,1)(0,1,1)[7]'. */
  model: string;
}

/**
 * The distribution of total demand over the next `days` periods (lead-time
 * demand), from ETS chosen by AICc on the history (or, with `model: 'arima'`,
 * the automatic ARIMA's ψ-weights) (stock-outs imputed, as
 * the pipeline does): mean, variance and the quantiles asked for. Safety
 * stock needs this sum, not the per-day bounds: errors persist in the level,
 * so daily errors are correlated and per-day quantiles do not add up to the
 * sum's. Quantiles of demand are floored at zero.
 *
 * @example leadTimeDemand({ values }, { season: 7, days: 14, probabilities: [0.95] }).quantiles[0].value
 */
export function leadTimeDemand(
  input: SeriesInput,
  options: { season: number; days: number; probabilities?: readonly number[]; model?: 'ets' | 'arima' },
): LeadTimeDemand {
  if (!Number.isInteger(options.days) || options.days < 1) throw new RangeError(`days must be an integer ≥ 1, got ${options.days}`);
  const history = toDemandHistory(input);
  const values = imputedValues(history, options.season);
  const probabilities = options.probabilities ?? [0.5, 0.9, 0.95, 0.99];
  const { sum, model } =
    options.model === 'arima' ? arimaSum(values, options.season, options.days, probabilities) : etsSum(values, options.season, options.days, probabilities);
  const nonNegative = history.values.every((v) => v >= 0);
  return {
    ...sum,
    quantiles: sum.quantiles.map((q) => ({ probability: q.probability, value: nonNegative ? Math.max(0, q.value) : q.value })),
    model,
  };
}

function etsSum(values: readonly number[], season: number, days: number, probabilities: readonly number[]) {
  const fit = fitPipelineEts(values, season);
  if (fit === null) throw new RangeError(`no ETS form fits a history of ${values.length} periods`);
  return { sum: etsHorizonSum(fit, days, probabilities), model: etsName(fit.spec) };
}

/**
 * Periods ARIMA's lead-time sum is fitted on. More than the pipeline's window:
 * on 84 periods KPSS too often misses a unit root, and a stationary form's sum
 * is far too narrow for a wandering level (14-day coverage 76% measured).
 */
const LEAD_TIME_WINDOW = 365;

/** ARIMA's sum from its ψ-weights (Gaussian), the full stepwise search on up to a year of periods. */
function arimaSum(values: readonly number[], season: number, days: number, probabilities: readonly number[]) {
  const window = values.slice(Math.max(0, values.length - LEAD_TIME_WINDOW));
  const fit = autoArima(window, season, { maxIterations: 150, tolerance: 1e-5 })?.fit ?? null;
  if (fit === null) throw new RangeError(`no ARIMA form fits a history of ${values.length} periods`);
  return { sum: arimaHorizonSum(fit, window, days, probabilities), model: arimaName(fit.spec) };
}
