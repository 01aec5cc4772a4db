import { ALERT_THRESHOLDS, predictStockout } from '@icc/service-analytics/planning-alerts';
import type { DemandForecast } from '@icc/service-analytics/planning-policy';
import { dayKey } from '../demo/index.js';
import type { PairState } from './replay.js';
import type { Pair, Scenario } from './scenario.js';

/**
 * The quality of STOCKOUT_PREDICTED alerts over the replay of planning (c)
 * (issue 16): every morning the planning run's rule (`predictStockout`) on
 * what is known then — stock on hand, open orders on their expected day, the
 * location's forecast, the effective lead time. An alert is an episode of
 * consecutive mornings on which the condition holds (one open alert,
 * updated, never duplicated), judged on the morning it is raised:
 * - precision: the share of alerts followed by a real stock-out within
 *   their window (lead time + 2 review periods) if nothing more were
 *   ordered — the true demand against the stock and the deliveries already
 *   on their way (each supplier's real behaviour), from that morning;
 * - recall: the share of real stock-outs under (c) (the first short day of
 *   each run of short days) that had an open alert on a morning at least the
 *   lead time before, raised within the window before it.
 * Only alerts and stock-outs whose whole window lies inside the replay count.
 */
export interface AlertQuality {
  alerts: number;
  alertsFollowedByStockout: number;
  precision: number | null;
  stockouts: number;
  stockoutsAlertedInTime: number;
  recall: number | null;
}

interface PairRecord {
  /** Mornings (day numbers) with the condition, and each morning's lead time (whole days) and window. */
  mornings: Map<number, { lead: number; window: number }>;
  raised: { day: number; window: number; followed: boolean | null }[];
}

export function alertQualityWatcher(scenario: Scenario, reviewPeriodDays: number, minProbability?: number) {
  const records = new Map<Pair, PairRecord>();
  const recordOf = (pair: Pair) => {
    let record = records.get(pair);
    if (!record) records.set(pair, (record = { mornings: new Map(), raised: [] }));
    return record;
  };
  return {
    observe(state: PairState, day: number, seen: { demand: DemandForecast; leadTimeDays: number }): void {
      const found = predictStockout({
        today: dayKey(day),
        sku: state.pair.product.sku,
        locationCode: state.pair.location.code,
        available: state.onHand,
        dailyDemand: seen.demand.mean,
        receipts: state.open.filter((o) => o.outstanding > 0).map((o) => ({ quantity: o.outstanding, expectedDate: dayKey(o.expectedDay) })),
        leadTimeDays: seen.leadTimeDays,
        reviewPeriodDays,
        unitPrice: state.pair.product.price,
        ...(minProbability === undefined ? {} : { minProbability, dailyStd: seen.demand.std }),
      });
      if (!found) return;
      const lead = Math.max(0, Math.ceil(seen.leadTimeDays));
      const window = lead + ALERT_THRESHOLDS.stockoutReviewPeriods * Math.max(1, Math.ceil(reviewPeriodDays));
      const record = recordOf(state.pair);
      record.mornings.set(day, { lead, window });
      if (record.mornings.has(day - 1)) return; // still the same open alert
      record.raised.push({ day, window, followed: day + window - 1 <= scenario.lastDay ? shortIfNothingOrdered(scenario, state, day, window) : null });
    },
    result(states: readonly PairState[]): AlertQuality {
      let alerts = 0;
      let followed = 0;
      let stockouts = 0;
      let inTime = 0;
      for (const state of states) {
        const record = records.get(state.pair);
        for (const alert of record?.raised ?? []) {
          if (alert.followed === null) continue;
          alerts++;
          if (alert.followed) followed++;
        }
        const lead = Math.max(0, Math.ceil(state.pair.preferredLink.leadTimeDays));
        const window = lead + ALERT_THRESHOLDS.stockoutReviewPeriods * Math.max(1, Math.ceil(reviewPeriodDays));
        for (let i = 0; i < state.short.length; i++) {
          if (!state.short[i] || (i > 0 && state.short[i - 1])) continue;
          const day = scenario.firstDay + i;
          if (day - window < scenario.firstDay) continue;
          stockouts++;
          let alerted = false;
          for (let m = day - window + 1; m <= day && !alerted; m++) {
            const morning = record?.mornings.get(m);
            if (morning && m <= day - morning.lead) alerted = true;
          }
          if (alerted) inTime++;
        }
      }
      return {
        alerts,
        alertsFollowedByStockout: followed,
        precision: alerts > 0 ? followed / alerts : null,
        stockouts,
        stockoutsAlertedInTime: inTime,
        recall: stockouts > 0 ? inTime / stockouts : null,
      };
    },
  };
}

/** From morning `day` (its deliveries in), with no new orders: does the true demand outrun the stock and the deliveries under way within `window` days? */
export function shortIfNothingOrdered(scenario: Scenario, state: PairState, day: number, window: number): boolean {
  let stock = state.onHand;
  for (let d = day; d < day + window && d <= scenario.lastDay; d++) {
    if (d > day) for (const step of state.steps) if (step.day === d && step.quantity !== null) stock += step.quantity;
    stock -= state.pair.demand[d - scenario.firstDay]!;
    if (stock < 0) return true;
  }
  return false;
}
