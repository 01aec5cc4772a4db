import { randomBytes } from 'node:crypto';
import {
  addUtcDays,
  AppError,
  MAX_WHATIF_SKUS,
  utcDayKey,
  utcDaysBetween,
  type DayKey,
  type WhatIfOutcome,
  type WhatIfRequestBody,
  type WhatIfResult,
  type WhatIfScenario,
} from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../../facts/fact-collections.js';
import type { ProductMirrorDoc } from '../../facts/reference-mirror.js';
import type { SupplierMirrorDoc } from '../../facts/supply-mirror.js';
import type { ForecastDocument } from '../../forecasts/forecast-collections.js';
import { appliedLiftOf, learnedEffects, type LearnedEffect } from '../../forecasts/what-if.js';
import { resolveRule } from '../planning-decisions.js';
import { forecastFromToday, pairKey, readChunkInputs, readTenantInputs, supplierOptions } from '../planning-inputs.js';
import { planningSettingsOf } from '../planning-settings.js';
import { PLANNING_COLLECTIONS } from '../planning.collections.js';
import type { Actor } from '../planning.types.js';
import { demandForecastFromIntervals, locationShares, splitToLocations, type DemandForecast, type SupplierOption } from '../policy/index.js';
import { pairOutcome, sumOutcomes } from './whatif-outcome.js';

/**
 * `POST /api/analysis/whatif`: the scenario applied to the stored forecasts
 * of the chosen products, read in chunks with the planning run's own bulk
 * reads (planning-inputs.ts), each SKU × location evaluated twice (baseline,
 * scenario) by `pairOutcome`. Saved (with its inputs) only when asked.
 */

/** A saved scenario (`whatifScenarios`, tenant-scoped). */
export interface WhatIfScenarioDocument {
  _id: string;
  tenantId: string;
  name: string | null;
  request: WhatIfRequestBody;
  today: DayKey;
  /** The forecasts it was computed from, SKU → forecast id. */
  forecastIds: Record<string, string>;
  result: Omit<WhatIfResult, 'scenarioId'>;
  createdAt: Date;
  createdBy: Actor;
}

const CHUNK_SKUS = 500;

/** Per day of the period: the factor the scenario puts on demand (mean and σ alike: the whole distribution scales). */
function demandFactors(scenario: WhatIfScenario, today: DayKey, horizon: number, lift: number): number[] {
  const factors = Array<number>(horizon).fill(1);
  if (scenario.type === 'supplierDelay') return factors;
  const [from, to, factor] =
    scenario.type === 'demandChange'
      ? [scenario.from, scenario.to, scenario.multiplier ?? 1 + scenario.percentage! / 100]
      : [scenario.start, addUtcDays(scenario.start, scenario.durationDays - 1), Math.max(0, 1 + lift)];
  for (let d = 0; d < horizon; d++) {
    const day = addUtcDays(today, d);
    if (day >= from && day <= to) factors[d] = factor;
  }
  return factors;
}

/** The scenario's days must fall in the period analysed: a 400 naming the field otherwise. */
function checkWindow(scenario: WhatIfScenario, today: DayKey, last: DayKey): void {
  if (scenario.type === 'supplierDelay') return;
  const [from, to, fromPath, toPath] =
    scenario.type === 'demandChange'
      ? [scenario.from, scenario.to, 'scenario.from', 'scenario.to']
      : [scenario.start, addUtcDays(scenario.start, scenario.durationDays - 1), 'scenario.start', 'scenario.durationDays'];
  if (from < today || to > last) {
    const path = from < today ? fromPath : toPath;
    throw new AppError(
      'INVALID_INPUT',
      `The scenario's days (${from} to ${to}) must fall within the period analysed, ${today} to ${last}: move them or raise horizon`,
      [{ path, message: `within ${today}..${last}` }],
    );
  }
}

