import { roundToSupplier } from './order-quantity.js';
import type { Priority } from './policy.types.js';

/**
 * The bulk purchase plan (seed 000 journey 3, `GET /api/recommendations?type=BULK_PURCHASE`):
 * pending reorder recommendations consolidated into one proposed purchase
 * order per supplier × location, each line re-checked against the supplier's
 * current minimum order quantity and pack size, and, under an optional
 * budget, funded highest priority first. Pure: the caller reads the
 * recommendations and links and records the orders.
 */

/** One pending REORDER recommendation with what its supplier's link says today. */
export interface PlanCandidate {
  recommendationId: string;
  sku: string;
  productName: string;
  supplierCode: string;
  supplierName: string | null;
  locationCode: string;
  priority: Priority;
  /** ISO day; null when planning named none (no stock-out within the projection). */
  orderByDate: string | null;
  /** The recommended quantity. */
  quantity: number;
  unitCost: number;
  minimumOrderQuantity: number;
  packSize: number;
}

export interface PlannedLine {
  recommendationId: string;
  sku: string;
  productName: string;
  priority: Priority;
  orderByDate: string | null;
  recommendedQuantity: number;
  /** What the plan orders: the recommendation rounded to the supplier's minimum and packs, reduced to fit a budget. */
  quantity: number;
  unitCost: number;
  lineCost: number;
  /** Why the quantity differs from the recommendation's, in words; null when it does not. */
  adjustment: string | null;
}

export interface SupplierPlan {
  supplierCode: string;
  supplierName: string | null;
  locationCode: string;
  /** The most urgent of its lines. */
  priority: Priority;
  /** The earliest order-by day among its lines. */
  orderByDate: string | null;
  lines: PlannedLine[];
  totals: { lines: number; units: number; cost: number };
}

export interface DeferredLine {
  recommendationId: string;
  sku: string;
  supplierCode: string;
  locationCode: string;
  priority: Priority;
  quantity: number;
  cost: number;
  reason: string;
}

export interface PurchasePlan {
  plans: SupplierPlan[];
  /** Lines the budget could not fund, in the order they were considered. */
  deferred: DeferredLine[];
  totals: { plans: number; lines: number; units: number; cost: number; budget: number | null; budgetLeft: number | null };
}

const PRIORITY_RANK: Record<Priority, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };

/** Money to the cent, so totals add up as a person adds them. */
const cents = (value: number) => Math.round(value * 100) / 100;

/** Most urgent first: priority, then the earlier order-by day (none last), then the larger order, then id for a stable order. */
function byUrgency(a: PlanCandidate, b: PlanCandidate): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    (a.orderByDate ?? '9999-12-31').localeCompare(b.orderByDate ?? '9999-12-31') ||
    b.quantity * b.unitCost - a.quantity * a.unitCost ||
    a.recommendationId.localeCompare(b.recommendationId)
  );
}

/**
 * The most of a line a budget can fund: whole packs, at least the supplier's
 * minimum; 0 when not even that fits.
 *
 * @example affordableQuantity(45, 10, 12, 4) // 36: 11.25 units fit, 3 packs of 12
 */
export function affordableQuantity(budget: number, minimumOrderQuantity: number, packSize: number, unitCost: number): number {
  if (!(unitCost > 0)) return Number.POSITIVE_INFINITY;
  const pack = packSize >= 1 ? packSize : 1;
  const packs = Math.floor(budget / unitCost / pack + 1e-9);
  const quantity = packs * pack;
  return quantity >= roundToSupplier(1, minimumOrderQuantity, pack) ? quantity : 0;
}

/**
 * Consolidate pending reorders into one plan per supplier × location. With a
 * budget, lines are funded most urgent first ({@link byUrgency}); a line that
 * does not fit whole is cut to the whole packs that fit (if that still meets
 * the supplier's minimum), else deferred, and later, smaller lines may still
 * be funded. Plans are ordered most urgent first, then by cost.
 *
 * @example consolidatePurchasePlans(candidates, 10_000).totals.cost // ≤ 10,000
 */
