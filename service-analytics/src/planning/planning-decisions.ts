import { addUtcDays, type REORDER_STRATEGY_NAMES, type DayKey, type PlanningSettings, type StoredRecommendation } from '@icc/shared';
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
  type ServiceItem,
} from './policy/index.js';
import { planTransfers, type Transfer, type TransferLocation } from './policy/transfers.js';

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
  /** What the tenant-wide allocation learns from this pair; null when its rule sets its own service level (or it has no supplier). */
  serviceItem: ServiceItem | null;
}

export type PairOutcome = { planned: PlannedPair } | { skipped: { sku: string; locationCode: string; reason: string } };

/**
 * The rule that applies at a location: its own, else the SKU's, else the
 * default FORECAST_BASED; blanks filled from the settings (service level by
 * the SKU's ABC class, review period). A rule without its own service level
 * takes the tenant-wide target's allocation when the run has one
 * (`tenant.allocation`): its price per unit short, the class level staying
 * the fallback for a pair without forecast error.
 */
export function resolveRule(
  chunk: ChunkInputs,
  tenant: TenantInputs,
  settings: PlanningSettings,
  sku: string,
  locationCode: string,
): ResolvedRule & { source: string; ownServiceLevel: boolean } {
  const rule = chunk.rules.get(`${sku}:${locationCode}`) ?? chunk.rules.get(`${sku}:*`);
  const abc = tenant.abc[sku] ?? 'C';
  const classLevel = defaultServiceLevel(abc, settings.defaultServiceLevels);
  const allocation = tenant.allocation ?? null;
  const shortagePrice = rule?.serviceLevel == null && allocation !== null ? allocation.shortagePrice : null;
  const service = shortagePrice === null ? `class ${abc}` : `class ${abc}, tenant target ${(allocation!.targetFillRate * 100).toFixed(1)} % allocated`;
  if (!rule) {
    return {
      strategy: 'FORECAST_BASED',
      serviceLevel: classLevel,
      shortagePrice,
      reviewPeriodDays: settings.reviewPeriodDays,
      minStock: null,
      maxStock: null,
      reorderPoint: null,
      reorderQuantity: null,
      source: `default rule, ${service}`,
      ownServiceLevel: false,
    };
  }
  return {
    strategy: rule.strategy,
    serviceLevel: rule.serviceLevel ?? classLevel,
    shortagePrice,
    reviewPeriodDays: rule.reviewPeriodDays ?? settings.reviewPeriodDays,
    minStock: rule.minStock,
    maxStock: rule.maxStock,
    reorderPoint: rule.reorderPoint,
    reorderQuantity: rule.reorderQuantity,
    source: `${rule.locationCode === null ? 'SKU' : 'location'} rule, ${service}`,
    ownServiceLevel: rule.serviceLevel != null,
  };
}

/**
 * Gather one pair's DecisionInput from the chunk's reads and decide. The
 * position is on hand − reserved − back-ordered + in transit + open
 * purchase-order lines (with their expected days) + accepted recommendations
 * not yet ordered; back-orders are the confirmed sales-order lines waiting
 * for stock there (facts/backorder-mirror.ts).
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
    position: {
      onHand: stock.onHand,
      reserved: stock.reserved,
      backOrdered: chunk.backOrdered.get(key) ?? 0,
      onOrder: chunk.onOrder.get(key) ?? [],
      inTransit: stock.inTransit,
    },
    demand,
    suppliers: supplierOptions(chunk.links.get(sku) ?? [], tenant),
    costs: { holdingCostRate: settings.holdingCostRate, orderingCost: settings.orderingCost },
  };
  const decision = decide(input);
  return {
    planned: {
      sku,
      locationCode,
      productName: product.name,
      input,
      decision,
      forecastJobId: forecast.jobId,
      forecastDate: forecast.forecastDate,
      acceptedOpen: chunk.acceptedOpen.get(key) ?? 0,
      serviceItem: rule.ownServiceLevel ? null : decision.serviceItem,
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

/** One planned pair and the recommendations the run wants for it (the list the writer receives). */
export interface PairDesire {
  pair: PlannedPair;
  desired: DesiredRecommendation[];
}

