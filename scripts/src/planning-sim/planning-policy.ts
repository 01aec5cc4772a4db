import { isHoliday, STORED_CONFIDENCE_LEVELS } from '@icc/shared';
import { forecastSeries } from '@icc/service-analytics/forecasting';
import {
  abcClasses,
  decide,
  defaultServiceLevel,
  demandForecastFromIntervals,
  locationShares,
  SHARE_WINDOW_DAYS,
  shortagePriceForTarget,
  splitToLocations,
  type DemandForecast,
  type ServiceItem,
  type SupplierOption,
} from '@icc/service-analytics/planning-policy';
import { dayKey } from '../demo/index.js';
import { HOLDING_COST_RATE, ORDERING_COST, type PairState, type ReplayPolicy } from './replay.js';
import type { DeliveryRecord, Pair, Scenario } from './scenario.js';

/** What planning is set up with in the replay: a forecast job's defaults, weekly refits, a weekly order cycle. */
export const PLANNING_SETUP = { season: 7, horizon: 28, confidence: 0.95, refitEveryDays: 7, reviewPeriodDays: 7 } as const;

/** Each pair's fill-rate target: the default service level of its SKU's ABC class, from revenue in the year before the window. */
export function serviceTargets(scenario: Scenario): Map<Pair, number> {
  const classes = abcClasses(scenario.pastRevenue);
  return new Map(scenario.pairs.map((pair) => [pair, defaultServiceLevel(classes[pair.product.sku] ?? 'C')]));
}

interface NetworkForecast {
  fitDay: number;
  forecast: DemandForecast;
  shares: Record<string, number>;
}

/**
 * (c) This planning: every morning `decide()` per pair with only what is known
 * by then — forecasts of each SKU's network demand refitted every 7 days by
 * the forecasting engine on the history so far (units demanded, served or
 * turned away, as the facts record them; a day any location was short marked
 * censored, as the feature store's network totals do), with the error σ read
 * from the stored-interval half-widths and split to locations by their last
 * 56 days' share of demand, exactly as the planning run does (`demandForecastFromIntervals`,
 * `locationShares`, `splitToLocations`); suppliers' lead times corrected by
 * the delays measured so far; the FORECAST_BASED rule at its ABC fill rate.
 */
export function planningPolicy(
  scenario: Scenario,
  targets: Map<Pair, number>,
  options: {
    targetFillRate?: number;
    onRefit?: (skusDone: number) => void;
    /** Each morning's decision, with the location's demand forecast it was made on (the alert-quality figure watches them). */
    onDecision?: (state: PairState, day: number, seen: { demand: DemandForecast; leadTimeDays: number }) => void;
  } = {},
): ReplayPolicy & { refits: number; shortagePrices: number[] } {
  const { targetFillRate, onRefit, onDecision } = options;
  let items: ServiceItem[] = [];
  let shortagePrice: number | null = null;
  const deliveries = new Map<string, DeliveryRecord>([...scenario.pastDeliveries].map(([code, r]) => [code, { ...r }]));
  const forecasts = new Map<string, NetworkForecast>();
  const pairsBySku = new Map<string, Pair[]>();
  for (const pair of scenario.pairs) pairsBySku.set(pair.product.sku, [...(pairsBySku.get(pair.product.sku) ?? []), pair]);
  const policy = {
    name: '(c) planning: decide() on weekly forecasts',
    refits: 0,
    shortagePrices: [] as number[],
    beforeDay(day: number, states: readonly PairState[]) {
      // As the planning run does: the price per unit short that meets the target, from the previous run's pairs.
      if (targetFillRate !== undefined && items.length > 0) {
        shortagePrice = shortagePriceForTarget(items, targetFillRate, HOLDING_COST_RATE)?.shortagePrice ?? null;
        if (shortagePrice !== null) policy.shortagePrices.push(shortagePrice);
      }
      items = [];
      if ((day - scenario.firstDay) % PLANNING_SETUP.refitEveryDays !== 0) return;
      const byPair = new Map(states.map((s) => [s.pair, s]));
      let done = 0;
      for (const [sku, pairs] of pairsBySku) {
        forecasts.set(sku, refit(scenario, sku, pairs, byPair, day));
        onRefit?.(++done);
      }
      policy.refits++;
    },
    order(state: PairState, day: number) {
      const network = forecasts.get(state.pair.product.sku)!;
      const offset = day - network.fitDay;
      const shifted = { mean: network.forecast.mean.slice(offset), std: network.forecast.std.slice(offset), source: network.forecast.source };
      const demand = splitToLocations(shifted, { [state.pair.location.code]: network.shares[state.pair.location.code]! })[state.pair.location.code]!;
      const decision = decide({
        today: dayKey(day),
        sku: state.pair.product.sku,
        locationCode: state.pair.location.code,
        unitPrice: state.pair.product.price,
        rule: {
          strategy: 'FORECAST_BASED',
          serviceLevel: targets.get(state.pair)!,
          shortagePrice,
          reviewPeriodDays: PLANNING_SETUP.reviewPeriodDays,
          minStock: null,
          maxStock: null,
          reorderPoint: null,
          reorderQuantity: null,
        },
        position: {
          onHand: state.onHand,
          reserved: 0,
          backOrdered: 0,
          inTransit: 0,
          onOrder: state.open.filter((o) => o.outstanding > 0).map((o) => ({ quantity: o.outstanding, expectedDate: dayKey(o.expectedDay) })),
        },
        demand,
        suppliers: state.pair.links.map((link) => supplierOption(scenario, link, deliveries.get(link.supplierCode))),
        costs: { holdingCostRate: HOLDING_COST_RATE, orderingCost: ORDERING_COST },
      });
      if (decision.serviceItem !== null) items.push(decision.serviceItem);
      onDecision?.(state, day, { demand, leadTimeDays: decision.leadTimeDays });
      return decision.order === null ? null : { quantity: decision.order.quantity, supplierCode: decision.order.supplierCode };
    },
    onFirstReceipt(supplierCode: string, delayDays: number) {
      const record = deliveries.get(supplierCode) ?? { count: 0, sumDelay: 0, sumSquaredDelay: 0, onTime: 0 };
      record.count++;
      record.sumDelay += delayDays;
      record.sumSquaredDelay += delayDays * delayDays;
      if (delayDays <= 0) record.onTime++;
      deliveries.set(supplierCode, record);
    },
  };
  return policy;
}

