import { decide, type DecisionInput, type ResolvedRule } from '@icc/service-analytics/planning-policy';
import { Rng } from '../demo/rng.js';

/** Time of `decide()` over n synthetic SKU × location pairs. */
export interface DecideTiming {
  pairs: number;
  seconds: number;
  /** CPU time of the timed loop (user + system): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  microsecondsPerDecision: number;
  orders: number;
}

const STRATEGY_MIX: ResolvedRule['strategy'][] = [
  'FORECAST_BASED',
  'FORECAST_BASED',
  'FORECAST_BASED',
  'REORDER_POINT_EOQ',
  'MIN_MAX',
  'PERIODIC_REVIEW',
  'LOT_FOR_LOT',
];

/**
 * Seeded synthetic inputs like a planning run's: a 28-day forecast with a
 * weekly pattern and error σ, a position with an open order or two, one to
 * three suppliers with measured deliveries, a mix of strategies. Built before
 * the clock starts: only `decide()` is timed (pure compute; the store is
 * measured elsewhere).
 */
export function syntheticInputs(count: number, seed: number): DecisionInput[] {
  const rng = new Rng(seed, 'decide-timing');
  const inputs: DecisionInput[] = [];
  for (let i = 0; i < count; i++) {
    const level = rng.logNormal(Math.log(3), 1.2);
    const mean = Array.from({ length: 28 }, (_, d) => level * (d % 7 >= 5 ? 1.4 : 0.85));
    const std = mean.map((m, d) => Math.sqrt(m) * (1 + d / 28));
    const suppliers = Array.from({ length: rng.int(1, 3) }, (_, s) => ({
      supplierCode: `SUP-${s + 1}`,
      supplierName: `Supplier ${s + 1}`,
      unitCost: rng.between(1, 50),
      minimumOrderQuantity: rng.pick([1, 6, 12, 24]),
      packSize: rng.pick([1, 6, 12]),
      leadTimeDays: rng.int(2, 30),
      preferred: s === 0,
      delivery: rng.chance(0.8)
        ? { receivedOrders: rng.int(0, 40), meanDelayDays: rng.between(0, 3), delayStdDays: rng.between(0, 3), onTimeRate: rng.between(0.6, 1) }
        : null,
    }));
    inputs.push({
      today: '2026-06-01',
      sku: `SKU-${i}`,
      locationCode: `LOC-${i % 7}`,
      unitPrice: 20,
      rule: {
        strategy: STRATEGY_MIX[i % STRATEGY_MIX.length]!,
        serviceLevel: rng.pick([0.9, 0.95, 0.98]),
        reviewPeriodDays: 7,
        minStock: Math.round(level * 10),
        maxStock: Math.round(level * 30),
        reorderPoint: null,
        reorderQuantity: null,
      },
      position: {
        onHand: Math.round(level * rng.between(0, 30)),
        reserved: rng.chance(0.2) ? 1 : 0,
        backOrdered: 0,
        inTransit: 0,
        onOrder: rng.chance(0.3) ? [{ quantity: Math.round(level * 10), expectedDate: `2026-06-${String(rng.int(2, 28)).padStart(2, '0')}` }] : [],
      },
      demand: { mean, std, source: 'synthetic' },
      suppliers,
      costs: { holdingCostRate: 0.25, orderingCost: 25 },
    });
  }
  return inputs;
}

/** Time `decide()` over `count` synthetic pairs, in one thread. */
export function timeDecide(count: number, seed: number): DecideTiming {
  const inputs = syntheticInputs(count, seed);
  const started = performance.now();
  const cpu = process.cpuUsage();
  let orders = 0;
  for (const input of inputs) if (decide(input).order !== null) orders++;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { pairs: count, seconds, cpuSeconds: (used.user + used.system) / 1e6, microsecondsPerDecision: (seconds * 1e6) / count, orders };
}
