import type { REORDER_STRATEGY_NAMES, DayKey, PlanningSettings, StoredRecommendation } from '@icc/shared';
import type { StockReadModelDoc } from '../facts/reference-mirror.js';
import type { ForecastDocument } from '../forecasts/forecast-collections.js';
import { type ChunkInputs, forecastFromToday, pairKey, supplierOptions, type TenantInputs } from './planning-inputs.js';
import {
  decide,
  defaultServiceLevel,
  demandForecastFromIntervals,
  demandOverDays,
  locationShares,
  type REORDER_STRATEGIES,
  splitToLocations,
  type Decision,
  type DecisionInput,
  type DemandForecast,
  type ResolvedRule,
} from './policy/index.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The API's strategy names (shared) and the policy's are one list: a compile error otherwise. */
export const STRATEGIES_AGREE: Same<(typeof REORDER_STRATEGY_NAMES)[number], (typeof REORDER_STRATEGIES)[number]> = true;

/** Days of forecast the daily demand behind days of cover is averaged over. */
const COVER_BASIS_DAYS = 28;

/** One SKU × location planned: what decide() was given and what it answered. */
export interface PlannedPair {
  sku: string;
  locationCode: string;
  productName: string;
  input: DecisionInput;
  decision: Decision;
  forecastJobId: string;
  forecastDate: DayKey;
  /** Accepted, not yet seen as a purchase order (counted in the position). */
  acceptedOpen: number;
}

export type PairOutcome = { planned: PlannedPair } | { skipped: { sku: string; locationCode: string; reason: string } };

/**
 * The rule that applies at a location: its own, else the SKU's, else the
 * default FORECAST_BASED; blanks filled from the settings (service level by
 * the SKU's ABC class, review period).
 */
export function resolveRule(
  chunk: ChunkInputs,
  tenant: TenantInputs,
  settings: PlanningSettings,
  sku: string,
  locationCode: string,
): ResolvedRule & { source: string } {
  const rule = chunk.rules.get(`${sku}:${locationCode}`) ?? chunk.rules.get(`${sku}:*`);
  const abc = tenant.abc[sku] ?? 'C';
  const classLevel = defaultServiceLevel(abc, settings.defaultServiceLevels);
  if (!rule) {
    return {
      strategy: 'FORECAST_BASED',
      serviceLevel: classLevel,
      reviewPeriodDays: settings.reviewPeriodDays,
      minStock: null,
      maxStock: null,
      reorderPoint: null,
      reorderQuantity: null,
      source: `default rule, class ${abc}`,
    };
  }
  return {
    strategy: rule.strategy,
    serviceLevel: rule.serviceLevel ?? classLevel,
    reviewPeriodDays: rule.reviewPeriodDays ?? settings.reviewPeriodDays,
    minStock: rule.minStock,
    maxStock: rule.maxStock,
    reorderPoint: rule.reorderPoint,
    reorderQuantity: rule.reorderQuantity,
    source: `${rule.locationCode === null ? 'SKU' : 'location'} rule, class ${abc}`,
  };
}

/**
 * Gather one pair's DecisionInput from the chunk's reads and decide. The
 * position is on hand − reserved + in transit + open purchase-order lines
 * (with their expected days) + accepted recommendations not yet ordered;
 * back-orders are 0: analytics keeps no back-order state (back-ordered lines
 * live on operational sales orders, which it sees only as demand events).
 */