/** A priority sentence of the decision's reasoning (policy timing.ts `priorityFor`). */
const PRIORITY_LINE = /^(CRITICAL|HIGH|MEDIUM|LOW): /;

/**
 * Per SKU over a chunk's planned pairs: the TRANSFERs worth making
 * (policy `planTransfers`: from a location with more than its order-up-to to
 * one whose REORDER the move replaces or reduces, when cheaper than buying
 * and in time), added to the receiving pair's desired recommendations, whose
 * REORDER is then dropped or reduced to what remains (with a reasoning line
 * saying so). Changes `entries` in place; answers how many TRANSFERs.
 *
 * @example transfersOf(chunkPairs, chunk, tenant, settings, 'acme') // 2: two REORDERs became transfers
 */
export function transfersOf(entries: readonly PairDesire[], chunk: ChunkInputs, tenant: TenantInputs, settings: PlanningSettings, tenantId: string): number {
  if (entries.length === 0) return 0;
  const today = entries[0]!.pair.input.today;
  const bySku = new Map<string, PairDesire[]>();
  for (const entry of entries) bySku.set(entry.pair.sku, [...(bySku.get(entry.pair.sku) ?? []), entry]);
  // A run limited to some locations decides the SKU's other locations too, as sources only (their recommendations are not written).
  const outside = new Map<string, PlannedPair[]>();
  for (const stock of chunk.otherStock) {
    if (!bySku.has(stock.sku)) continue;
    const outcome = planPair(stock, chunk, tenant, settings, today);
    if ('planned' in outcome) outside.set(stock.sku, [...(outside.get(stock.sku) ?? []), outcome.planned]);
  }
  const costs = {
    fixedCost: settings.transferFixedCost,
    unitCost: settings.transferUnitCost,
    leadTimeDays: settings.transferLeadTimeDays,
    orderingCost: settings.orderingCost,
  };
  let made = 0;
  for (const [sku, ofSku] of bySku) {
    const pairs = [...ofSku.map((e) => e.pair), ...(outside.get(sku) ?? [])];
    if (pairs.length < 2) continue;
    const transfers = planTransfers({ today, sku, locations: pairs.map(transferLocation), costs });
    for (const transfer of transfers) {
      const receiver = ofSku.find((e) => e.pair.locationCode === transfer.toLocationCode);
      if (!receiver) continue; // a location outside the run: its next full run decides it
      const reorderAt = receiver.desired.findIndex((d) => d.type === 'REORDER');
      if (reorderAt < 0) continue; // a receiver always orders; kept safe should that change
      const reorder = receiver.desired[reorderAt]!;
      const reduced: DesiredRecommendation | null =
        transfer.remainingOrder === null
          ? null
          : {
              ...reorder,
              quantity: transfer.remainingOrder.quantity,
              cost: transfer.remainingOrder.cost,
              action: `Order ${transfer.remainingOrder.quantity} units of ${sku} from ${reorder.supplierName} for ${reorder.locationCode} by ${reorder.orderByDate}`,
              reasoning: [
                ...reorder.reasoning,
                `Reduced from ${reorder.quantity} to ${transfer.remainingOrder.quantity} units: a transfer of ${transfer.quantity} from ${transfer.fromLocationCode} covers the rest (its TRANSFER recommendation)`,
              ],
            };
      receiver.desired.splice(reorderAt, 1, ...(reduced ? [reduced] : []));
      receiver.desired.push(transferRecommendation(receiver.pair, transfer, tenantId, settings));
      made += 1;
    }
  }
  return made;
}

