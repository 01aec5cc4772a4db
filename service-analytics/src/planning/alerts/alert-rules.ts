import { addUtcDays, utcDayNumber, utcDaysBetween, type AlertSeverity, type DayKey } from '@icc/shared';
import { inverseStandardNormal, standardNormalCdf } from '../policy/index.js';

/**
 * The alert rules: pure functions over plain numbers, one per alert type,
 * each answering what it found (or null) with the severity and the rule that
 * set it in words. The thresholds are named in {@link ALERT_THRESHOLDS}.
 * The reads that feed them are in alert-inputs.ts, the wiring in
 * alert-evaluation.ts.
 */

export const ALERT_THRESHOLDS = {
  /** STOCKOUT_PREDICTED looks this many review periods past the lead time (MEDIUM in the last one). */
  stockoutReviewPeriods: 2,
  /** OVERSTOCK is MEDIUM at this multiple of the tenant's excess threshold (or without forecast demand), else LOW. */
  overstockMediumMultiple: 2,
  /** UNUSUAL_DEMAND: the interval's coverage, and how many past days are looked at. */
  unusualConfidence: 0.99,
  unusualLookbackDays: 7,
  /** UNUSUAL_DEMAND: HIGH at this many half-widths outside, MEDIUM at one, else LOW. */
  unusualHighHalfWidths: 2,
  /** SUPPLIER_LATE: HIGH at this many days late, MEDIUM at `lateMediumDays`, else LOW (CRITICAL: see supplierLateOf). */
  lateHighDays: 7,
  lateMediumDays: 3,
  /** FORECAST_DEGRADED: the window, the season of the naive forecast, the days it needs, and MEDIUM at this error ratio. */
  degradedWindowDays: 28,
  degradedSeason: 7,
  degradedMinDays: 14,
  degradedMediumRatio: 1.5,
} as const;

const round2 = (n: number) => Math.round(n * 100) / 100;

export interface Finding {
  severity: AlertSeverity;
  severityRule: string;
  predictedDate: DayKey | null;
  impact: { units: number; value: number };
  title: string;
  description: string;
  suggestedAction: string;
}

// ----- STOCKOUT_PREDICTED -----

export interface StockoutInput {
  today: DayKey;
  sku: string;
  locationCode: string;
  /** On hand − reserved − back-ordered + in transit. */
  available: number;
  /** Mean forecast demand per day from today (the last week repeats past its end). */
  dailyDemand: readonly number[];
  /** Scheduled receipts (open purchase-order lines, accepted orders and transfers); an overdue one counts today. */
  receipts: readonly { quantity: number; expectedDate: DayKey }[];
  /** Effective lead time of an order placed today (days). */
  leadTimeDays: number;
  reviewPeriodDays: number;
  unitPrice: number;
  /**
   * With `dailyStd` (each day's forecast error σ, as `dailyDemand`): alert on the first day the
   * probability of having run out reaches this (days' errors independent, normal). Without
   * either, the mean projection decides (the same as 0.5 with a spread).
   */
  minProbability?: number;
  dailyStd?: readonly number[];
}

/** Mean demand on day `d` from today: past the forecast's end its last week repeats (as the policy's projection). */
function demandOn(mean: readonly number[], day: number): number {
  const length = mean.length;
  if (length === 0) return 0;
  if (day < length) return mean[day]!;
  const cycle = Math.min(7, length);
  return mean[length - cycle + ((day - length) % cycle)]!;
}

/**
 * STOCKOUT_PREDICTED: the available stock projected with the mean forecast
 * (receipts arriving on their expected day before that day's demand, as the
 * policy projects) ends a day below zero within the alert window — the lead
 * time plus {@link ALERT_THRESHOLDS.stockoutReviewPeriods} review periods.
 * Units short: the demand the stock cannot serve from that day until the
 * next scheduled receipt (else the window's end); revenue at risk: units
 * short × price. Severity: CRITICAL before an order placed today can arrive
 * (day < ⌈lead time⌉), HIGH within lead time + one review period, MEDIUM
 * later in the window.
 *
 * @example predictStockout({ today: '2026-03-10', available: 20, dailyDemand: [5, 5, 5, 5, 5, 5, 5], receipts: [], leadTimeDays: 7, reviewPeriodDays: 7, unitPrice: 10, … })
 * // predictedDate '2026-03-14': 0 left after the 4th day, the 5th day's demand cannot be served; CRITICAL (before 03-17)
 */
