import { addUtcDays, type DayKey, type WhatIfOutcome } from '@icc/shared';
import { effectiveLeadTime, inverseStandardNormal, roundToSupplier, standardNormalLoss, type DemandForecast, type SupplierOption } from '../policy/index.js';

/**
 * The pure part of a what-if (issue 17): one SKU × location's daily demand
 * over the period (baseline or scenario), its stock and suppliers → the
 * demand, the expected stock-out, units short, the stock needed and the order
 * that would cover it. No database, no clock: `today` is given.
 */

/** The 80 % interval the answer shows for the period's demand (z = Φ⁻¹(0.9)). */
export const DEMAND_INTERVAL_CONFIDENCE = 0.8;

export interface PairCase {
  today: DayKey;
  /** Daily mean and σ from today, one entry per day of the period. */
  demand: Pick<DemandForecast, 'mean' | 'std'>;
  /** Whether σ came from stored intervals (else no interval is shown). */
  hasIntervals: boolean;
  /** On hand − reserved − back-ordered + in transit. */
  startStock: number;
  /** Open orders by day index from today (those after the period are left out by the caller). */
  arrivals: readonly { day: number; quantity: number }[];
  unitPrice: number;
  /** Probability the period's demand is covered (z = Φ⁻¹(level)). */
  serviceLevel: number;
  /** The supplier an order would go to (null: none active). */
  supplier: SupplierOption | null;
  /** Days added to this supplier's effective lead time (a supplierDelay scenario naming it). */
  extraLeadTimeDays: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * One side of a pair:
 * - demand μ = Σ daily means; σ = √Σ σ_d² (days' errors independent, as `demandOverDays` with ρ = 0);
 * - available A = start stock + arrivals within the period;
 * - units short E[(D − A)⁺] = σ·G((A − μ)/σ) (G the standard normal loss), (μ − A)⁺ without error;
 * - safety stock z·σ, stock needed ⌈μ + z·σ − A⌉⁺, bought from the supplier (MOQ, pack size);
 * - stock-out date: the first day the expected stock (start + arrivals − cumulative mean) is below 0;
 *   need date: the first day it is below the safety stock; order-by = need date − ⌈effective lead time⌉.
 */
export function pairOutcome(input: PairCase): WhatIfOutcome {
  const days = input.demand.mean.length;
  let mu = 0;
  let variance = 0;
  for (let d = 0; d < days; d++) {
    mu += input.demand.mean[d]!;
    variance += input.demand.std[d]! ** 2;
  }
  const sigma = Math.sqrt(variance);
  const arrivalsByDay = new Map<number, number>();
  for (const a of input.arrivals) arrivalsByDay.set(a.day, (arrivalsByDay.get(a.day) ?? 0) + a.quantity);
  const available = input.startStock + input.arrivals.reduce((sum, a) => sum + a.quantity, 0);
  const z = inverseStandardNormal(input.serviceLevel);
  const safetyStock = sigma > 0 ? z * sigma : 0;

  let stock = input.startStock;
  let stockoutDay: number | null = null;
  let needDay: number | null = null;
  for (let d = 0; d < days; d++) {
    stock += (arrivalsByDay.get(d) ?? 0) - input.demand.mean[d]!;
    if (stockoutDay === null && stock < -1e-9) stockoutDay = d;
    if (needDay === null && stock < safetyStock - 1e-9) needDay = d;
  }
  const unitsShort = sigma > 0 ? sigma * standardNormalLoss((available - mu) / sigma) : Math.max(0, mu - available);
  const stockNeeded = Math.max(0, Math.ceil(mu + safetyStock - available - 1e-9));
  const unitCost = input.supplier?.unitCost ?? 0;

  const orders: WhatIfOutcome['orders'] = [];
  if (stockNeeded > 0 && input.supplier) {
    const s = input.supplier;
    const leadTimeDays = effectiveLeadTime(s).days + input.extraLeadTimeDays;
    const needDate = addUtcDays(input.today, needDay ?? days - 1);
    const orderByDate = addUtcDays(needDate, -Math.ceil(leadTimeDays - 1e-9));
    const quantity = roundToSupplier(stockNeeded, s.minimumOrderQuantity, s.packSize);
    orders.push({
      supplierCode: s.supplierCode,
      supplierName: s.supplierName,
      quantity,
      unitCost: s.unitCost,
      cost: round2(quantity * s.unitCost),
      needDate,
      orderByDate,
      leadTimeDays: round2(leadTimeDays),
      late: orderByDate < input.today,
    });
  }
  const zInterval = inverseStandardNormal((1 + DEMAND_INTERVAL_CONFIDENCE) / 2);
  return {
    demand: round2(mu),
    demandInterval: input.hasIntervals
      ? { confidence: DEMAND_INTERVAL_CONFIDENCE, lower: round2(Math.max(0, mu - zInterval * sigma)), upper: round2(mu + zInterval * sigma) }
      : null,
    stockoutDate: stockoutDay === null ? null : addUtcDays(input.today, stockoutDay),
    unitsShort: round2(unitsShort),
    revenueAtRisk: round2(unitsShort * input.unitPrice),
    safetyStock: round2(safetyStock),
    stockNeeded,
    stockNeededCost: round2(stockNeeded * unitCost),
    orders,
  };
}

/** Sum of several outcomes (a product's locations); the interval adds σ's in quadrature from the half-widths. */
export function sumOutcomes(outcomes: readonly WhatIfOutcome[]): WhatIfOutcome {
  let demand = 0;
  let unitsShort = 0;
  let revenueAtRisk = 0;
  let safetyStock = 0;
  let stockNeeded = 0;
  let stockNeededCost = 0;
  let halfWidthSquares = 0;
  let withInterval = outcomes.length > 0;
  let stockoutDate: DayKey | null = null;
  const orders: WhatIfOutcome['orders'] = [];
  for (const o of outcomes) {
    demand += o.demand;
    unitsShort += o.unitsShort;
    revenueAtRisk += o.revenueAtRisk;
    safetyStock += o.safetyStock;
    stockNeeded += o.stockNeeded;
    stockNeededCost += o.stockNeededCost;
    if (o.stockoutDate !== null && (stockoutDate === null || o.stockoutDate < stockoutDate)) stockoutDate = o.stockoutDate;
    if (o.demandInterval) halfWidthSquares += (o.demandInterval.upper - o.demand) ** 2;
    else withInterval = false;
    orders.push(...o.orders);
  }
  const halfWidth = Math.sqrt(halfWidthSquares);
  return {
    demand: round2(demand),
    demandInterval: withInterval
      ? { confidence: DEMAND_INTERVAL_CONFIDENCE, lower: round2(Math.max(0, demand - halfWidth)), upper: round2(demand + halfWidth) }
      : null,
    stockoutDate,
    unitsShort: round2(unitsShort),
    revenueAtRisk: round2(revenueAtRisk),
    safetyStock: round2(safetyStock),
    stockNeeded,
    stockNeededCost: round2(stockNeededCost),
    orders,
  };
}
