import { describe, expect, it } from 'vitest';
import { budgetFrontier, frontierPairs, replayPlan } from './budget-frontier.js';
import { lineChart } from './frontier-chart.js';
import { buildScenario } from './scenario.js';

// A small business: 6 products × 4 locations, 40 days replayed after 120 of history.
const scenario = buildScenario({ seed: 7, products: 6, days: 40, warmupDays: 120, endDay: '2026-03-31' });

describe('the budget frontier', () => {
  it('models each pair with demand from the days before the window and its supplier', () => {
    const pairs = frontierPairs(scenario);
    expect(pairs.length).toBeGreaterThan(0);
    for (const { pair, item } of pairs) {
      const past = pair.pastDemand.slice(-91);
      const mean = past.reduce((a, b) => a + b, 0) / past.length;
      expect(item.annualDemand).toBeCloseTo(mean * 365, 9);
      expect(item.unitCost).toBe(pair.preferredLink.unitCost);
      expect(item.orderQuantity).toBeGreaterThanOrEqual(pair.preferredLink.minimumOrderQuantity);
      expect(item.orderQuantity % pair.preferredLink.packSize).toBe(0);
    }
  });

  it('keeps every plan within its budget; a smaller budget never holds more in the model, and every plan is replayed over the same demand', () => {
    const { points } = budgetFrontier(scenario, [0.9, 0.7, 0.5]);
    const [free, ...budgeted] = points;
    for (const p of budgeted) expect(p.plan.totals.inventoryValue).toBeLessThanOrEqual(p.budget! + 1e-6);
    for (let i = 1; i < budgeted.length; i++) expect(budgeted[i]!.plan.totals.inventoryValue).toBeLessThanOrEqual(budgeted[i - 1]!.plan.totals.inventoryValue);
    expect(budgeted[2]!.plan.orderQuantityPrice).toBeGreaterThan(0);
    for (const p of points) expect(p.simulated.unitsDemanded).toBe(free!.simulated.unitsDemanded);
    // The replay is deterministic: the same plan gives the same result.
    expect(replayPlan(scenario, frontierPairs(scenario), free!.plan, 'again').fillRate).toBe(free!.simulated.fillRate);
  });

  it('draws points at the same place once, labels joined', () => {
    const svg = lineChart({
      title: 'T',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 's',
          colour: '#000',
          points: [
            { x: 1, y: 1, label: 'a' },
            { x: 1, y: 1, label: 'b' },
            { x: 2, y: 3, label: 'c' },
          ],
        },
      ],
    });
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('>a = b<');
    expect(svg.startsWith('<svg')).toBe(true);
  });
});
