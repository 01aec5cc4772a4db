import { describe, expect, it } from 'vitest';
import { replay } from './replay.js';
import { buildScenario } from './scenario.js';
import { minMaxPolicy, precedingPeriod, productMasterPolicy, tuneMinMax } from './static-policies.js';

// A small business: 6 products × 4 locations, 40 days replayed after 80 of history.
const options = { seed: 7, products: 6, days: 40, warmupDays: 80, endDay: '2026-03-31' };
const scenario = buildScenario(options);

describe('the planning replay', () => {
  it('replays the generator’s demand deterministically', () => {
    const again = buildScenario(options);
    expect(again.pairs.map((p) => p.demand)).toEqual(scenario.pairs.map((p) => p.demand));
    expect(replay(again, productMasterPolicy()).result).toEqual(replay(scenario, productMasterPolicy()).result);
    expect(scenario.pairs).toHaveLength(24);
    expect(scenario.lastDay - scenario.firstDay + 1).toBe(40);
  });

  it('serves at most what is demanded and what is in stock: the rest is lost', () => {
    const { result, states } = replay(scenario, productMasterPolicy());
    const demanded = scenario.pairs.reduce((t, p) => t + p.demand.reduce((a, b) => a + b, 0), 0);
    expect(result.unitsDemanded).toBe(demanded);
    expect(result.unitsServed).toBeLessThanOrEqual(demanded);
    for (const state of states) {
      expect(state.onHand).toBeGreaterThanOrEqual(0);
      expect(state.sold.every((sold, i) => sold <= state.pair.demand[i]!)).toBe(true);
      expect(state.stockOutDays).toBe(state.short.filter(Boolean).length);
    }
    expect(result.fillRate).toBeCloseTo(result.unitsServed / result.unitsDemanded, 12);
  });

  it('never orders under a min of −1, so stock only falls by what is served', () => {
    const { states } = replay(
      scenario,
      minMaxPolicy('never', () => ({ min: -1, max: 0 })),
    );
    for (const state of states) {
      const arrived = state.pair.inherited.reduce((t, a) => t + a.quantity, 0);
      expect(state.orders).toBe(0);
      expect(state.onHand).toBe(state.pair.openingStock + arrived - state.served);
    }
  });

  it('tunes a min/max that reaches its target on the window, and replays to the same fill rate', () => {
    const pair = scenario.pairs.find((p) => p.demand.reduce((a, b) => a + b, 0) >= 10)!;
    const tuned = tuneMinMax(scenario, pair, 0.95, [7]);
    expect(tuned.reachedTarget).toBe(true);
    expect(tuned.fillRate).toBeGreaterThanOrEqual(0.95);
    const { states } = replay(
      scenario,
      minMaxPolicy('tuned', (p) => (p === pair ? tuned : { min: -1, max: 0 })),
    );
    const state = states[pair.index]!;
    expect(state.served / state.demanded).toBeCloseTo(tuned.fillRate, 12);
    // One unit less of min no longer reaches the target on this cycle: the binary search found the lowest.
    expect(tuned.min).toBeGreaterThanOrEqual(0);
    const below = replay(
      scenario,
      minMaxPolicy('below', (p) => (p === pair ? { min: tuned.min - 1, max: tuned.max - 1 } : { min: -1, max: 0 })),
    ).states[pair.index]!;
    expect(below.served / below.demanded).toBeLessThan(0.95);
  });

  it('offers the period before the window with its own true demand', () => {
    const before = precedingPeriod(scenario);
    expect(before.lastDay).toBe(scenario.firstDay - 1);
    const pair = scenario.pairs[0]!;
    expect(before.pairs[0]!.demand).toEqual(pair.pastDemand.slice(40, 80));
    expect(before.pairs[0]!.openingStock).toBe(pair.precedingOpeningStock);
  });
});
