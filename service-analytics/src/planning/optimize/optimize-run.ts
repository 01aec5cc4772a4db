import { utcDayKey, type Lease, type OptimizationItem, type OptimizationRun } from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../../facts/fact-collections.js';
import type { StockReadModelDoc } from '../../facts/reference-mirror.js';
import { readChunkInputs, readTenantInputs } from '../planning-inputs.js';
import { planningSettingsOf } from '../planning-settings.js';
import {
  effectiveLeadTime,
  optimiseStockLevelsFlexible,
  optimiseSupplierMix,
  shareCost,
  type FlexibleStockLevelsInput,
  type MixShare,
  type SupplierMixInput,
} from '../policy/index.js';
import { costAt, inventoryValueAt, shortPerCycle, spaceAt, type CurveItem } from '../policy/stock-levels-curve.js';
import { pairModels, type PairModel } from './optimize-pairs.js';
import type { OptimizationRunDocument } from './optimize-runs.js';
import { addOutcomes, drawDays, NO_OUTCOME, SIMULATION, simulateRule, type SimulatedOutcome } from './optimize-simulation.js';

export interface OptimizeRunOptions {
  db: Db;
  now: () => Date;
  chunkSkus: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The curve the optimiser prices an item on, at an order quantity. */
function curveOf(model: PairModel, orderQuantity: number): CurveItem {
  return { ...model.item, orderQuantity: Math.max(1, orderQuantity), space: 1, minFillRate: null, maxFillRate: null };
}

/**
 * One item's numbers at a level and order quantity; the cost is a year's holding + shortage (the
 * optimiser's) + ordering S·D/Q, so today's levels (with today's Q) and the proposal (Q = EOQ) are
 * compared on the whole relevant cost.
 */
function priced(model: PairModel, reorderPoint: number, orderQuantity: number) {
  const curve = curveOf(model, orderQuantity);
  const cycles = curve.annualDemand / curve.orderQuantity;
  return {
    cost: costAt(curve, reorderPoint) + model.orderingCost * cycles,
    inventoryValue: inventoryValueAt(curve, reorderPoint),
    space: spaceAt(curve, reorderPoint),
    shortPerYear: shortPerCycle(curve, reorderPoint) * cycles,
  };
}

/**
 * Run one optimisation: read the planning inputs a chunk of SKUs at a time
 * (the planning run's bulk reads), build each pair's model, then
 * - STOCK_LEVELS: `optimiseStockLevels` over all items at once (Lagrangian
 *   relaxation + marginal repair, within the budget and capacity);
 * - REORDER_POINTS: each ruled pair's strategy recomputed from the current forecast.
 * Both report the change against the levels planning uses today and the
 * model's expected yearly cost at each.
 */
export async function executeOptimizationRun(lease: Lease<OptimizationRunDocument>, options: OptimizeRunOptions): Promise<void> {
  const { db } = options;
  const run = lease.job;
  const today = utcDayKey(options.now());
  const [tenant, settings] = await Promise.all([readTenantInputs(db, run.tenantId, today), planningSettingsOf(db, run.tenantId)]);
  const locationCodes = run.parameters.locationCodes;
  const stockFilter = { tenantId: run.tenantId, ...(locationCodes ? { locationCode: { $in: locationCodes } } : {}) };
  const skus = run.parameters.skus ?? (await db.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel).distinct('sku', stockFilter)).sort();
  if (!(await lease.heartbeat({ $set: { progress: { total: skus.length, done: 0 }, 'inputs.today': today } }))) return;

  const models: PairModel[] = [];
  const skipped: OptimizationRunDocument['skipped'] = [];
  const forecastIds = new Set<string>();
  for (let i = 0; i < skus.length; i += options.chunkSkus) {
    const chunk = await readChunkInputs(db, run.tenantId, skus.slice(i, i + options.chunkSkus), locationCodes);
    for (const f of chunk.forecasts.values()) forecastIds.add(f._id);
    for (const outcome of pairModels(chunk, tenant, settings, today)) {
      if ('skipped' in outcome) skipped.push(outcome.skipped);
      else models.push(outcome.model);
    }
    if (!(await lease.heartbeat({ $set: { 'progress.done': Math.min(skus.length, i + options.chunkSkus) } }))) return;
  }

