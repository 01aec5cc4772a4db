import {
  eoq,
  optimiseStockLevelsFlexible,
  roundToSupplier,
  type FlexibleStockLevelItem,
  type FlexibleStockLevelPlan,
} from '@icc/service-analytics/planning-policy';
import { HOLDING_COST_RATE, ORDERING_COST, replay, type PolicyResult } from './replay.js';
import type { Pair, Scenario } from './scenario.js';
import { minMaxPolicy } from './static-policies.js';

/**
 * The STOCK_LEVELS budget frontier (issue 17) on the demo business: each
 * pair's (r, Q) item modelled from what is known before the window — daily
 * demand's mean and variance over the last `historyDays` days (units wanted,
 * served or not), the preferred supplier's lead time plus the delays measured
 * on its past deliveries (mean and σ), the lost margin as the shortage price,
 * Q = the EOQ rounded to the supplier — optimised by `optimiseStockLevelsFlexible`
 * without a budget and under budgets that are shares of that plan's inventory
 * value, and each plan replayed over the window as a static (r, Q) rule (order
 * up to r + Q, rounded to the supplier, when the position falls to r) with the
 * replay's true demand and supplier behaviour.
 */

export interface FrontierPair {
  pair: Pair;
  item: FlexibleStockLevelItem;
}

/** Days of history each pair's demand is measured over (the quarter before the window). */
export const FRONTIER_HISTORY_DAYS = 91;

/** The optimiser's item per pair with demand before the window (pairs without any are left out: they are never ordered). */
export function frontierPairs(scenario: Scenario, historyDays = FRONTIER_HISTORY_DAYS): FrontierPair[] {
  const out: FrontierPair[] = [];
  for (const pair of scenario.pairs) {
    const past = pair.pastDemand.slice(-historyDays);
    const mean = past.reduce((a, b) => a + b, 0) / Math.max(1, past.length);
    if (!(mean > 0)) continue;
    const variance = past.reduce((s, d) => s + (d - mean) ** 2, 0) / Math.max(1, past.length - 1);
    const link = pair.preferredLink;
    const supplier = scenario.suppliers.get(link.supplierCode)!;
    const record = scenario.pastDeliveries.get(link.supplierCode);
    const meanDelay = record && record.count > 0 ? Math.max(0, record.sumDelay / record.count) : 0;
    const delayStd = record && record.count > 1 ? Math.sqrt(Math.max(0, record.sumSquaredDelay / record.count - (record.sumDelay / record.count) ** 2)) : 0;
    // Asked each morning, served after: an order placed today covers today's demand too (one day of review).
    const days = supplier.defaultLeadTimeDays + meanDelay + 1;
    const annualDemand = mean * 365;
    const cycle = roundToSupplier(
      Math.max(1, eoq({ annualDemand, orderingCost: ORDERING_COST, unitCost: link.unitCost, holdingCostRate: HOLDING_COST_RATE })),
      link.minimumOrderQuantity,
      link.packSize,
    );
    out.push({
      pair,
      item: {
        sku: pair.product.sku,
        locationCode: pair.location.code,
        demandMean: mean * days,
        demandStd: Math.sqrt(days * variance + mean * mean * delayStd * delayStd),
        annualDemand,
        unitCost: link.unitCost,
        holdingCostRate: HOLDING_COST_RATE,
        shortageCost: Math.max(0, pair.product.price - link.unitCost),
        orderQuantity: cycle,
        orderingCost: ORDERING_COST,
        minimumOrderQuantity: link.minimumOrderQuantity,
      },
    });
  }
  return out;
}

/** The model's average inventory value of the demo planner's own (s, S) levels: Σ c·((S − s)/2 + s − μ), what "today's inventory value" is. */
export function productMasterModelValue(pairs: readonly FrontierPair[]): number {
  return pairs.reduce((sum, { pair, item }) => sum + item.unitCost * ((pair.orderUpTo - pair.reorderPoint) / 2 + pair.reorderPoint - item.demandMean), 0);
}

export interface FrontierPoint {
  label: string;
  /** null: no budget. */
  budget: number | null;
  plan: FlexibleStockLevelPlan;
  simulated: PolicyResult;
}

/** Replay a plan as a static (r, Q) rule per pair (pairs the plan does not cover never order). */
export function replayPlan(scenario: Scenario, pairs: readonly FrontierPair[], plan: FlexibleStockLevelPlan, label: string): PolicyResult {
  const levels = new Map(
    pairs.map(({ pair }, i) => [pair, { min: plan.items[i]!.reorderPoint, max: plan.items[i]!.reorderPoint + plan.items[i]!.orderQuantity }]),
  );
  return replay(
    scenario,
    minMaxPolicy(label, (pair) => levels.get(pair) ?? { min: -1, max: 0 }),
  ).result;
}

/** The unconstrained plan, then one plan per budget (shares of the unconstrained plan's inventory value, plus any absolute budgets), each replayed. */
export function budgetFrontier(
  scenario: Scenario,
  shares: readonly number[],
  extra: readonly { label: string; budget: number }[] = [],
  pairs = frontierPairs(scenario),
): { pairs: FrontierPair[]; points: FrontierPoint[] } {
  const items = pairs.map((p) => p.item);
  const solve = (label: string, budget: number | null): FrontierPoint => {
    const result = optimiseStockLevelsFlexible({ items, constraints: { budget } });
    if (!result.ok) throw new Error(`${label}: ${result.error.message}`);
    return { label, budget, plan: result.plan, simulated: replayPlan(scenario, pairs, result.plan, label) };
  };
  const free = solve('no budget', null);
  const points = [free];
  for (const share of shares) points.push(solve(`${Math.round(share * 100)} % of the unconstrained plan`, share * free.plan.totals.inventoryValue));
  for (const { label, budget } of extra) points.push(solve(label, budget));
  return { pairs, points };
}
