import type { DemandForecast, SupplierOption } from './policy.types.js';

/** Received purchase orders a supplier needs before its measured delay replaces the quote. */
export const MIN_RECEIVED_ORDERS = 3;

export interface EffectiveLeadTime {
  days: number;
  stdDays: number;
  /** In words, for the reasoning. */
  basis: string;
}

/**
 * Lead time to plan with: the quoted one plus the supplier's measured mean
 * delay, and the measured spread of that delay, once it has at least
 * {@link MIN_RECEIVED_ORDERS} received orders; before that the quote with no
 * spread (nothing measured yet). Never below zero (early deliveries shorten it).
 *
 * @example effectiveLeadTime({ leadTimeDays: 10, delivery: { receivedOrders: 8, meanDelayDays: 1.5, delayStdDays: 2, onTimeRate: 0.8 }, … }) // { days: 11.5, stdDays: 2 }
 */
export function effectiveLeadTime(supplier: Pick<SupplierOption, 'leadTimeDays' | 'delivery'>): EffectiveLeadTime {
  const quoted = supplier.leadTimeDays;
  const measured = supplier.delivery;
  if (measured === null || measured.receivedOrders < MIN_RECEIVED_ORDERS) {
    const have = measured === null ? 0 : measured.receivedOrders;
    return { days: quoted, stdDays: 0, basis: `quoted ${fmt(quoted)} d (${have} received orders, fewer than ${MIN_RECEIVED_ORDERS}: no measured delay)` };
  }
  const days = Math.max(0, quoted + measured.meanDelayDays);
  return {
    days,
    stdDays: Math.max(0, measured.delayStdDays),
    basis: `quoted ${fmt(quoted)} d + mean delay ${fmt(measured.meanDelayDays)} d (σ ${fmt(measured.delayStdDays)} d over ${measured.receivedOrders} received orders)`,
  };
}

/** Mean and standard deviation of demand over a span of days. */
export interface IntervalDemand {
  mean: number;
  std: number;
}

/**
 * Demand forecast over `days` days from day `from` (fractional days count
 * pro rata), its error variance summed over the days with pairwise
 * correlation ρ between days' errors:
 * σ² = Σ wᵢσᵢ² + ρ·[(Σ wᵢσᵢ)² − Σ wᵢ²σᵢ²] (w = the share of each day counted).
 * ρ = 0 treats the days' errors as independent (the variance of a sum is the
 * sum of variances); ρ = 1 as one shared error (the std of a sum is the sum of
 * stds). Past the forecast's end the last week repeats (at most 7 days), the
 * weekly pattern being what the models capture.
 *
 * @example demandOverDays({ mean: [10, 10, 10], std: [3, 4, 0], source: '' }, 0, 2) // { mean: 20, std: 5 }
 */
export function demandOverDays(forecast: DemandForecast, from: number, days: number, errorCorrelation = 0): IntervalDemand {
  const length = forecast.mean.length;
  if (length === 0 || !(days > 0)) return { mean: 0, std: 0 };
  const cycle = Math.min(7, length);
  let mean = 0;
  let variance = 0;
  let sumStd = 0;
  let sumSquaredWeighted = 0;
  const end = from + days;
  for (let day = Math.floor(from); day < end; day++) {
    const weight = Math.min(day + 1, end) - Math.max(day, from);
    if (weight <= 0) continue;
    const index = day < length ? day : length - cycle + ((day - length) % cycle);
    const sigma = forecast.std[index] ?? 0;
    mean += weight * (forecast.mean[index] ?? 0);
    variance += weight * sigma * sigma;
    sumStd += weight * sigma;
    sumSquaredWeighted += weight * weight * sigma * sigma;
  }
  if (errorCorrelation !== 0) variance += errorCorrelation * (sumStd * sumStd - sumSquaredWeighted);
  return { mean, std: Math.sqrt(Math.max(0, variance)) };
}

export interface ProtectionDemand extends IntervalDemand {
  /** Lead time + review period, days. */
  days: number;
  /** The forecast error's part of σ and the lead-time spread's part (σ² = demand² + leadTime²). */
  demandStd: number;
  leadTimeStd: number;
}

/**
 * Demand over the protection interval T = L + R (lead time, review period):
 * the forecast's mean over T, and σ² = σ_D² + d̄²·σ_L², the forecast error
 * over T (see {@link demandOverDays}) plus the lead-time spread times the mean
 * daily demand d̄ = mean / T (Silver, Pyke & Thomas §6.10.2, with the daily
 * variance summed from the forecast's own per-day errors instead of L·σ_d²).
 *
 * @example protectionDemand({ mean: Array(30).fill(10), std: Array(30).fill(3), source: '' }, { leadTimeDays: 9, leadTimeStdDays: 2, reviewPeriodDays: 0 }) // mean 90, std √(81 + 400) ≈ 21.9
 */
export function protectionDemand(
  forecast: DemandForecast,
  interval: { leadTimeDays: number; leadTimeStdDays: number; reviewPeriodDays: number },
  errorCorrelation = 0,
): ProtectionDemand {
  const days = Math.max(0, interval.leadTimeDays) + Math.max(0, interval.reviewPeriodDays);
  const demand = demandOverDays(forecast, 0, days, errorCorrelation);
  const meanDaily = days > 0 ? demand.mean / days : 0;
  const leadTimeStd = meanDaily * Math.max(0, interval.leadTimeStdDays);
  return {
    days,
    mean: demand.mean,
    std: Math.sqrt(demand.std * demand.std + leadTimeStd * leadTimeStd),
    demandStd: demand.std,
    leadTimeStd,
  };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