/** The SKUs the request names, all of the tenant's (another tenant's answer like unknown ones). */
async function selectSkus(db: Db, tenantId: string, products: WhatIfRequestBody['products']): Promise<string[]> {
  const catalog = db.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror);
  if ('skus' in products) {
    const skus = [...new Set(products.skus)].sort();
    const found = await catalog.find({ _id: { $in: skus.map((sku) => `${tenantId}:${sku}`) } }, { projection: { sku: 1 } }).toArray();
    const known = new Set(found.map((p) => p.sku));
    const unknown = skus.filter((sku) => !known.has(sku));
    if (unknown.length > 0) {
      const named = unknown.slice(0, 10).join(', ');
      throw new AppError(
        'INVALID_INPUT',
        `Unknown SKU${unknown.length > 1 ? 's' : ''}: ${named}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''} (not in the catalog)`,
        [{ path: 'products.skus', message: `unknown: ${named}` }],
      );
    }
    return skus;
  }
  const filter = 'category' in products ? { tenantId, category: products.category } : { tenantId };
  const rows = await catalog
    .find(filter, { projection: { sku: 1 } })
    .sort({ sku: 1 })
    .limit(MAX_WHATIF_SKUS + 1)
    .toArray();
  if (rows.length > MAX_WHATIF_SKUS)
    throw new AppError('INVALID_INPUT', `More than ${MAX_WHATIF_SKUS} products match: name a category or a list of SKUs`, [
      { path: 'products', message: `at most ${MAX_WHATIF_SKUS} products` },
    ]);
  return rows.map((p) => p.sku);
}

/** The daily forecast from today over `horizon` days; past its end the last week repeats (as `demandOverDays`). */
function periodOf(forecast: DemandForecast, horizon: number): DemandForecast {
  const length = forecast.mean.length;
  const cycle = Math.min(7, length);
  const index = (d: number) => (d < length ? d : length - cycle + ((d - length) % cycle));
  return {
    mean: Array.from({ length: horizon }, (_, d) => forecast.mean[index(d)] ?? 0),
    std: Array.from({ length: horizon }, (_, d) => forecast.std[index(d)] ?? 0),
    source: forecast.source,
  };
}

/** The supplier an order goes to: the preferred one, else the cheapest (then by code) — the same on both sides of the comparison. */
function orderSupplier(options: readonly SupplierOption[]): SupplierOption | null {
  return (
    [...options].sort((a, b) => Number(b.preferred) - Number(a.preferred) || a.unitCost - b.unitCost || a.supplierCode.localeCompare(b.supplierCode))[0] ?? null
  );
}

const ASSUMPTIONS: Record<WhatIfScenario['type'], string> = {
  demandChange: 'Demand change: every day of the window has its forecast mean and error σ multiplied by the factor, so the safety stock grows with it.',
  campaign:
    "Campaign: the lift learned from past campaigns (the SKU's own, else the tenant median), scaled linearly by the discount over the average discount it was learned at, multiplies mean and σ on the campaign days; no pull-forward or post-campaign dip.",
  supplierDelay:
    "Supplier delay: the named supplier's effective lead time grows by extraDays for new orders, so order-by dates move earlier by that much; open orders already placed are not re-dated (their supplier is not in the stock position).",
};

const COMMON_ASSUMPTIONS = [
  'Each location gets the network forecast × its share of the last 56 days of demand (as planning runs do).',
  'Units short: E[(demand − available)⁺] over the whole period under normal forecast error (days independent), available = on hand − reserved − back-ordered + in transit + open orders due within the period; it does not count timing within the period (a late arrival covers demand before it).',
  "Stock needed: mean + z·σ − available at the rule's service level read as the probability of covering the period; one order per location, MOQ and pack size applied, order-by = the day the expected stock falls below safety stock − the supplier's effective lead time.",
];