  const fields: Partial<OptimizationRunDocument> = {
    inputs: { today, forecastIds: forecastIds.size },
    skipped,
    progress: { total: skus.length, done: skus.length },
  };
  if (run.optimizationType === 'REORDER_POINTS') {
    const ruled = models.filter((m) => {
      if (m.rule === null)
        skipped.push({ sku: m.sku, locationCode: m.locationCode, reason: 'no reorder rule: the default applies (STOCK_LEVELS sets levels for it)' });
      else if (m.rule.strategy === 'MANUAL') skipped.push({ sku: m.sku, locationCode: m.locationCode, reason: 'MANUAL rule: planning never orders it' });
      return m.rule !== null && m.rule.strategy !== 'MANUAL';
    });
    const items = ruled.map((m) => {
      const reorderPoint = Math.ceil(m.recomputed.reorderPoint - 1e-9);
      const orderQuantity = Math.max(1, Math.ceil(m.recomputed.cycleQuantity - 1e-9));
      return itemOf(m, m.resolved.strategy, reorderPoint, orderQuantity, m.recomputed.orderUpTo, m.recomputed.safetyStock, m.recomputed.fillRate);
    });
    await lease.complete({
      ...fields,
      method: "recompute: each rule's strategy with its fixed numbers dropped, from the current forecast (planning policy replenishmentLevels)",
      items: items.map((i) => i.item),
      totals: totalsOf(items),
      constraints: [],
    });
    return;
  }

  if (run.optimizationType === 'SUPPLIER_MIX') {
    const mixed = models.filter((m) => {
      if (m.suppliers.length < 2) skipped.push({ sku: m.sku, locationCode: m.locationCode, reason: 'one active supplier: nothing to choose' });
      return m.suppliers.length >= 2;
    });
    const items = mixed.map(supplierMixItem);
    const sum = (f: (i: (typeof items)[number]) => number) => items.reduce((t, i) => t + f(i), 0);
    const current = sum((i) => i.current);
    const proposed = sum((i) => i.proposed);
    const demand = sum((i) => i.demand);
    await lease.complete({
      ...fields,
      method:
        'supplier mix: per SKU × location each active supplier alone and every two-way split in 10 % steps, priced as purchase + ordering (EOQ rounded to the minimum and pack) + holding of cycle and safety stock k·√(L·σ_d² + μ_d²·σ_L²) from the supplier’s effective lead time and measured spread; the cheapest',
      items: items.map((i) => i.item),
      totals: {
        items: items.length,
        inventoryValue: round2(sum((i) => i.item.proposed.inventoryValue)),
        space: 0,
        expectedCost: round2(proposed),
        currentExpectedCost: round2(current),
        // Not simulated: a supplier change moves purchase price and safety stock, which the cost model prices directly.
        savingsIdentified: round2(current - proposed),
        expectedSavings: round2(current - proposed),
        fillRate: demand > 0 ? Math.round((sum((i) => i.fillRate * i.demand) / demand) * 10_000) / 10_000 : 1,
        simulation: null,
      },
      constraints: [],
    });
    return;
  }