export function predictStockout(input: StockoutInput): Finding | null {
  const lead = Math.max(0, Math.ceil(input.leadTimeDays));
  const review = Math.max(1, Math.ceil(input.reviewPeriodDays));
  const window = lead + ALERT_THRESHOLDS.stockoutReviewPeriods * review;
  const todayNumber = utcDayNumber(input.today);
  const arrivals = input.receipts.map((r) => ({ day: Math.max(0, utcDayNumber(r.expectedDate) - todayNumber), quantity: r.quantity }));
  let stock = input.available;
  let variance = 0;
  const threshold = input.dailyStd && input.minProbability !== undefined ? input.minProbability : null;
  let out: number | null = null;
  for (let day = 0; day < window; day += 1) {
    for (const a of arrivals) if (a.day === day) stock += a.quantity;
    stock -= demandOn(input.dailyDemand, day);
    if (threshold !== null) {
      const sigma = demandOn(input.dailyStd!, day);
      variance += sigma * sigma;
    }
    const runOut = threshold === null || variance === 0 ? stock < 0 : 1 - standardNormalCdf((stock + 0.5) / Math.sqrt(variance)) >= threshold;
    if (runOut) {
      out = day;
      break;
    }
  }
  if (out === null) return null;
  const nextReceipt = arrivals
    .filter((a) => a.day > out && a.quantity > 0)
    .reduce<number | null>((min, a) => (min === null || a.day < min ? a.day : min), null);
  const until = Math.max(out + 1, Math.min(nextReceipt ?? window, window));
  let shortStock = stock;
  for (let day = out + 1; day < until; day += 1) {
    for (const a of arrivals) if (a.day === day) shortStock += a.quantity;
    shortStock -= demandOn(input.dailyDemand, day);
  }
  const unitsShort = round2(Math.max(0, -shortStock));
  const predictedDate = addUtcDays(input.today, out);
  const arrival = addUtcDays(input.today, lead);
  let severity: AlertSeverity;
  let severityRule: string;
  if (out < lead) {
    severity = 'CRITICAL';
    severityRule = `stock-out on ${predictedDate}, before an order placed today can arrive (${arrival}, lead time ${lead} d)`;
  } else if (out < lead + review) {
    severity = 'HIGH';
    severityRule = `stock-out on ${predictedDate}, within the lead time + one review period (${lead} + ${review} d)`;
  } else {
    severity = 'MEDIUM';
    severityRule = `stock-out on ${predictedDate}, within the lead time + ${ALERT_THRESHOLDS.stockoutReviewPeriods} review periods (${window} d)`;
  }
  const untilDay = addUtcDays(input.today, until);
  return {
    severity,
    severityRule,
    predictedDate,
    impact: { units: unitsShort, value: round2(unitsShort * input.unitPrice) },
    title: `${input.sku} runs out at ${input.locationCode} on ${predictedDate}`,
    description:
      `Available ${round2(input.available)} with ${input.receipts.length} scheduled receipt(s) runs out on ${predictedDate} at the forecast demand; ` +
      `${unitsShort} units short until ${nextReceipt !== null ? `the next receipt on ${untilDay}` : untilDay}, ${round2(unitsShort * input.unitPrice)} of revenue at risk`,
    suggestedAction:
      out < lead
        ? `Expedite open orders or transfer stock to ${input.locationCode}: an order placed today arrives ${arrival}`
        : `Order ${input.sku} for ${input.locationCode} now`,
  };
}

// ----- OVERSTOCK -----

export interface OverstockInput {
  sku: string;
  locationCode: string;
  /** Inventory position (available + on order). */
  position: number;
  /** Mean forecast demand per day (over the cover basis). */
  dailyDemand: number;
  thresholdDays: number;
  /** Cost of a unit (the cheapest supplier's, else the list price). */
  unitCost: number;
}

/**
 * OVERSTOCK: days of cover (position ÷ daily forecast demand) above the
 * tenant's excess threshold; the units above the threshold's worth and the
 * value they tie up. MEDIUM at {@link ALERT_THRESHOLDS.overstockMediumMultiple}
 * × the threshold or without forecast demand, else LOW.
 */
