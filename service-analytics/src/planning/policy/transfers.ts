import { addUtcDays, type DayKey } from '@icc/shared';
import { roundToSupplier } from './order-quantity.js';

/**
 * TRANSFER recommendations: for one SKU, move stock from a location that has
 * more than it needs to one whose decision orders, instead of buying, when the
 * move is cheaper than the purchase it avoids and arrives in time. Pure: the
 * planning run gives every location's decision for the SKU; the answer says
 * which transfers to make and what remains of each receiving location's order.
 *
 * The cost model (tenant planning settings): one transfer costs
 * `fixedCost + unitCost × quantity` (handling, a truck slot). It avoids buying
 * the units the receiving order no longer needs — (order quantity − what
 * remains of it after rounding to the supplier) × the supplier's unit cost —
 * plus the ordering cost when no order remains. Savings = avoided − transfer
 * cost; only a positive saving is recommended.
 */

export interface TransferLocation {
  locationCode: string;
  /** Inventory position: available + in transit + on order. */
  position: number;
  /** Stock physically there that can leave now: on hand − reserved − back-ordered. */
  shippable: number;
  reorderPoint: number;
  orderUpTo: number;
  /** First day stock is projected to run out if nothing is ordered; null: not within the projection. */
  stockoutDate: DayKey | null;
  /** The REORDER this location's decision makes; null when it orders nothing (only then can it give). */
  order: {
    quantity: number;
    /** The net requirement before rounding to the supplier's minimum and pack. */
    rawQuantity: number;
    supplierCode: string;
    unitCost: number;
    minimumOrderQuantity: number;
    packSize: number;
    expectedArrivalDate: DayKey;
  } | null;
}

export interface TransferCostSettings {
  /** Cost of one transfer, whatever its size. */
  fixedCost: number;
  /** Cost of moving one unit. */
  unitCost: number;
  /** Days from deciding to the stock being at the receiving location (operational transfers book at once; this is the truck). */
  leadTimeDays: number;
  /** Cost of placing one purchase order (saved when a transfer replaces the order). */
  orderingCost: number;
}

export interface Transfer {
  fromLocationCode: string;
  toLocationCode: string;
  quantity: number;
  arrivalDate: DayKey;
  /** fixed + per unit × quantity. */
  cost: number;
  /** Purchase cost the transfer avoids: units no longer bought × unit cost (+ the ordering cost when no order remains). */
  purchaseCostAvoided: number;
  /** purchaseCostAvoided − cost (> 0). */
  savings: number;
  /** What remains of the receiving location's order, rounded to its supplier; null: the transfer replaces it. */
  remainingOrder: { quantity: number; cost: number } | null;
  reasoning: string[];
}

/**
 * What a location can give and stay safe: after giving, its position stays at
 * or above its order-up-to level and strictly above its reorder point (so the
 * gift does not make it order), and the stock left on its shelves stays at or
 * above its reorder point (it can wait a whole lead time for its own open
 * orders). Whole units; 0 for a location that orders itself.
 *
 * @example giveable({ position: 300, shippable: 250, reorderPoint: 80, orderUpTo: 150, order: null, … }) // 150
 */
export function giveable(location: TransferLocation): number {
  if (location.order) return 0;
  const { position, shippable, reorderPoint, orderUpTo } = location;
  const units = Math.min(Math.floor(position - orderUpTo), Math.ceil(position - reorderPoint) - 1, Math.floor(shippable - reorderPoint));
  return Math.max(0, units);
}

const money = (n: number) => Math.round(n * 100) / 100;

/**
 * The transfers worth making for one SKU. Receiving locations are served most
 * urgent first (earliest projected stock-out, then the larger need, then
 * code); each takes from the one source that saves the most (ties: more
 * units, then code), at most its net requirement and what that source can
 * give ({@link giveable}), which the next receivers then cannot take again. A
 * transfer must arrive in time: on or before the receiving location's
 * projected stock-out, or at least no later than the purchase it replaces
 * would. Deterministic, whatever the order of `locations`.
 *
 * @example planTransfers({ today: '2026-03-10', sku: 'A', locations: [wh1Short, wh2Full], costs }) // [{ fromLocationCode: 'WH-2', toLocationCode: 'WH-1', quantity: 80, … }]
 */