function supplierOption(scenario: Scenario, link: Pair['links'][number], record: DeliveryRecord | undefined): SupplierOption {
  const supplier = scenario.suppliers.get(link.supplierCode)!;
  const delivery =
    record === undefined || record.count === 0
      ? null
      : {
          receivedOrders: record.count,
          meanDelayDays: record.sumDelay / record.count,
          delayStdDays: Math.sqrt(Math.max(0, record.sumSquaredDelay / record.count - (record.sumDelay / record.count) ** 2)),
          onTimeRate: record.onTime / record.count,
        };
  return {
    supplierCode: link.supplierCode,
    supplierName: supplier.name,
    unitCost: link.unitCost,
    minimumOrderQuantity: link.minimumOrderQuantity,
    packSize: link.packSize,
    leadTimeDays: link.leadTimeDays,
    preferred: link.preferred,
    delivery,
  };
}

/** Fit one SKU's network forecast on its history up to the day before `day` (as a forecast job does: `computeForecast`'s options). */
function refit(scenario: Scenario, sku: string, pairs: readonly Pair[], states: Map<Pair, PairState>, day: number): NetworkForecast {
  const past = pairs[0]!.pastDemand.length;
  const inWindow = day - scenario.firstDay;
  const length = past + inWindow;
  const values = new Array<number>(length).fill(0);
  const censored = new Array<boolean>(length).fill(false);
  const recent: Record<string, number> = {};
  for (const pair of pairs) {
    const state = states.get(pair)!;
    for (let i = 0; i < past; i++) {
      values[i]! += pair.pastDemand[i]!;
      if (pair.pastShort[i]) censored[i] = true;
    }
    for (let i = 0; i < inWindow; i++) {
      // Known once the day is over: the order desk records a line it could not serve as demand (rejected), as the facts do.
      values[past + i]! += pair.demand[i]!;
      if (state.short[i]) censored[past + i] = true;
    }
    let demanded = 0;
    for (let i = Math.max(0, length - SHARE_WINDOW_DAYS); i < length; i++) demanded += i < past ? pair.pastDemand[i]! : pair.demand[i - past]!;
    recent[pair.location.code] = demanded;
  }
  const first = scenario.historyStart;
  const campaigns = scenario.business.campaigns.filter((c) => c.skus.includes(sku));
  const campaignFlag = (d: number) => (campaigns.some((c) => c.firstDay <= d && d <= c.lastDay) ? 1 : 0);
  const holidayFlag = (d: number) => (isHoliday(dayKey(d)) ? 1 : 0);
  const days = Array.from({ length }, (_, i) => first + i);
  const future = Array.from({ length: PLANNING_SETUP.horizon }, (_, i) => day + i);
  const levels = [...new Set([PLANNING_SETUP.confidence, ...STORED_CONFIDENCE_LEVELS])].sort((a, b) => a - b);
  const shares = locationShares(recent);
  try {
    const fitted = forecastSeries(
      { values, censored, campaign: days.map(campaignFlag), holiday: days.map(holidayFlag) },
      {
        season: PLANNING_SETUP.season,
        horizon: PLANNING_SETUP.horizon,
        confidence: PLANNING_SETUP.confidence,
        intervalLevels: levels,
        futureCampaign: future.map(campaignFlag),
        futureHoliday: future.map(holidayFlag),
      },
    );
    const forecast = demandForecastFromIntervals({
      predictions: fitted.forecasts.map((f) => f.value),
      intervals: fitted.intervals ?? [],
      source: `${fitted.model} fitted ${dayKey(day)}`,
    });
    return { fitDay: day, forecast, shares };
  } catch (error) {
    // The engine refuses a history it cannot fit (it says why); the planning run would have no stored forecast either: fall back to the recent mean.
    const recentMean = values.slice(-SHARE_WINDOW_DAYS).reduce((a, b) => a + b, 0) / Math.min(SHARE_WINDOW_DAYS, length);
    const mean = future.map(() => recentMean);
    return { fitDay: day, forecast: { mean, std: mean.map(Math.sqrt), source: `recent mean (no forecast: ${String(error)})` }, shares };
  }
}