  const { budget, storageCapacity, perLocation } = run.parameters.constraints;
  const input: FlexibleStockLevelsInput = {
    items: models.map((m) => ({ ...m.item, orderingCost: m.orderingCost, minimumOrderQuantity: m.supplier.minimumOrderQuantity })),
    constraints: {
      budget,
      storageCapacity: storageCapacity !== null ? { basis: 'units', total: storageCapacity } : perLocation !== null ? { basis: 'units', perLocation } : null,
    },
  };
  const result = optimiseStockLevelsFlexible(input);
  if (!result.ok) {
    await lease.fail(result.error, fields);
    return;
  }
  const byPair = new Map(models.map((m) => [`${m.sku}\u0000${m.locationCode}`, m]));
  const items = result.plan.items.map((choice) => {
    const m = byPair.get(`${choice.sku}\u0000${choice.locationCode}`)!;
    return itemOf(m, 'REORDER_POINT_EOQ', choice.reorderPoint, choice.orderQuantity, choice.orderUpTo, choice.safetyStock, choice.fillRate);
  });
  await lease.complete({
    ...fields,
    method:
      result.plan.orderQuantityPrice > 0
        ? `${result.plan.method}: per SKU × location Q = √(2DS / (c(h + α))) under the budget's price α (the EOQ shrunk) and the reorder point minimising a year's expected holding + shortage (lost margin) cost`
        : `${result.plan.method}: per SKU × location the reorder point minimising a year's expected holding + shortage (lost margin) cost, (r, Q) with Q = EOQ`,
    items: items.map((i) => i.item),
    totals: totalsOf(items),
    constraints: result.plan.constraints.map((c) => ({
      constraint: c.constraint,
      locationCode: c.locationCode,
      limit: c.limit,
      used: round2(c.used),
      binding: c.binding,
      shadowPrice: c.shadowPrice,
    })),
  });
}

interface PricedItem {
  item: OptimizationItem;
  proposed: ReturnType<typeof priced>;
  current: ReturnType<typeof priced>;
  demand: number;
  /** Today's rule and the proposed one over the same simulated year. */
  simulated: { current: SimulatedOutcome; proposed: SimulatedOutcome };
}

function itemOf(
  m: PairModel,
  strategy: string,
  reorderPoint: number,
  orderQuantity: number,
  orderUpTo: number,
  safetyStock: number,
  fillRate: number,
): PricedItem {
  const currentPoint = m.today.reorderPoint;
  const currentQuantity = Math.max(1, m.today.cycleQuantity);
  const proposed = priced(m, reorderPoint, orderQuantity);
  const current = priced(m, currentPoint, currentQuantity);
  const draws = drawDays(m.simulated);
  const simulated = {
    current: simulateRule(m.simulated, { reorderPoint: currentPoint, orderQuantity: currentQuantity }, draws),
    proposed: simulateRule(m.simulated, { reorderPoint, orderQuantity }, draws),
  };
  return {
    simulated,
    item: {
      sku: m.sku,
      locationCode: m.locationCode,
      current: { strategy: m.resolved.strategy, reorderPoint: round2(currentPoint), orderQuantity: round2(currentQuantity) },
      proposed: {
        strategy,
        reorderPoint,
        orderQuantity,
        orderUpTo: round2(orderUpTo),
        safetyStock: round2(safetyStock),
        fillRate: Math.round(fillRate * 10_000) / 10_000,
        inventoryValue: round2(proposed.inventoryValue),
      },
      expectedCost: { current: round2(current.cost), proposed: round2(proposed.cost) },
      change: round2(reorderPoint - currentPoint),
    },
    proposed,
    current,
    demand: m.item.annualDemand,
  };
}

function totalsOf(items: readonly PricedItem[]): NonNullable<OptimizationRun['totals']> {
  let inventoryValue = 0;
  let space = 0;
  let cost = 0;
  let currentCost = 0;
  let short = 0;
  let demand = 0;
  let simulatedCurrent = NO_OUTCOME;
  let simulatedProposed = NO_OUTCOME;
  for (const i of items) {
    simulatedCurrent = addOutcomes(simulatedCurrent, i.simulated.current);
    simulatedProposed = addOutcomes(simulatedProposed, i.simulated.proposed);
    inventoryValue += i.proposed.inventoryValue;
    space += i.proposed.space;
    cost += i.proposed.cost;
    currentCost += i.current.cost;
    short += i.proposed.shortPerYear;
    demand += i.demand;
  }
  return {
    items: items.length,
    inventoryValue: round2(inventoryValue),
    space: round2(space),
    expectedCost: round2(cost),
    currentExpectedCost: round2(currentCost),
    savingsIdentified: round2(simulatedCurrent.holdingCost + simulatedCurrent.orderingCost - (simulatedProposed.holdingCost + simulatedProposed.orderingCost)),
    expectedSavings: round2(currentCost - cost),
    fillRate: demand > 0 ? Math.round((1 - short / demand) * 10_000) / 10_000 : 1,
    simulation: { days: SIMULATION.days, current: simulatedCosts(simulatedCurrent), proposed: simulatedCosts(simulatedProposed) },
  };
}