export function consolidatePurchasePlans(candidates: readonly PlanCandidate[], budget: number | null): PurchasePlan {
  let left = budget ?? Number.POSITIVE_INFINITY;
  const funded: (PlannedLine & { supplierCode: string; supplierName: string | null; locationCode: string })[] = [];
  const deferred: DeferredLine[] = [];
  for (const candidate of [...candidates].sort(byUrgency)) {
    const rounded = roundToSupplier(candidate.quantity, candidate.minimumOrderQuantity, candidate.packSize);
    let quantity = rounded;
    let adjustment =
      rounded === candidate.quantity
        ? null
        : `rounded ${candidate.quantity} to ${rounded}: the supplier's minimum is ${candidate.minimumOrderQuantity}, pack ${candidate.packSize}`;
    const cost = cents(rounded * candidate.unitCost);
    if (cost > left + 1e-9) {
      const affordable = Math.min(rounded, affordableQuantity(left, candidate.minimumOrderQuantity, candidate.packSize, candidate.unitCost));
      if (affordable === 0) {
        deferred.push({
          recommendationId: candidate.recommendationId,
          sku: candidate.sku,
          supplierCode: candidate.supplierCode,
          locationCode: candidate.locationCode,
          priority: candidate.priority,
          quantity: rounded,
          cost,
          reason: `needs ${cost.toFixed(2)}; ${cents(left).toFixed(2)} of the budget left, less than the supplier's smallest order (${roundToSupplier(1, candidate.minimumOrderQuantity, candidate.packSize)} units)`,
        });
        continue;
      }
      quantity = affordable;
      adjustment = `cut from ${rounded} to ${affordable} to fit the budget (${cents(left).toFixed(2)} left)`;
    }
    const lineCost = cents(quantity * candidate.unitCost);
    left -= lineCost;
    funded.push({
      recommendationId: candidate.recommendationId,
      sku: candidate.sku,
      productName: candidate.productName,
      priority: candidate.priority,
      orderByDate: candidate.orderByDate,
      recommendedQuantity: candidate.quantity,
      quantity,
      unitCost: candidate.unitCost,
      lineCost,
      adjustment,
      supplierCode: candidate.supplierCode,
      supplierName: candidate.supplierName,
      locationCode: candidate.locationCode,
    });
  }

  const groups = new Map<string, typeof funded>();
  for (const line of funded) {
    const key = `${line.supplierCode}\u0000${line.locationCode}`;
    const group = groups.get(key);
    if (group) group.push(line);
    else groups.set(key, [line]);
  }
  const plans: SupplierPlan[] = [...groups.values()].map((group) => {
    const first = group[0]!;
    const lines = group.map(({ supplierCode: _s, supplierName: _n, locationCode: _l, ...line }) => line);
    const orderBy = lines.map((l) => l.orderByDate).filter((d): d is string => d !== null);
    return {
      supplierCode: first.supplierCode,
      supplierName: first.supplierName,
      locationCode: first.locationCode,
      priority: first.priority,
      orderByDate: orderBy.length > 0 ? orderBy.reduce((a, b) => (a < b ? a : b)) : null,
      lines,
      totals: { lines: lines.length, units: lines.reduce((s, l) => s + l.quantity, 0), cost: cents(lines.reduce((s, l) => s + l.lineCost, 0)) },
    };
  });
  plans.sort(
    (a, b) =>
      PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
      b.totals.cost - a.totals.cost ||
      a.supplierCode.localeCompare(b.supplierCode) ||
      a.locationCode.localeCompare(b.locationCode),
  );
  const cost = cents(plans.reduce((s, p) => s + p.totals.cost, 0));
  return {
    plans,
    deferred,
    totals: {
      plans: plans.length,
      lines: funded.length,
      units: plans.reduce((s, p) => s + p.totals.units, 0),
      cost,
      budget,
      budgetLeft: budget === null ? null : cents(budget - cost),
    },
  };
}
