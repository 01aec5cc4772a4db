import { addUtcDays, utcDayNumber, utcDaysBetween, type DayKey } from '@icc/shared';
import { standardNormalCdf } from './normal.js';
import type { DemandForecast, Position, Priority } from './policy.types.js';

/** How far ahead stock is projected (the forecast's last week repeats past its end). */
export const PROJECTION_DAYS = 180;

/**
 * Priority by days left until the order-by date: ≤ 0 (today or overdue)
 * CRITICAL, ≤ 3 HIGH, ≤ 7 MEDIUM (within the week), later LOW — as is a
 * projection that never needs an order within {@link PROJECTION_DAYS}.
 */
export const PRIORITY_THRESHOLDS = { CRITICAL: 0, HIGH: 3, MEDIUM: 7 } as const;

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

/**
 * Priority from the days left until the order-by date ({@link PRIORITY_THRESHOLDS}).
 *
 * @example priorityFor('2026-01-01', '2026-01-03') // 'HIGH'
 */
export function priorityFor(today: DayKey, orderBy: DayKey | null): Priority {
  if (orderBy === null) return 'LOW';
  const daysLeft = utcDaysBetween(today, orderBy);
  if (daysLeft <= PRIORITY_THRESHOLDS.CRITICAL) return 'CRITICAL';
  if (daysLeft <= PRIORITY_THRESHOLDS.HIGH) return 'HIGH';
  if (daysLeft <= PRIORITY_THRESHOLDS.MEDIUM) return 'MEDIUM';
  return 'LOW';
}
