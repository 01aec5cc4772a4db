import type { DayKey, PlanningSettings } from '@icc/shared';
import type { ProductMirrorDoc } from '../../facts/reference-mirror.js';
import { resolveRule } from '../planning-decisions.js';
import { forecastFromToday, supplierOptions, type ChunkInputs, type TenantInputs } from '../planning-inputs.js';
import type { ReorderRuleDocument } from '../planning.types.js';
import type { SimulatedPair } from './optimize-simulation.js';
import {
  demandForecastFromIntervals,
  demandOverDays,
  effectiveLeadTime,
  locationShares,
  protectionDemand,
  replenishmentLevels,
  splitToLocations,
  type DemandForecast,
  type ReplenishmentLevels,
  type ResolvedRule,
  type StockLevelItem,
  type SupplierOption,
} from '../policy/index.js';

/**
 * One SKU × location as an optimisation run sees it: the planning run's own
 * inputs (forecast split to the location, the supplier's effective lead time,
 * the rule resolved with the tenant's settings) turned into the levels
 * planning uses today, the levels the rule's strategy gets recomputed from the
 * current forecast, and the (r, Q) item the STOCK_LEVELS optimiser prices.
 */
export interface PairModel {
  sku: string;
  locationCode: string;
  product: ProductMirrorDoc;
  supplier: SupplierOption;
  /** Every active supplier of the SKU (SUPPLIER_MIX chooses among them). */
  suppliers: SupplierOption[];
  /** The stored rule that applies (the location's, else the SKU's); null: the default FORECAST_BASED. */
  rule: ReorderRuleDocument | null;
  resolved: ResolvedRule;
  /** What planning computes today with the rule as it is (its fixed numbers included). */
  today: ReplenishmentLevels;
  /** The rule's strategy recomputed from the current forecast, its fixed numbers dropped. */
  recomputed: ReplenishmentLevels;
  /**
   * The optimiser's item: demand over the lead time with σ over lead time + review (the
   * planning policy's reorder point = μ_L + k·σ_{L+R}), Q = the EOQ rounded to the supplier.
   */
  item: StockLevelItem;
  /** The tenant's cost of placing one order (priced with each Q, which the optimiser itself takes as given). */
  orderingCost: number;
  /** What the run's replenishment simulation draws this pair's days from (`optimize-simulation.ts`). */
  simulated: SimulatedPair;
}

export type PairModelOutcome = { model: PairModel } | { skipped: { sku: string; locationCode: string; reason: string } };

/** The supplier an order goes to: the preferred one, else the cheapest (then by code). */
export function orderSupplier(options: readonly SupplierOption[]): SupplierOption | null {
  return (
    [...options].sort((a, b) => Number(b.preferred) - Number(a.preferred) || a.unitCost - b.unitCost || a.supplierCode.localeCompare(b.supplierCode))[0] ?? null
  );
}

/** The pair models of a chunk's stocked pairs (`chunk.stock`, already limited to the run's locations). */
export function pairModels(chunk: ChunkInputs, tenant: TenantInputs, settings: PlanningSettings, today: DayKey): PairModelOutcome[] {
  const out: PairModelOutcome[] = [];
  const splits = new Map<string, Record<string, DemandForecast> | null>();
  for (const row of chunk.stock) {
    const { sku, locationCode } = row;
    const skipped = (reason: string) => out.push({ skipped: { sku, locationCode, reason } });
    const product = chunk.products.get(sku);
    const forecast = chunk.forecasts.get(sku);
    if (!product) {
      skipped('not in the catalog mirror');
      continue;
    }
    if (!forecast) {
      skipped('no stored forecast: train one (POST /api/models/train)');
      continue;
    }
    if (!splits.has(sku)) {
      const fromToday = forecastFromToday(forecast, today);
      let split: Record<string, DemandForecast> | null = null;
      if (fromToday) {
        const network = demandForecastFromIntervals({ ...fromToday, source: `${forecast.modelType} forecast of ${forecast.forecastDate}` });
        const locations = { ...(tenant.recentDemand.get(sku) ?? {}) };
        for (const code of chunk.locationsBySku.get(sku) ?? []) if (!(code in locations)) locations[code] = 0;
        split = splitToLocations(network, locationShares(locations));
      }
      splits.set(sku, split);
    }
    const demand = splits.get(sku)?.[locationCode];
    if (!demand) {
      skipped(`the latest forecast (${forecast.forecastDate}) ends before ${today}`);
      continue;
    }
    const suppliers = supplierOptions(chunk.links.get(sku) ?? [], tenant);
    const supplier = orderSupplier(suppliers);
    if (!supplier) {
      skipped('no active supplier');
      continue;
    }
    const dailyMean = demand.mean.length > 0 ? demand.mean.reduce((s, m) => s + m, 0) / demand.mean.length : 0;
    if (!(dailyMean > 0)) {
      skipped('no forecast demand');
      continue;
    }
    const resolved = resolveRule(chunk, tenant, settings, sku, locationCode);
    const rule = chunk.rules.get(`${sku}:${locationCode}`) ?? chunk.rules.get(`${sku}:*`) ?? null;
    const lead = effectiveLeadTime(supplier);
    const interval = { leadTimeDays: lead.days, leadTimeStdDays: lead.stdDays };
    const levelsInput = {
      supplier,
      costs: { holdingCostRate: settings.holdingCostRate, orderingCost: settings.orderingCost },
      overLeadTime: protectionDemand(demand, { ...interval, reviewPeriodDays: 0 }),
      overProtection: protectionDemand(demand, { ...interval, reviewPeriodDays: resolved.reviewPeriodDays }),
      overReview: demandOverDays(demand, 0, resolved.reviewPeriodDays),
      annualDemand: dailyMean * 365,
    };
    const unfixed = { ...resolved, reorderPoint: null, reorderQuantity: null, minStock: null, maxStock: null };
    const eoqLevels = replenishmentLevels({ ...levelsInput, rule: { ...unfixed, strategy: 'REORDER_POINT_EOQ' } });
    out.push({
      model: {
        sku,
        locationCode,
        product,
        supplier,
        suppliers,
        rule,
        resolved,
        today: replenishmentLevels({ ...levelsInput, rule: resolved }),
        recomputed: replenishmentLevels({ ...levelsInput, rule: unfixed }),
        item: {
          sku,
          locationCode,
          demandMean: levelsInput.overLeadTime.mean,
          demandStd: levelsInput.overProtection.std,
          annualDemand: levelsInput.annualDemand,
          unitCost: supplier.unitCost,
          holdingCostRate: settings.holdingCostRate,
          // The margin lost per unit short (never below zero): a product sold at cost is not protected.
          shortageCost: Math.max(0, product.price - supplier.unitCost),
          orderQuantity: Math.max(1, eoqLevels.cycleQuantity),
        },
        orderingCost: settings.orderingCost,
        simulated: {
          sku,
          locationCode,
          dailyMean,
          // The forecast's daily σ, averaged in variance over its days.
          dailyStd: demand.std.length > 0 ? Math.sqrt(demand.std.reduce((s, x) => s + x * x, 0) / demand.std.length) : 0,
          leadTimeDays: lead.days,
          leadTimeStdDays: lead.stdDays,
          unitCost: supplier.unitCost,
          holdingCostRate: settings.holdingCostRate,
          orderingCost: settings.orderingCost,
          shortageCost: Math.max(0, product.price - supplier.unitCost),
          minimumOrderQuantity: supplier.minimumOrderQuantity,
          packSize: supplier.packSize,
        },
      },
    });
  }
  return out;
}
