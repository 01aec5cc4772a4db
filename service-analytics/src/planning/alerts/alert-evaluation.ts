import type { AlertType, DayKey, PlanningSettings } from '@icc/shared';
import type { ChunkInputs } from '../planning-inputs.js';
import type { PlannedPair } from '../planning-decisions.js';
import { availableStock, demandOverDays } from '../policy/index.js';
import { alertPairKey, type AlertChunkInputs } from './alert-inputs.js';
import { forecastDegradedOf, overstockOf, predictStockout, supplierLateOf, unusualDemandOf, type Finding, type LateLine } from './alert-rules.js';

/** Days of forecast the daily demand behind days of cover is averaged over (as EXCESS_STOCK's). */
const COVER_BASIS_DAYS = 28;

/** An alert a run wants open: the rule's finding and what it is about. */
export interface FoundAlert extends Finding {
  type: AlertType;
  sku: string;
  productName: string;
  locationCode: string | null;
  recommendationId: string | null;
  purchaseOrder: { id: string; poNumber: string } | null;
}

/**
 * Every alert condition of a chunk: per planned SKU × location a predicted
 * stock-out and overstock (from the decision's own inputs), per stocked
 * SKU × location a late supplier, per SKU unusual demand and a degraded
 * forecast. Pure over the reads.
 */
export function evaluateChunkAlerts(
  today: DayKey,
  chunk: Pick<ChunkInputs, 'stock' | 'products'>,
  planned: readonly PlannedPair[],
  inputs: AlertChunkInputs,
  settings: Pick<PlanningSettings, 'excessThresholdDays'>,
): FoundAlert[] {
  const found: FoundAlert[] = [];
  const recommendation = (sku: string, locationCode: string, ...types: string[]) => {
    for (const type of types) {
      const rec = inputs.pending.get(`${alertPairKey(sku, locationCode)}\u0000${type}`);
      if (rec) return rec;
    }
    return null;
  };
  const plannedByKey = new Map(planned.map((p) => [alertPairKey(p.sku, p.locationCode), p]));

  for (const pair of planned) {
    const { input, decision } = pair;
    const about = { sku: pair.sku, productName: pair.productName, locationCode: pair.locationCode, purchaseOrder: null };
    const stockout = predictStockout(stockoutInput(pair, input.position.onOrder));
    if (stockout) {
      const rec = recommendation(pair.sku, pair.locationCode, 'REORDER', 'TRANSFER');
      found.push({
        ...stockout,
        ...about,
        type: 'STOCKOUT_PREDICTED',
        recommendationId: rec?.id ?? null,
        suggestedAction: rec ? `${rec.action} (recommendation ${rec.id})` : stockout.suggestedAction,
      });
    }
    const daily = demandOverDays(input.demand, 0, COVER_BASIS_DAYS).mean / COVER_BASIS_DAYS;
    const unitCost = input.suppliers.length > 0 ? Math.min(...input.suppliers.map((s) => s.unitCost)) : input.unitPrice;
    const overstock = overstockOf({
      sku: pair.sku,
      locationCode: pair.locationCode,
      position: decision.inventoryPosition,
      dailyDemand: daily,
      thresholdDays: settings.excessThresholdDays,
      unitCost,
    });
    if (overstock) {
      const rec = recommendation(pair.sku, pair.locationCode, 'EXCESS_STOCK');
      found.push({ ...overstock, ...about, type: 'OVERSTOCK', recommendationId: rec?.id ?? null });
    }
  }

  for (const stock of chunk.stock) {
    const lines = inputs.late.get(alertPairKey(stock.sku, stock.locationCode));
    if (!lines) continue;
    const pair = plannedByKey.get(alertPairKey(stock.sku, stock.locationCode));
    let stockoutWithoutThem: DayKey | null = null;
    if (pair) {
      const without = predictStockout(stockoutInput(pair, withoutLines(pair.input.position.onOrder, lines)));
      if (without?.severity === 'CRITICAL') stockoutWithoutThem = without.predictedDate;
    }
    const late = supplierLateOf({ today, sku: stock.sku, locationCode: stock.locationCode, lines, stockoutWithoutThem });
    if (!late) continue;
    found.push({
      ...late,
      type: 'SUPPLIER_LATE',
      sku: stock.sku,
      productName: chunk.products.get(stock.sku)?.name ?? stock.sku,
      locationCode: stock.locationCode,
      recommendationId: null,
    });
  }

  for (const sku of [...new Set(chunk.stock.map((s) => s.sku))]) {
    const product = chunk.products.get(sku);
    const actuals = inputs.uncensored.get(sku);
    const forecasts = inputs.forecasts.get(sku);
    if (!product || !actuals || !forecasts) continue;
    const about = { sku, productName: product.name, locationCode: null, recommendationId: null, purchaseOrder: null };
    const unusual = unusualDemandOf({ today, sku, actuals, forecasts, unitPrice: product.price });
    if (unusual) found.push({ ...unusual, ...about, type: 'UNUSUAL_DEMAND' });
    const degraded = forecastDegradedOf({ today, sku, actuals, forecasts, unitPrice: product.price });
    if (degraded) found.push({ ...degraded, ...about, type: 'FORECAST_DEGRADED' });
  }
  return found;
}

function stockoutInput(pair: PlannedPair, receipts: readonly { quantity: number; expectedDate: string }[]) {
  const { input, decision } = pair;
  return {
    today: input.today,
    sku: pair.sku,
    locationCode: pair.locationCode,
    available: availableStock(input.position),
    dailyDemand: input.demand.mean,
    receipts,
    leadTimeDays: decision.leadTimeDays,
    reviewPeriodDays: input.rule.reviewPeriodDays,
    unitPrice: input.unitPrice,
  };
}

/** The scheduled receipts less the late lines (matched by quantity and expected day, one each). */
function withoutLines(receipts: readonly { quantity: number; expectedDate: string }[], lines: readonly LateLine[]) {
  const left = [...receipts];
  for (const line of lines) {
    const i = left.findIndex((r) => r.quantity === line.openQuantity && r.expectedDate === line.expectedDate);
    if (i >= 0) left.splice(i, 1);
  }
  return left;
}