export function overstockOf(input: OverstockInput): Finding | null {
  const { position, dailyDemand, thresholdDays } = input;
  if (position <= 0) return null;
  const cover = dailyDemand > 0 ? position / dailyDemand : Infinity;
  if (cover <= thresholdDays) return null;
  const excess = Math.floor(position - dailyDemand * thresholdDays);
  if (excess <= 0) return null;
  const value = round2(excess * input.unitCost);
  const multiple = ALERT_THRESHOLDS.overstockMediumMultiple;
  const coverText = Number.isFinite(cover) ? `${Math.round(cover)} days of cover` : 'no forecast demand';
  const medium = cover >= multiple * thresholdDays;
  return {
    severity: medium ? 'MEDIUM' : 'LOW',
    severityRule: medium
      ? `${coverText}: at least ${multiple} × the excess threshold of ${thresholdDays} days`
      : `${coverText}: above the excess threshold of ${thresholdDays} days, below ${multiple} ×`,
    predictedDate: null,
    impact: { units: excess, value },
    title: `${input.sku} overstocked at ${input.locationCode}: ${coverText}`,
    description: `Position ${round2(position)} at ${round2(dailyDemand)} units/day; ${excess} units above ${thresholdDays} days of cover tie up ${value}`,
    suggestedAction: `Pause orders of ${input.sku} for ${input.locationCode}, transfer or promote the excess`,
  };
}

// ----- UNUSUAL_DEMAND -----

/** A stored forecast as the demand rules read it: per day from `forecastDate`, the mean and the half-width at the 99 % coverage. */
export interface ForecastTrack {
  forecastDate: DayKey;
  predictions: readonly number[];
  halfWidths99: readonly number[];
}

/** The forecast in force on `day`: the newest made on or before it that still covers it. */
export function forecastInForce<T extends { forecastDate: DayKey; predictions: readonly number[] }>(
  forecasts: readonly T[],
  day: DayKey,
): { forecast: T; step: number } | null {
  let best: { forecast: T; step: number } | null = null;
  for (const forecast of forecasts) {
    const step = utcDaysBetween(forecast.forecastDate, day);
    if (step < 0 || step >= forecast.predictions.length) continue;
    if (best === null || forecast.forecastDate > best.forecast.forecastDate) best = { forecast, step };
  }
  return best;
}

/**
 * The half-widths at 99 % from the stored intervals: the stored 99 % ones,
 * else the widest stored level scaled by z₀.₉₉₅ / z of that level (normal
 * errors, as the policy reads σ from them); null without intervals.
 */
export function halfWidthsAt99(intervals: readonly { confidence: number; halfWidths: readonly number[] }[]): number[] | null {
  const target = ALERT_THRESHOLDS.unusualConfidence;
  const exact = intervals.find((i) => Math.abs(i.confidence - target) < 1e-9);
  if (exact) return [...exact.halfWidths];
  const widest = [...intervals].filter((i) => i.confidence > 0 && i.confidence < 1).sort((a, b) => b.confidence - a.confidence)[0];
  if (!widest) return null;
  const scale = inverseStandardNormal(0.5 + target / 2) / inverseStandardNormal(0.5 + widest.confidence / 2);
  return widest.halfWidths.map((h) => h * scale);
}

export interface UnusualDemandInput {
  today: DayKey;
  sku: string;
  /** Demand per past day (all locations together) for the days whose facts have arrived. */
  actuals: ReadonlyMap<DayKey, number>;
  forecasts: readonly ForecastTrack[];
  unitPrice: number;
}

/**
 * UNUSUAL_DEMAND: of the last {@link ALERT_THRESHOLDS.unusualLookbackDays}
 * days, the latest whose actual demand is outside the 99 % interval of the
 * forecast in force that day (mean ± half-width, the lower bound at least 0),
 * in either direction; how far outside, in units and in half-widths.
 * Severity by that distance: HIGH at {@link ALERT_THRESHOLDS.unusualHighHalfWidths}
 * half-widths or more, MEDIUM at one or more, else LOW.
 */
