import { addUtcDays, utcDayNumber, utcDaysBetween, type DayKey } from '@icc/shared';
import { standardNormalCdf } from './normal.js';
import type { DemandForecast, Position, Priority } from './policy.types.js';

/** How far ahead stock is projected (the forecast's last week repeats past its end). */
export const PROJECTION_DAYS = 180;

/**
 * The priority rule's thresholds, in one place ({@link priorityFor}):
 * - CRITICAL: the stock is expected to run out (at mean demand) before an
 *   order placed today can arrive, or the probability of a stock-out before it
 *   arrives is at least `criticalStockoutProbability` — acting today may
 *   already be too late;
 * - HIGH: the order-by date has passed or is at most `highDaysLeft` days away
 *   (an order still arrives in time if placed now, but not much later);
 * - MEDIUM: the order-by date is at most `mediumDaysLeft` days away;
 * - LOW: later, or no order needed within {@link PROJECTION_DAYS}.
 * A slow mover with a long lead time at its reorder point has passed its
 * order-by date but, with stock for longer than the lead time and a small
 * stock-out risk, is HIGH rather than CRITICAL.
 */
export const PRIORITY_THRESHOLDS = { criticalStockoutProbability: 0.5, highDaysLeft: 3, mediumDaysLeft: 7 } as const;

/** Stock that can serve demand now: on hand, less what is promised, plus transfers on their way. */
export function availableStock(position: Position): number {
  return position.onHand - position.reserved - position.backOrdered + position.inTransit;
}

/** Available stock plus every open purchase-order quantity: what the reorder point is compared with. */
export function inventoryPosition(position: Position): number {
  return availableStock(position) + position.onOrder.reduce((sum, o) => sum + o.quantity, 0);
}

export interface Projection {
  today: DayKey;
  position: Position;
  demand: DemandForecast;
}

/**
 * First day (offset from today) on which the stock projected with the mean
 * forecast ends below `level`, or null within {@link PROJECTION_DAYS}. Open
 * purchase orders arrive on their expected date (an overdue one today) before
 * that day's demand. Level 0 is the stock-out day: the first day whose demand
 * the stock cannot cover.
 *
 * @example firstDayBelow({ today: '2026-01-01', position: { onHand: 25, …, onOrder: [] }, demand: { mean: [10, 10, 10, 10] } }, 0) // 2: 25 − 30 < 0 on the third day
 */
export function firstDayBelow(projection: Projection, level: number): number | null {
  return firstDaysBelow(projection, [level])[0]!;
}

/**
 * {@link firstDayBelow} for several levels in one pass over the projection
 * (a decision asks for the stock-out day and the day stock enters its safety
 * stock).
 *
 * @example firstDaysBelow(projection, [0, 20]) // [10, 8]
 */
export function firstDaysBelow({ today, position, demand }: Projection, levels: readonly number[]): (number | null)[] {
  const todayNumber = utcDayNumber(today);
  const arrivals = position.onOrder.map((order) => ({ day: Math.max(0, utcDayNumber(order.expectedDate) - todayNumber), quantity: order.quantity }));
  const length = demand.mean.length;
  const cycle = Math.min(7, length);
  const found: (number | null)[] = levels.map(() => null);
  let open = levels.length;
  let stock = availableStock(position);
  for (let day = 0; day < PROJECTION_DAYS && open > 0; day++) {
    for (const arrival of arrivals) if (arrival.day === day) stock += arrival.quantity;
    stock -= length === 0 ? 0 : day < length ? demand.mean[day]! : demand.mean[length - cycle + ((day - length) % cycle)]!;
    for (let i = 0; i < levels.length; i++) {
      if (found[i] === null && stock < levels[i]!) {
        found[i] = day;
        open--;
      }
    }
  }
  return found;
}

/**
 * Projected stock-out date if nothing more is ordered (see {@link firstDayBelow}).
 *
 * @example stockoutDate(projection) // '2026-01-03'
 */
export function stockoutDate(projection: Projection): DayKey | null {
  const day = firstDayBelow(projection, 0);
  return day === null ? null : addUtcDays(projection.today, day);
}

/**
 * Last day an order can be placed and still arrive before the projected stock
 * falls into its safety stock (or runs out, when there is none): that day
 * minus the effective lead time, rounded up to whole days. May be in the past
 * (already late); null when the projection never falls that low.
 *
 * @example orderByDate(projection, { safetyStock: 0, leadTimeDays: 1.5 }) // '2026-01-01': stock-out on the 3rd, 2 days before
 */