function simulatedCosts(o: SimulatedOutcome) {
  return {
    holdingCost: round2(o.holdingCost),
    orderingCost: round2(o.orderingCost),
    lostMarginCost: round2(o.lostMarginCost),
    fillRate: o.demanded > 0 ? Math.round((o.served / o.demanded) * 10_000) / 10_000 : 1,
    orders: o.orders,
  };
}

/** One pair's SUPPLIER_MIX proposal against buying everything from today's supplier (the preferred, else the cheapest). */
function supplierMixItem(m: PairModel): { item: OptimizationItem; current: number; proposed: number; demand: number; fillRate: number } {
  const protectionStd = m.item.demandStd;
  const input: SupplierMixInput = {
    annualDemand: m.item.annualDemand,
    dailyMean: m.simulated.dailyMean,
    dailyStd: m.simulated.dailyStd,
    // The pair's own service level as a safety factor on its protection-interval σ.
    safetyFactor: protectionStd > 0 ? Math.max(0, m.recomputed.safetyStock / protectionStd) : 0,
    costs: { holdingCostRate: m.item.holdingCostRate, orderingCost: m.orderingCost },
    suppliers: m.suppliers.map((s) => {
      const lead = effectiveLeadTime(s);
      return {
        supplierCode: s.supplierCode,
        unitCost: s.unitCost,
        minimumOrderQuantity: s.minimumOrderQuantity,
        packSize: s.packSize,
        leadTimeDays: lead.days,
        leadTimeStdDays: lead.stdDays,
      };
    }),
  };
  const today = input.suppliers.find((s) => s.supplierCode === m.supplier.supplierCode)!;
  const current = shareCost(input, today, 1);
  const mix = optimiseSupplierMix(input);
  const costOf = (code: string) => input.suppliers.find((s) => s.supplierCode === code)!.unitCost;
  const rounded = (x: MixShare): MixShare => ({ ...x, safetyStock: round2(x.safetyStock), yearlyCost: round2(x.yearlyCost) });
  const fillRate = m.recomputed.fillRate;
  return {
    item: {
      sku: m.sku,
      locationCode: m.locationCode,
      current: { strategy: `supplier ${today.supplierCode}`, reorderPoint: null, orderQuantity: current.orderQuantity },
      proposed: {
        strategy: `supplier ${mix.shares.map((x) => `${x.supplierCode} ${Math.round(x.share * 100)} %`).join(' + ')}`,
        reorderPoint: null,
        orderQuantity: mix.shares.reduce((t, x) => t + x.orderQuantity, 0),
        orderUpTo: round2(mix.shares.reduce((t, x) => t + x.orderQuantity + x.safetyStock, 0)),
        safetyStock: round2(mix.shares.reduce((t, x) => t + x.safetyStock, 0)),
        fillRate: Math.round(fillRate * 10_000) / 10_000,
        inventoryValue: round2(mix.shares.reduce((t, x) => t + costOf(x.supplierCode) * (x.orderQuantity / 2 + x.safetyStock), 0)),
      },
      expectedCost: { current: round2(current.yearlyCost), proposed: round2(mix.yearlyCost) },
      change: null,
      supplierMix: { current: [rounded(current)], proposed: mix.shares.map(rounded) },
    },
    current: current.yearlyCost,
    proposed: mix.yearlyCost,
    demand: m.item.annualDemand,
    fillRate,
  };
}