export function planTransfers({
  today,
  sku,
  locations,
  costs,
}: {
  today: DayKey;
  sku: string;
  locations: readonly TransferLocation[];
  costs: TransferCostSettings;
}): Transfer[] {
  const left = new Map(locations.map((l) => [l.locationCode, giveable(l)]));
  const sources = locations.filter((l) => left.get(l.locationCode)! > 0);
  if (sources.length === 0) return [];
  const arrivalDate = addUtcDays(today, Math.ceil(costs.leadTimeDays));
  const receivers = locations
    .filter((l) => l.order !== null && Math.ceil(l.order.rawQuantity) > 0)
    .sort(
      (a, b) =>
        (a.stockoutDate ?? '9999-12-31').localeCompare(b.stockoutDate ?? '9999-12-31') ||
        b.order!.rawQuantity - a.order!.rawQuantity ||
        a.locationCode.localeCompare(b.locationCode),
    );

  const transfers: Transfer[] = [];
  for (const receiver of receivers) {
    const order = receiver.order!;
    // In time: by the projected stock-out, or at least no later than the order it replaces (no stock-out projected: any time).
    const stockout = receiver.stockoutDate;
    if (stockout !== null && arrivalDate > stockout && arrivalDate > order.expectedArrivalDate) continue;
    const need = Math.ceil(order.rawQuantity);
    let best: Omit<Transfer, 'reasoning'> | null = null;
    for (const source of sources) {
      const quantity = Math.min(need, left.get(source.locationCode)!);
      if (quantity <= 0) continue;
      const remaining = roundToSupplier(need - quantity, order.minimumOrderQuantity, order.packSize);
      const cost = money(costs.fixedCost + costs.unitCost * quantity);
      const purchaseCostAvoided = money((order.quantity - remaining) * order.unitCost + (remaining === 0 ? costs.orderingCost : 0));
      const savings = money(purchaseCostAvoided - cost);
      if (savings <= 0) continue;
      const candidate = {
        fromLocationCode: source.locationCode,
        toLocationCode: receiver.locationCode,
        quantity,
        arrivalDate,
        cost,
        purchaseCostAvoided,
        savings,
        remainingOrder: remaining === 0 ? null : { quantity: remaining, cost: money(remaining * order.unitCost) },
      };
      if (
        !best ||
        savings > best.savings ||
        (savings === best.savings && (quantity > best.quantity || (quantity === best.quantity && source.locationCode < best.fromLocationCode)))
      ) {
        best = candidate;
      }
    }
    if (!best) continue;
    left.set(best.fromLocationCode, left.get(best.fromLocationCode)! - best.quantity);
    const source = sources.find((s) => s.locationCode === best.fromLocationCode)!;
    transfers.push({ ...best, reasoning: explain(sku, receiver, source, best, costs) });
  }
  return transfers;
}

function explain(
  sku: string,
  receiver: TransferLocation,
  source: TransferLocation,
  transfer: Omit<Transfer, 'reasoning'>,
  costs: TransferCostSettings,
): string[] {
  const order = receiver.order!;
  const q = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  const after = source.position - transfer.quantity;
  const timing =
    receiver.stockoutDate === null
      ? `arrives ${transfer.arrivalDate} (${costs.leadTimeDays} d); no stock-out projected at ${receiver.locationCode}`
      : transfer.arrivalDate <= receiver.stockoutDate
        ? `arrives ${transfer.arrivalDate} (${costs.leadTimeDays} d), before the projected stock-out at ${receiver.locationCode} on ${receiver.stockoutDate}`
        : `arrives ${transfer.arrivalDate} (${costs.leadTimeDays} d), after the projected stock-out on ${receiver.stockoutDate} but no later than an order from ${order.supplierCode} (${order.expectedArrivalDate})`;
  return [
    `${receiver.locationCode} needs ${q(Math.ceil(order.rawQuantity))} units of ${sku} (order of ${order.quantity} from ${order.supplierCode} at ${order.unitCost} = ${money(order.quantity * order.unitCost)})`,
    `${source.locationCode} can give ${transfer.quantity}: position ${q(source.position)} → ${q(after)}, still at or above its order-up-to ${q(source.orderUpTo)} and above its reorder point ${q(source.reorderPoint)}; ${q(source.shippable)} on its shelves`,
    `Transfer cost ${costs.fixedCost} + ${costs.unitCost} × ${transfer.quantity} = ${transfer.cost}; purchase avoided ${transfer.purchaseCostAvoided}` +
      (transfer.remainingOrder === null
        ? ` (${order.quantity} × ${order.unitCost} + ordering cost ${costs.orderingCost}: no order needed)`
        : ` (order reduced from ${order.quantity} to ${transfer.remainingOrder.quantity} units)`) +
      `; saves ${transfer.savings}`,
    `Transfer ${timing}`,
  ];
}