export function unusualDemandOf(input: UnusualDemandInput): Finding | null {
  for (let back = 1; back <= ALERT_THRESHOLDS.unusualLookbackDays; back += 1) {
    const day = addUtcDays(input.today, -back);
    const actual = input.actuals.get(day);
    if (actual === undefined) continue;
    const inForce = forecastInForce(input.forecasts, day);
    if (!inForce) continue;
    const mean = inForce.forecast.predictions[inForce.step]!;
    const half = inForce.forecast.halfWidths99[inForce.step] ?? 0;
    const lower = Math.max(0, mean - half);
    const upper = mean + half;
    if (actual >= lower && actual <= upper) continue;
    const above = actual > upper;
    const distance = round2(above ? actual - upper : lower - actual);
    const widths = distance / Math.max(half, 1);
    const high = ALERT_THRESHOLDS.unusualHighHalfWidths;
    const severity: AlertSeverity = widths >= high ? 'HIGH' : widths >= 1 ? 'MEDIUM' : 'LOW';
    const interval = `[${round2(lower)}, ${round2(upper)}]`;
    return {
      severity,
      severityRule:
        severity === 'HIGH'
          ? `${round2(widths)} half-widths outside the 99 % interval (≥ ${high})`
          : severity === 'MEDIUM'
            ? `${round2(widths)} half-widths outside the 99 % interval (≥ 1, < ${high})`
            : `${round2(widths)} half-widths outside the 99 % interval (< 1)`,
      predictedDate: day,
      impact: { units: distance, value: round2(distance * input.unitPrice) },
      title: `${input.sku} demand ${above ? 'above' : 'below'} its forecast on ${day}`,
      description: `Demand ${round2(actual)} on ${day}, ${distance} units ${above ? 'above' : 'below'} the 99 % interval ${interval} of the forecast of ${inForce.forecast.forecastDate} (mean ${round2(mean)})`,
      suggestedAction: above
        ? `Check for a promotion, a large order or a data error; retrain the forecast of ${input.sku} if the level has shifted`
        : `Check availability and listing of ${input.sku}; retrain its forecast if demand has dropped`,
    };
  }
  return null;
}

// ----- SUPPLIER_LATE -----

export interface LateLine {
  purchaseOrderId: string;
  poNumber: string;
  supplierCode: string;
  expectedDate: DayKey;
  openQuantity: number;
  unitCost: number;
}

/**
 * SUPPLIER_LATE: open purchase-order lines of one SKU × location past their
 * expected date and not fully received (together: the units not delivered
 * and their cost); the alert names the most overdue order. CRITICAL when the
 * location runs out before an order placed today can arrive without them
 * (`stockoutWithoutThem`), else by days late: HIGH at
 * {@link ALERT_THRESHOLDS.lateHighDays}, MEDIUM at
 * {@link ALERT_THRESHOLDS.lateMediumDays}, else LOW.
 */
export function supplierLateOf(input: {
  today: DayKey;
  sku: string;
  locationCode: string;
  lines: readonly LateLine[];
  stockoutWithoutThem: DayKey | null;
}): (Finding & { purchaseOrder: { id: string; poNumber: string } }) | null {
  const late = input.lines.filter((l) => l.openQuantity > 0 && l.expectedDate < input.today);
  if (late.length === 0) return null;
  const worst = [...late].sort((a, b) => (a.expectedDate < b.expectedDate ? -1 : a.expectedDate > b.expectedDate ? 1 : a.poNumber < b.poNumber ? -1 : 1))[0]!;
  const daysLate = utcDaysBetween(worst.expectedDate, input.today);
  const units = late.reduce((n, l) => n + l.openQuantity, 0);
  const value = round2(late.reduce((n, l) => n + l.openQuantity * l.unitCost, 0));
  const { lateHighDays, lateMediumDays } = ALERT_THRESHOLDS;
  let severity: AlertSeverity;
  let severityRule: string;
  if (input.stockoutWithoutThem !== null) {
    severity = 'CRITICAL';
    severityRule = `without the late delivery ${input.locationCode} runs out on ${input.stockoutWithoutThem}, before an order placed today can arrive`;
  } else if (daysLate >= lateHighDays) {
    severity = 'HIGH';
    severityRule = `${daysLate} days late (≥ ${lateHighDays})`;
  } else if (daysLate >= lateMediumDays) {
    severity = 'MEDIUM';
    severityRule = `${daysLate} days late (≥ ${lateMediumDays}, < ${lateHighDays})`;
  } else {
    severity = 'LOW';
    severityRule = `${daysLate} day(s) late (< ${lateMediumDays})`;
  }
  const orders = [...new Set(late.map((l) => l.poNumber))];
  return {
    severity,
    severityRule,
    predictedDate: worst.expectedDate,
    impact: { units, value },
    title: `${worst.poNumber} from ${worst.supplierCode} is ${daysLate} day(s) late for ${input.sku} at ${input.locationCode}`,
    description: `${units} units of ${input.sku} on ${orders.join(', ')} expected by ${worst.expectedDate} have not been received (${value} on order)`,
    suggestedAction: `Chase ${worst.supplierCode} about ${worst.poNumber}${severity === 'CRITICAL' ? `; order ${input.sku} elsewhere or transfer stock` : ''}`,
    purchaseOrder: { id: worst.purchaseOrderId, poNumber: worst.poNumber },
  };
}