export function planPair(stock: StockReadModelDoc, chunk: ChunkInputs, tenant: TenantInputs, settings: PlanningSettings, today: DayKey): PairOutcome {
  const { sku, locationCode } = stock;
  const skip = (reason: string): PairOutcome => ({ skipped: { sku, locationCode, reason } });
  const product = chunk.products.get(sku);
  if (!product) return skip('not in the catalog mirror');
  const forecast = chunk.forecasts.get(sku);
  if (!forecast) return skip('no stored forecast: train one (POST /api/models/train)');
  const demand = locationDemand(chunk, tenant, sku, forecast, today)?.[locationCode];
  if (!demand) return skip(`the latest forecast (${forecast.forecastDate}, ${forecast.horizon} d) ends before ${today}`);
  const rule = resolveRule(chunk, tenant, settings, sku, locationCode);
  const key = pairKey(sku, locationCode);
  const input: DecisionInput = {
    today,
    sku,
    locationCode,
    unitPrice: product.price,
    rule,
    position: { onHand: stock.onHand, reserved: stock.reserved, backOrdered: 0, onOrder: chunk.onOrder.get(key) ?? [], inTransit: stock.inTransit },
    demand,
    suppliers: supplierOptions(chunk.links.get(sku) ?? [], tenant),
    costs: { holdingCostRate: settings.holdingCostRate, orderingCost: settings.orderingCost },
  };
  return {
    planned: {
      sku,
      locationCode,
      productName: product.name,
      input,
      decision: decide(input),
      forecastJobId: forecast.jobId,
      forecastDate: forecast.forecastDate,
      acceptedOpen: chunk.acceptedOpen.get(key) ?? 0,
    },
  };
}

/** Per chunk: each SKU's forecast split to its locations, computed once per SKU (not once per pair). */
const splitCache = new WeakMap<ChunkInputs, Map<string, Record<string, DemandForecast> | null>>();

/**
 * The SKU's network forecast from today, as a demand with its error
 * (`demandForecastFromIntervals`), split to the locations by their share of
 * the recent demand (`locationShares`: every stocked location gets one, a
 * location without recent sales the policy's minimum).
 */
function locationDemand(
  chunk: ChunkInputs,
  tenant: TenantInputs,
  sku: string,
  forecast: ForecastDocument,
  today: DayKey,
): Record<string, DemandForecast> | null {
  let cache = splitCache.get(chunk);
  if (!cache) splitCache.set(chunk, (cache = new Map<string, Record<string, DemandForecast> | null>()));
  if (cache.has(sku)) return cache.get(sku)!;
  const fromToday = forecastFromToday(forecast, today);
  let split: Record<string, DemandForecast> | null = null;
  if (fromToday) {
    const network = demandForecastFromIntervals({ ...fromToday, source: `${forecast.modelType} forecast of ${forecast.forecastDate}` });
    const locations = { ...(tenant.recentDemand.get(sku) ?? {}) };
    for (const code of chunk.locationsBySku.get(sku) ?? []) if (!(code in locations)) locations[code] = 0;
    split = splitToLocations(network, locationShares(locations));
  }
  cache.set(sku, split);
  return split;
}

/** A recommendation the run wants to exist (without the fields the writer owns: ids, status, times, actions). */
export type DesiredRecommendation = Omit<
  StoredRecommendation,
  | '_id'
  | 'status'
  | 'runId'
  | 'expiresAt'
  | 'createdAt'
  | 'updatedAt'
  | 'actionedAt'
  | 'actionedBy'
  | 'rejectionReason'
  | 'accepted'
  | 'purchaseOrder'
  | 'supersededBy'
>;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The REORDER of a decision that orders, with the numbers behind it. */
export function reorderOf(pair: PlannedPair, tenantId: string): DesiredRecommendation | null {
  const { decision, input } = pair;
  const order = decision.order;
  if (!order) return null;
  const supplier = input.suppliers.find((s) => s.supplierCode === order.supplierCode)!;
  return {
    tenantId,
    type: 'REORDER',
    priority: decision.priority,
    sku: pair.sku,
    productName: pair.productName,
    locationCode: pair.locationCode,
    fromLocationCode: null,
    currentPosition: round2(decision.inventoryPosition),
    predictedDemand: { leadTime: round2(decision.demandOverLeadTime), days7: round2(decision.demand7Days), days14: round2(decision.demand14Days) },
    quantity: order.quantity,
    supplierCode: order.supplierCode,
    supplierName: supplier.supplierName,
    supplierReason: order.supplierReason,
    unitCost: supplier.unitCost,
    orderByDate: order.orderByDate,
    expectedArrivalDate: order.expectedArrivalDate,
    stockoutDate: decision.stockoutDate,
    cost: round2(order.cost),
    savingsPotential: round2(decision.savingsPotential),
    confidence: round2(decision.stockoutProbability),
    action: `Order ${order.quantity} units of ${pair.sku} from ${supplier.supplierName} for ${pair.locationCode} by ${order.orderByDate}`,
    reasoning: decision.reasoning,
    policy: policyNumbers(pair),
  };
}

