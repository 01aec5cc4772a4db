import { imputedValues } from './censoring.js';
import { toDemandHistory, type SeriesInput } from './history.js';
import { fitPipelineEts } from './models/ets-candidate.js';
import { etsHorizonSum, type HorizonSumDistribution } from './models/ets-distribution.js';
import { etsName } from './models/ets.js';

export interface LeadTimeDemand extends HorizonSumDistribution {
  /** The ETS form the distribution comes from, e.g. 'ETS(M,N,M)'. */
  model: string;
}

/**
 * The distribution of total demand over the next `days` periods (lead-time
 * demand), from ETS chosen by AICc on the history (stock-outs imputed, as
 * the pipeline does): mean, variance and the quantiles asked for. Safety
 * stock needs this sum, not the per-day bounds: errors persist in the level,
 * so daily errors are correlated and per-day quantiles do not add up to the
 * sum's. Quantiles of demand are floored at zero.
 *
 * @example leadTimeDemand({ values }, { season: 7, days: 14, probabilities: [0.95] }).quantiles[0].value
 */
export function leadTimeDemand(input: SeriesInput, options: { season: number; days: number; probabilities?: readonly number[] }): LeadTimeDemand {
  if (!Number.isInteger(options.days) || options.days < 1) throw new RangeError(`days must be an integer ≥ 1, got ${options.days}`);
  const history = toDemandHistory(input);
  const fit = fitPipelineEts(imputedValues(history, options.season), options.season);
  if (fit === null) throw new RangeError(`no ETS form fits a history of ${history.values.length} periods`);
  const sum = etsHorizonSum(fit, options.days, options.probabilities ?? [0.5, 0.9, 0.95, 0.99]);
  const nonNegative = history.values.every((v) => v >= 0);
  return {
    ...sum,
    quantiles: sum.quantiles.map((q) => ({ probability: q.probability, value: nonNegative ? Math.max(0, q.value) : q.value })),
    model: etsName(fit.spec),
  };
}