export function orderByDate(projection: Projection, { safetyStock, leadTimeDays }: { safetyStock: number; leadTimeDays: number }): DayKey | null {
  const day = firstDayBelow(projection, Math.max(0, safetyStock));
  return day === null ? null : addUtcDays(projection.today, day - Math.ceil(leadTimeDays));
}

/**
 * Probability that demand before an order placed today arrives outruns the
 * stock (available + orders due within the lead time), if nothing is
 * ordered: 1 − Φ((stock − μ_L) / σ_L), demand over the lead time taken as
 * normal. With σ = 0 it is 1 or 0.
 *
 * @example stockoutProbability({ stock: 120, meanDemand: 100, stdDemand: 20 }) // 0.159: one σ of cover
 */
export function stockoutProbability({ stock, meanDemand, stdDemand }: { stock: number; meanDemand: number; stdDemand: number }): number {
  if (!(stdDemand > 0)) return meanDemand > stock ? 1 : 0;
  return 1 - standardNormalCdf((stock - meanDemand) / stdDemand);
}

/** Open purchase-order quantity expected before `days` days from today (an overdue order counts). */
export function arrivingWithin(position: Position, today: DayKey, days: number): number {
  return position.onOrder.filter((o) => utcDaysBetween(today, o.expectedDate) < days).reduce((sum, o) => sum + o.quantity, 0);
}

export interface PriorityInput {
  today: DayKey;
  /** The last day to order (stock enters its safety stock a lead time later); null: no order needed within the projection. */
  orderBy: DayKey | null;
  /** Projected stock-out at mean demand if nothing is ordered; null: not within the projection. */
  stockout: DayKey | null;
  /** Effective lead time of the supplier the decision orders from: an order placed today arrives this many days (rounded up) from today. */
  leadTimeDays: number;
  /** P(stock-out before an order placed today arrives), if nothing is ordered. */
  stockoutProbability: number;
}

const percent = (p: number) => `${(p * 100).toFixed(0)} %`;

/**
 * Priority by risk and time left ({@link PRIORITY_THRESHOLDS}), with the
 * sentence that says why, for the reasoning.
 *
 * @example priorityFor({ today: '2026-01-01', orderBy: '2025-12-20', stockout: '2026-02-14', leadTimeDays: 30, stockoutProbability: 0.16 })
 *   // { priority: 'HIGH', reason: 'HIGH: the order-by date 2025-12-20 passed 12 d ago; stock lasts until 2026-02-14, after an order placed today arrives (2026-01-31), and P(stock-out before it arrives) 16 % < 50 %' }
 */
export function priorityFor({ today, orderBy, stockout, leadTimeDays, stockoutProbability }: PriorityInput): { priority: Priority; reason: string } {
  const { criticalStockoutProbability, highDaysLeft, mediumDaysLeft } = PRIORITY_THRESHOLDS;
  const arrival = addUtcDays(today, Math.ceil(leadTimeDays));
  const risk = `P(stock-out before it arrives) ${percent(stockoutProbability)}`;
  if (stockout !== null && stockout < arrival) {
    return { priority: 'CRITICAL', reason: `CRITICAL: stock runs out on ${stockout}, before an order placed today can arrive (${arrival}); ${risk}` };
  }
  if (stockoutProbability >= criticalStockoutProbability) {
    return { priority: 'CRITICAL', reason: `CRITICAL: ${risk} ≥ ${percent(criticalStockoutProbability)} (an order placed today arrives ${arrival})` };
  }
  if (orderBy === null) return { priority: 'LOW', reason: `LOW: no order needed within the ${PROJECTION_DAYS}-day projection` };
  const daysLeft = utcDaysBetween(today, orderBy);
  const lasts = stockout === null ? `stock outlasts the projection` : `stock lasts until ${stockout}, after an order placed today arrives (${arrival})`;
  const calm = `${lasts}, and ${risk} < ${percent(criticalStockoutProbability)}`;
  if (daysLeft < 0) return { priority: 'HIGH', reason: `HIGH: the order-by date ${orderBy} passed ${-daysLeft} d ago; ${calm}` };
  if (daysLeft <= highDaysLeft) return { priority: 'HIGH', reason: `HIGH: order by ${orderBy}, ${daysLeft} d left (≤ ${highDaysLeft}); ${calm}` };
  if (daysLeft <= mediumDaysLeft) return { priority: 'MEDIUM', reason: `MEDIUM: order by ${orderBy}, ${daysLeft} d left (≤ ${mediumDaysLeft})` };
  return { priority: 'LOW', reason: `LOW: order by ${orderBy}, ${daysLeft} d left (> ${mediumDaysLeft})` };
}