/**
 * EXCESS_STOCK when the position covers more days of forecast demand than the
 * tenant's threshold: the units above the threshold's worth and the value
 * they tie up (at the cheapest supplier's cost, else the list price).
 */
export function excessOf(pair: PlannedPair, tenantId: string, thresholdDays: number): DesiredRecommendation | null {
  const { decision, input } = pair;
  const position = decision.inventoryPosition;
  if (position <= 0) return null;
  const daily = demandOverDays(input.demand, 0, COVER_BASIS_DAYS).mean / COVER_BASIS_DAYS;
  const cover = daily > 0 ? position / daily : Infinity;
  if (cover <= thresholdDays) return null;
  const excess = Math.floor(position - daily * thresholdDays);
  if (excess <= 0) return null;
  const unitCost = input.suppliers.length > 0 ? Math.min(...input.suppliers.map((s) => s.unitCost)) : input.unitPrice;
  const value = round2(excess * unitCost);
  const coverText = Number.isFinite(cover) ? `${Math.round(cover)} days` : 'no forecast demand';
  return {
    tenantId,
    type: 'EXCESS_STOCK',
    priority: cover > 2 * thresholdDays ? 'MEDIUM' : 'LOW',
    sku: pair.sku,
    productName: pair.productName,
    locationCode: pair.locationCode,
    fromLocationCode: null,
    currentPosition: round2(position),
    predictedDemand: { leadTime: round2(decision.demandOverLeadTime), days7: round2(decision.demand7Days), days14: round2(decision.demand14Days) },
    quantity: excess,
    supplierCode: null,
    supplierName: null,
    supplierReason: null,
    unitCost,
    orderByDate: null,
    expectedArrivalDate: null,
    stockoutDate: decision.stockoutDate,
    cost: value,
    savingsPotential: round2(value * input.costs.holdingCostRate),
    confidence: 0,
    action: `Excess: ${excess} units of ${pair.sku} at ${pair.locationCode} (${coverText} of cover, threshold ${thresholdDays}) tie up ${value}; pause orders, transfer or promote`,
    reasoning: [
      `Position ${Math.round(position)} covers ${coverText} at ${round2(daily)} units/day (forecast mean over ${COVER_BASIS_DAYS} d)`,
      `Above ${thresholdDays} days of cover: ${excess} units × ${unitCost} = ${value} tied up; holding them a year costs ${round2(value * input.costs.holdingCostRate)}`,
    ],
    policy: policyNumbers(pair),
  };
}

function policyNumbers(pair: PlannedPair): Record<string, number | string | null> {
  const { decision, input } = pair;
  const rule = input.rule as ResolvedRule & { source?: string };
  return {
    strategy: rule.strategy,
    ruleSource: rule.source ?? null,
    serviceLevel: rule.serviceLevel,
    reviewPeriodDays: rule.reviewPeriodDays,
    reorderPoint: round2(decision.reorderPoint),
    orderUpTo: round2(decision.orderUpTo),
    safetyStock: round2(decision.safetyStock),
    leadTimeDays: round2(decision.leadTimeDays),
    leadTimeStdDays: round2(decision.leadTimeStdDays),
    acceptedNotOrdered: pair.acceptedOpen,
    forecastJobId: pair.forecastJobId,
    forecastDate: pair.forecastDate,
  };
}