/**
 * Run a what-if. Writes nothing unless `save` (then exactly one
 * `whatifScenarios` document, with the request, the forecasts used and the answer).
 *
 * @example await runWhatIf(db, 'acme', { scenario: { type: 'demandChange', multiplier: 2, from, to }, products: { skus: ['SKU-1'] }, horizon: 28 }, { save: false, actor, now })
 */
export async function runWhatIf(
  db: Db,
  tenantId: string,
  request: WhatIfRequestBody,
  options: { save: boolean; actor: Actor; now: Date },
): Promise<WhatIfResult> {
  const today = utcDayKey(options.now);
  const horizon = request.horizon;
  const last = addUtcDays(today, horizon - 1);
  checkWindow(request.scenario, today, last);
  const scenario = request.scenario;
  if (scenario.type === 'supplierDelay') {
    const supplier = await db
      .collection<SupplierMirrorDoc>(FACT_COLLECTIONS.suppliersMirror)
      .findOne({ tenantId, code: scenario.supplierCode }, { projection: { _id: 1 } });
    if (!supplier)
      throw new AppError('INVALID_INPUT', `Unknown supplier ${scenario.supplierCode} (not in the supplier list)`, [
        { path: 'scenario.supplierCode', message: 'unknown supplier' },
      ]);
  }
  const skus = await selectSkus(db, tenantId, request.products);
  const [tenant, settings] = await Promise.all([readTenantInputs(db, tenantId, today), planningSettingsOf(db, tenantId)]);

  const products: WhatIfResult['products'] = [];
  const skipped: WhatIfResult['skipped'] = [];
  const forecastIds: Record<string, string> = {};
  for (let i = 0; i < skus.length; i += CHUNK_SKUS) {
    const chunkSkus = skus.slice(i, i + CHUNK_SKUS);
    const chunk = await readChunkInputs(db, tenantId, chunkSkus, null);
    const effects: Map<string, LearnedEffect> =
      scenario.type === 'campaign' ? await learnedEffects(db, tenantId, [...chunk.forecasts.values()]) : new Map<string, LearnedEffect>();
    for (const sku of chunkSkus) {
      const product = chunk.products.get(sku)!;
      const forecast: ForecastDocument | undefined = chunk.forecasts.get(sku);
      if (!forecast) {
        skipped.push({ sku, reason: 'no stored forecast: train one (POST /api/models/train)' });
        continue;
      }
      const fromToday = forecastFromToday(forecast, today);
      if (!fromToday) {
        skipped.push({ sku, reason: `the latest forecast (${forecast.forecastDate}, ${forecast.horizon} d) ends before ${today}` });
        continue;
      }
      let lift: WhatIfResult['products'][number]['lift'] = null;
      if (scenario.type === 'campaign') {
        const effect = effects.get(sku);
        if (!effect) {
          skipped.push({
            sku,
            reason: 'no campaign effect learned yet: neither this SKU nor any other of the tenant had enough campaign days when the forecasts were trained',
          });
          continue;
        }
        lift = {
          appliedLift: appliedLiftOf(effect, scenario.discountPct),
          learnedLift: effect.lift,
          source: effect.source,
          campaignDays: effect.campaignDays,
          averageDiscountPercent: effect.averageDiscountPercent,
        };
      }
      const stocked = chunk.stock.filter((row) => row.sku === sku);
      const rows = request.locationCode === undefined ? stocked : stocked.filter((row) => row.locationCode === request.locationCode);
      if (rows.length === 0) {
        skipped.push({ sku, reason: request.locationCode === undefined ? 'not stocked at any location' : `not stocked at ${request.locationCode}` });
        continue;
      }
      forecastIds[sku] = forecast._id;
      const hasIntervals = forecast.intervals.length > 0;
      const network = demandForecastFromIntervals({ ...fromToday, source: `${forecast.modelType} forecast of ${forecast.forecastDate}` });
      const baselineNetwork = periodOf(network, horizon);
      const factors = demandFactors(scenario, today, horizon, lift?.appliedLift ?? 0);
      const scenarioNetwork: DemandForecast = {
        mean: baselineNetwork.mean.map((m, d) => m * factors[d]!),
        std: baselineNetwork.std.map((s, d) => s * factors[d]!),
        source: baselineNetwork.source,
      };
      const locations = { ...(tenant.recentDemand.get(sku) ?? {}) };
      for (const row of stocked) if (!(row.locationCode in locations)) locations[row.locationCode] = 0;
      const shares = locationShares(locations);
      const baselineSplit = splitToLocations(baselineNetwork, shares);
      const scenarioSplit = splitToLocations(scenarioNetwork, shares);
      const options = supplierOptions(chunk.links.get(sku) ?? [], tenant);
      const supplier = orderSupplier(options);
      const delayed = scenario.type === 'supplierDelay' && supplier?.supplierCode === scenario.supplierCode ? scenario.extraDays : 0;

      const pairs: WhatIfResult['products'][number]['locations'] = [];
      for (const row of rows) {
        const key = pairKey(sku, row.locationCode);
        const arrivals = (chunk.onOrder.get(key) ?? [])
          .map((o) => ({ day: Math.max(0, utcDaysBetween(today, o.expectedDate)), quantity: o.quantity }))
          .filter((a) => a.day < horizon);
        const startStock = row.onHand - row.reserved - (chunk.backOrdered.get(key) ?? 0) + row.inTransit;
        const serviceLevel = resolveRule(chunk, tenant, settings, sku, row.locationCode).serviceLevel;
        const base = { today, hasIntervals, startStock, arrivals, unitPrice: product.price, serviceLevel, supplier };
        pairs.push({
          locationCode: row.locationCode,
          available: startStock + arrivals.reduce((sum, a) => sum + a.quantity, 0),
          serviceLevel,
          baseline: pairOutcome({ ...base, demand: baselineSplit[row.locationCode]!, extraLeadTimeDays: 0 }),
          scenario: pairOutcome({ ...base, demand: scenarioSplit[row.locationCode]!, extraLeadTimeDays: delayed }),
        });
      }
      products.push({
        sku,
        name: product.name,
        lift,
        locations: pairs,
        baseline: sumOutcomes(pairs.map((p) => p.baseline)),
        scenario: sumOutcomes(pairs.map((p) => p.scenario)),
      });
    }
  }
  const result: Omit<WhatIfResult, 'scenarioId'> = {
    today,
    period: { from: today, to: last },
    products,
    skipped,
    total: { baseline: totalOf(products.map((p) => p.baseline)), scenario: totalOf(products.map((p) => p.scenario)) },
    assumptions: [ASSUMPTIONS[scenario.type], ...COMMON_ASSUMPTIONS],
  };
  if (!options.save) return { scenarioId: null, ...result };
  const doc: WhatIfScenarioDocument = {
    _id: `whatif-${today.replaceAll('-', '')}-${randomBytes(4).toString('hex')}`,
    tenantId,
    name: request.name ?? null,
    request,
    today,
    forecastIds,
    result,
    createdAt: options.now,
    createdBy: options.actor,
  };
  await db.collection<WhatIfScenarioDocument>(PLANNING_COLLECTIONS.whatifScenarios).insertOne(doc);
  return { scenarioId: doc._id, ...result };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function totalOf(outcomes: readonly WhatIfOutcome[]): WhatIfResult['total']['baseline'] {
  const sum = sumOutcomes(outcomes);
  return {
    demand: sum.demand,
    earliestStockoutDate: sum.stockoutDate,
    unitsShort: sum.unitsShort,
    revenueAtRisk: sum.revenueAtRisk,
    safetyStock: sum.safetyStock,
    stockNeeded: sum.stockNeeded,
    stockNeededCost: sum.stockNeededCost,
    orderCount: sum.orders.length,
    orderCost: round2(sum.orders.reduce((s, o) => s + o.cost, 0)),
  };
}