// ----- FORECAST_DEGRADED -----

export interface DegradedInput {
  today: DayKey;
  sku: string;
  /** Demand per past day (all locations together); days of a stock-out are left out (censored). */
  actuals: ReadonlyMap<DayKey, number>;
  forecasts: readonly { forecastDate: DayKey; predictions: readonly number[] }[];
  unitPrice: number;
}

/**
 * FORECAST_DEGRADED: over the last {@link ALERT_THRESHOLDS.degradedWindowDays}
 * days, the mean absolute error of the forecasts in force each day (the
 * tracked accuracy) is worse than that of a seasonal-naive forecast made on
 * the same day (the same weekday of the week before the forecast was made),
 * on the same days — at least {@link ALERT_THRESHOLDS.degradedMinDays} of
 * them. Impact: the extra absolute error in units. MEDIUM at
 * {@link ALERT_THRESHOLDS.degradedMediumRatio} × the naive error, else LOW.
 */
export function forecastDegradedOf(input: DegradedInput): Finding | null {
  const { degradedWindowDays, degradedSeason, degradedMinDays, degradedMediumRatio } = ALERT_THRESHOLDS;
  let modelError = 0;
  let naiveError = 0;
  let days = 0;
  for (let back = degradedWindowDays; back >= 1; back -= 1) {
    const day = addUtcDays(input.today, -back);
    const actual = input.actuals.get(day);
    if (actual === undefined) continue;
    const inForce = forecastInForce(input.forecasts, day);
    if (!inForce) continue;
    const naiveDay = addUtcDays(inForce.forecast.forecastDate, -degradedSeason + (inForce.step % degradedSeason));
    const naive = input.actuals.get(naiveDay);
    if (naive === undefined) continue;
    modelError += Math.abs(actual - inForce.forecast.predictions[inForce.step]!);
    naiveError += Math.abs(actual - naive);
    days += 1;
  }
  if (days < degradedMinDays || modelError <= naiveError) return null;
  const modelMae = modelError / days;
  const naiveMae = naiveError / days;
  const ratio = naiveMae > 0 ? modelMae / naiveMae : Infinity;
  const medium = ratio >= degradedMediumRatio;
  const extra = round2(modelError - naiveError);
  const ratioText = Number.isFinite(ratio) ? `${round2(ratio)} ×` : 'above zero while naive is exact';
  return {
    severity: medium ? 'MEDIUM' : 'LOW',
    severityRule: medium
      ? `forecast error ${ratioText} seasonal naive's over ${days} days (≥ ${degradedMediumRatio} ×)`
      : `forecast error ${ratioText} seasonal naive's over ${days} days (> 1, < ${degradedMediumRatio} ×)`,
    predictedDate: null,
    impact: { units: extra, value: round2(extra * input.unitPrice) },
    title: `${input.sku} forecast worse than seasonal naive`,
    description: `Over ${days} days of the last ${degradedWindowDays}, the forecasts' MAE ${round2(modelMae)} vs seasonal naive's ${round2(naiveMae)}: ${extra} units more error`,
    suggestedAction: `Retrain ${input.sku} (POST /api/models/train) and check its history for breaks`,
  };
}