/** What the transfer policy needs of one planned pair. */
function transferLocation(pair: PlannedPair): TransferLocation {
  const { decision, input } = pair;
  const order = decision.order;
  const supplier = order ? input.suppliers.find((s) => s.supplierCode === order.supplierCode) : undefined;
  return {
    locationCode: pair.locationCode,
    position: decision.inventoryPosition,
    // Less what accepted transfers not yet executed take from here (negative entries on order).
    shippable:
      input.position.onHand -
      input.position.reserved -
      input.position.backOrdered +
      input.position.onOrder.reduce((sum, o) => sum + Math.min(0, o.quantity), 0),
    reorderPoint: decision.reorderPoint,
    orderUpTo: decision.orderUpTo,
    stockoutDate: decision.stockoutDate,
    order:
      order && supplier
        ? {
            quantity: order.quantity,
            rawQuantity: order.rawQuantity,
            supplierCode: order.supplierCode,
            unitCost: supplier.unitCost,
            minimumOrderQuantity: supplier.minimumOrderQuantity,
            packSize: supplier.packSize,
            expectedArrivalDate: order.expectedArrivalDate,
          }
        : null,
  };
}

/**
 * The TRANSFER of a planned transfer, at the receiving location. It is due by
 * the day the receiver's stock enters its safety stock (the order-by date plus
 * the purchase lead time) less the transfer's lead time, today at the earliest.
 */
function transferRecommendation(receiver: PlannedPair, transfer: Transfer, tenantId: string, settings: PlanningSettings): DesiredRecommendation {
  const { decision } = receiver;
  const today = receiver.input.today;
  const intoSafetyStock = addUtcDays(decision.order!.orderByDate, Math.ceil(decision.leadTimeDays));
  const due = addUtcDays(intoSafetyStock, -Math.ceil(settings.transferLeadTimeDays));
  const transferBy = due < today ? today : due;
  return {
    tenantId,
    type: 'TRANSFER',
    priority: decision.priority,
    sku: receiver.sku,
    productName: receiver.productName,
    locationCode: receiver.locationCode,
    fromLocationCode: transfer.fromLocationCode,
    currentPosition: round2(decision.inventoryPosition),
    predictedDemand: { leadTime: round2(decision.demandOverLeadTime), days7: round2(decision.demand7Days), days14: round2(decision.demand14Days) },
    quantity: transfer.quantity,
    supplierCode: null,
    supplierName: null,
    supplierReason: null,
    unitCost: settings.transferUnitCost,
    orderByDate: transferBy,
    expectedArrivalDate: transfer.arrivalDate,
    stockoutDate: decision.stockoutDate,
    cost: transfer.cost,
    savingsPotential: transfer.savings,
    confidence: round2(decision.stockoutProbability),
    action: `Transfer ${transfer.quantity} units of ${receiver.sku} from ${transfer.fromLocationCode} to ${receiver.locationCode} by ${transferBy}`,
    reasoning: [...transfer.reasoning, ...decision.reasoning.filter((line) => PRIORITY_LINE.test(line))],
    policy: {
      ...policyNumbers(receiver),
      fromLocationCode: transfer.fromLocationCode,
      purchaseCostAvoided: transfer.purchaseCostAvoided,
      remainingOrderQuantity: transfer.remainingOrder?.quantity ?? 0,
      transferFixedCost: settings.transferFixedCost,
      transferUnitCost: settings.transferUnitCost,
      transferLeadTimeDays: settings.transferLeadTimeDays,
    },
  };
}

function policyNumbers(pair: PlannedPair): Record<string, number | string | null> {
  const { decision, input } = pair;
  const rule = input.rule as ResolvedRule & { source?: string };
  return {
    strategy: rule.strategy,
    ruleSource: rule.source ?? null,
    // The fill rate the safety stock was set for: the rule's, or the one allocated at the tenant's price per unit short.
    serviceLevel: Math.round(decision.fillRate * 10_000) / 10_000,
    shortagePrice: rule.shortagePrice == null ? null : round2(rule.shortagePrice),
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
