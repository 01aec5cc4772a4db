import { describe, expect, it } from 'vitest';
import { inverseStandardNormal, standardNormalLoss } from './normal.js';
import { costAt, inventoryValueAt, itemCurve, spaceAt, type CurveItem } from './stock-levels-curve.js';
import { optimiseStockLevels, type StockLevelItem, type StockLevelPlan, type StockLevelsInput } from './stock-levels.js';

/** mulberry32: a seeded stream of numbers in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const anItem = (overrides: Partial<StockLevelItem> = {}): StockLevelItem => ({
  sku: 'SKU-1',
  locationCode: 'WH-A',
  demandMean: 100,
  demandStd: 20,
  annualDemand: 1000,
  unitCost: 10,
  holdingCostRate: 0.25,
  shortageCost: 5,
  orderQuantity: 500,
  ...overrides,
});

function planOf(input: StockLevelsInput): StockLevelPlan {
  const result = optimiseStockLevels(input);
  if (!result.ok) throw new Error(`expected a plan, got ${result.error.message}`);
  return result.plan;
}

/**
 * Small random items: σ over the protection interval 1.5–6.5 units, fill rates
 * kept between 85 % and 99.5 % so each item has a handful of whole-unit levels
 * and every combination can be enumerated.
 */
function smallInstance(random: () => number, count: number): StockLevelItem[] {
  return Array.from({ length: count }, (_, i) => ({
    sku: `SKU-${i}`,
    locationCode: random() < 0.5 ? 'WH-A' : 'WH-B',
    demandMean: 10 + Math.floor(random() * 60),
    demandStd: 1.5 + random() * (count > 6 ? 3 : 5),
    annualDemand: 50 + Math.floor(random() * 2000),
    unitCost: 1 + Math.floor(random() * 60),
    holdingCostRate: 0.15 + random() * 0.2,
    shortageCost: 2 + random() * 80,
    orderQuantity: 4 + Math.floor(random() * 30),
    volumePerUnit: 0.5 + Math.floor(random() * 4) / 2,
    minFillRate: 0.85,
    maxFillRate: 0.995,
  }));
}

/** Money and space the lowest allowed levels need. */
function lowestUse(items: readonly StockLevelItem[]) {
  const curves = items.map((item) => itemCurve({ ...item, space: 1, minFillRate: item.minFillRate ?? null, maxFillRate: item.maxFillRate ?? null }));
  return {
    money: curves.reduce((sum, c) => sum + inventoryValueAt(c.item, c.low), 0),
    space: (location: string | null, volume: boolean) =>
      curves.reduce(
        (sum, c, i) =>
          location === null || items[i]!.locationCode === location ? sum + spaceAt(c.item, c.low) * (volume ? (items[i]!.volumePerUnit ?? 0) : 1) : sum,
        0,
      ),
  };
}

interface Enumeration {
  cost: number;
  levels: number[];
}

/**
 * Branch and bound over every combination of whole-unit levels in each item's
 * allowed range: exact, and cheap at ≤ 8 items because a partial plan whose cost
 * plus each remaining item's cheapest level already exceeds the best is cut.
 */
function enumerateBest(input: StockLevelsInput): Enumeration | null {
  const capacity = input.constraints.storageCapacity ?? null;
  const curves = input.items.map((item) =>
    itemCurve({
      ...item,
      space: capacity?.basis === 'volume' ? (item.volumePerUnit ?? 0) : 1,
      minFillRate: item.minFillRate ?? null,
      maxFillRate: item.maxFillRate ?? null,
    } satisfies CurveItem),
  );
  const budget = input.constraints.budget ?? Infinity;
  const spaceLimit = (location: string) => capacity?.total ?? capacity?.perLocation?.[location] ?? Infinity;
  const groupKey = (location: string) => (capacity?.total != null ? '*' : location);
  const options = curves.map((curve) =>
    Array.from({ length: curve.high - curve.low + 1 }, (_, j) => {
      const level = curve.low + j;
      return { level, cost: costAt(curve.item, level), money: inventoryValueAt(curve.item, level), space: spaceAt(curve.item, level) };
    }),
  );
  const cheapestFrom = options.map((_, i) => options.slice(i).reduce((sum, o) => sum + Math.min(...o.map((x) => x.cost)), 0));
  const minMoneyFrom = options.map((_, i) => options.slice(i).reduce((sum, o) => sum + o[0]!.money, 0));
  let best: Enumeration | null = null;
  const levels: number[] = [];
  const space = new Map<string, number>();
  const visit = (i: number, cost: number, money: number) => {
    if (best !== null && cost + (cheapestFrom[i] ?? 0) >= best.cost) return;
    if (money + (minMoneyFrom[i] ?? 0) > budget) return;
    if (i === options.length) {
      best = { cost, levels: [...levels] };
      return;
    }
    const key = groupKey(input.items[i]!.locationCode);
    const usedSpace = space.get(key) ?? 0;
    for (const option of options[i]!) {
      if (usedSpace + option.space > spaceLimit(input.items[i]!.locationCode)) continue;
      space.set(key, usedSpace + option.space);
      levels.push(option.level);
      visit(i + 1, cost + option.cost, money + option.money);
      levels.pop();
    }
    space.set(key, usedSpace);
  };
  visit(0, 0, 0);
  return best;
}

describe('stock levels against the enumerated optimum', () => {
  it('is within 0.5 % of it and never exceeds the budget or the capacity (120 seeded instances)', () => {
    let worstGap = 0;
    let bindingBudgets = 0;
    let checked = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const random = seeded(seed);
      const items = smallInstance(random, 3 + (seed % 6));
      const free = planOf({ items, constraints: {} });
      const lowest = lowestUse(items);
      const between = (least: number, most: number) => least + (most - least) * (0.15 + 0.8 * random());
      const budget = between(lowest.money, free.totals.inventoryValue);
      const spaceOf = (location: string | null, volume: boolean) =>
        between(
          lowest.space(location, volume),
          free.items.reduce(
            (sum, c, i) => (location === null || c.locationCode === location ? sum + c.space * (volume ? (items[i]!.volumePerUnit ?? 0) : 1) : sum),
            0,
          ),
        );
      const storageCapacity =
        seed % 2 === 0
          ? { basis: 'volume' as const, perLocation: { 'WH-A': spaceOf('WH-A', true), 'WH-B': spaceOf('WH-B', true) } }
          : { basis: 'units' as const, total: spaceOf(null, false) };
      const input: StockLevelsInput = { items, constraints: { budget, storageCapacity } };
      const result = optimiseStockLevels(input);
      const best = enumerateBest(input);
      if (!result.ok) {
        // Only when the lowest levels do not fit, and then nothing fits.
        expect(best).toBeNull();
        continue;
      }
      expect(best).not.toBeNull();
      const plan = result.plan;
      checked++;
      // Recomputed here from the chosen levels, not read from the plan's own report.
      const money = items.reduce((sum, item, i) => sum + item.unitCost * (item.orderQuantity / 2 + plan.items[i]!.reorderPoint - item.demandMean), 0);
      expect(money).toBeLessThanOrEqual(budget * (1 + 1e-9));
      const spaceAtLocation = (location: string | null) =>
        items.reduce(
          (sum, item, i) =>
            location === null || item.locationCode === location
              ? sum + (storageCapacity.basis === 'volume' ? item.volumePerUnit! : 1) * (item.orderQuantity + plan.items[i]!.reorderPoint - item.demandMean)
              : sum,
          0,
        );
      if (storageCapacity.basis === 'volume') {
        for (const [location, limit] of Object.entries(storageCapacity.perLocation)) expect(spaceAtLocation(location)).toBeLessThanOrEqual(limit * (1 + 1e-9));
      } else expect(spaceAtLocation(null)).toBeLessThanOrEqual(storageCapacity.total * (1 + 1e-9));
      for (const choice of plan.items) expect(Number.isInteger(choice.reorderPoint)).toBe(true);
      if (plan.constraints.find((c) => c.constraint === 'budget')!.binding) bindingBudgets++;
      const gap = (plan.totals.cost - best!.cost) / best!.cost;
      expect(gap).toBeGreaterThanOrEqual(-1e-9);
      expect(plan.totals.lowerBound).toBeLessThanOrEqual(best!.cost * (1 + 1e-9));
      expect(gap).toBeLessThanOrEqual(0.005);
      worstGap = Math.max(worstGap, gap);
    }
    expect(checked).toBeGreaterThan(100);
    expect(bindingBudgets).toBeGreaterThan(30);
    expect(worstGap).toBeLessThan(0.005);
  });
});

describe('stock levels without limits', () => {
  it('give each item its newsvendor-type optimum: P(Z > k) = h·c·Q / (λ·D) when Q is large against σ', () => {
    // As service-allocation's spec: h·c·Q / (λ·D) = 0.25 × 10 × 500 / (5 × 1000) = 0.25 → k = Φ⁻¹(0.75) = 0.6745,
    // r = μ + k·σ = 100 + 0.6745 × 20 = 113.49: the best whole unit is 113 or 114, whichever costs less.
    const item = anItem();
    const plan = planOf({ items: [item], constraints: {} });
    const choice = plan.items[0]!;
    const continuous = 100 + inverseStandardNormal(0.75) * 20;
    expect(continuous).toBeCloseTo(113.49, 2);
    expect([113, 114]).toContain(choice.reorderPoint);
    const curve = itemCurve({ ...item, space: 1, minFillRate: null, maxFillRate: null });
    for (const other of [112, 113, 114, 115]) expect(costAt(curve.item, choice.reorderPoint)).toBeLessThanOrEqual(costAt(curve.item, other));
    // The numbers it reports: fill rate 1 − σ·G(k)/Q, holding h·c·(Q/2 + SS), shortage λ·(D/Q)·σ·G(k).
    const k = (choice.reorderPoint - 100) / 20;
    expect(choice.safetyFactor).toBeCloseTo(k, 12);
    expect(choice.fillRate).toBeCloseTo(1 - (20 * standardNormalLoss(k)) / 500, 6);
    expect(choice.holdingCost).toBeCloseTo(0.25 * 10 * (250 + choice.reorderPoint - 100), 9);
    expect(choice.shortageCost).toBeCloseTo(5 * 2 * 20 * standardNormalLoss(k), 4);
    expect(choice.orderUpTo).toBe(choice.reorderPoint + 500);
    expect(plan.constraints).toEqual([]);
  });

  it('give many items the same levels as each item alone, and limits with room to spare change nothing', () => {
    const random = seeded(99);
    const items = Array.from({ length: 40 }, (_, i) =>
      anItem({
        sku: `SKU-${i}`,
        demandMean: 20 + random() * 200,
        demandStd: 2 + random() * 30,
        unitCost: 1 + random() * 100,
        shortageCost: 1 + random() * 50,
        orderQuantity: 5 + random() * 200,
      }),
    );
    const together = planOf({ items, constraints: {} });
    items.forEach((item, i) => expect(together.items[i]!.reorderPoint).toBe(planOf({ items: [item], constraints: {} }).items[0]!.reorderPoint));
    const roomy = planOf({
      items,
      constraints: { budget: together.totals.inventoryValue * 2, storageCapacity: { basis: 'units', total: together.totals.space * 2 } },
    });
    expect(roomy.items.map((c) => c.reorderPoint)).toEqual(together.items.map((c) => c.reorderPoint));
    expect(roomy.constraints.map((c) => [c.binding, c.shadowPrice])).toEqual([
      [false, 0],
      [false, 0],
    ]);
  });
});

describe('stock levels under a tightening budget', () => {
  const random = seeded(7);
  const items = Array.from({ length: 300 }, (_, i) =>
    anItem({
      sku: `SKU-${i}`,
      locationCode: i % 3 === 0 ? 'WH-A' : 'WH-B',
      demandMean: 10 + random() * 300,
      demandStd: 3 + random() * 40,
      annualDemand: 100 + random() * 5000,
      unitCost: 1 + random() * 200,
      shortageCost: 2 + random() * 60,
      orderQuantity: 5 + random() * 300,
      volumePerUnit: 0.1 + random(),
    }),
  );
  const free = planOf({ items, constraints: {} });

  it('costs no less and serves no more as the budget falls, and the budget binds with a rising shadow price', () => {
    const shares = [1.0, 0.95, 0.9, 0.8, 0.7, 0.6];
    const plans = shares.map((share) => planOf({ items, constraints: { budget: free.totals.inventoryValue * share } }));
    for (let i = 1; i < plans.length; i++) {
      expect(plans[i]!.totals.cost).toBeGreaterThanOrEqual(plans[i - 1]!.totals.cost);
      expect(plans[i]!.totals.fillRate).toBeLessThanOrEqual(plans[i - 1]!.totals.fillRate);
      expect(plans[i]!.totals.inventoryValue).toBeLessThanOrEqual(free.totals.inventoryValue * shares[i]!);
      expect(plans[i]!.constraints[0]!.binding).toBe(true);
      // The dual bound certifies the plan: no plan within the budget costs more than 0.1 % less.
      expect(plans[i]!.totals.lowerBound).toBeGreaterThan(plans[i]!.totals.cost * 0.999);
      expect(plans[i]!.constraints[0]!.shadowPrice).toBeGreaterThan(i > 1 ? plans[i - 1]!.constraints[0]!.shadowPrice : 0);
      // A binding budget is spent: what is left is less than the dearest unit.
      expect(plans[i]!.totals.inventoryValue).toBeGreaterThan(free.totals.inventoryValue * shares[i]! - 201);
    }
    expect(plans[0]!.totals.cost).toBeCloseTo(free.totals.cost, 6);
    expect(plans.at(-1)!.totals.fillRate).toBeLessThan(free.totals.fillRate - 0.005);
  });

  it('keeps each location within its own space, with a shadow price only where space binds', () => {
    const volumeAt = (location: string) =>
      items.reduce((sum, item, i) => (item.locationCode === location ? sum + item.volumePerUnit! * free.items[i]!.space : sum), 0);
    const limits = { 'WH-A': volumeAt('WH-A') * 0.9, 'WH-B': volumeAt('WH-B') * 2 };
    const plan = planOf({ items, constraints: { storageCapacity: { basis: 'volume', perLocation: limits } } });
    const [a, b] = plan.constraints;
    expect(a).toMatchObject({ constraint: 'storageCapacity', locationCode: 'WH-A', binding: true });
    expect(a!.used).toBeLessThanOrEqual(limits['WH-A']);
    expect(a!.shadowPrice).toBeGreaterThan(0);
    expect(b).toMatchObject({ locationCode: 'WH-B', binding: false, shadowPrice: 0 });
    // WH-B's items are not touched by WH-A's limit.
    items.forEach((item, i) => {
      if (item.locationCode === 'WH-B') expect(plan.items[i]!.reorderPoint).toBe(free.items[i]!.reorderPoint);
    });
  });

  it('keeps every item within its fill-rate bounds', () => {
    const plan = planOf({ items, constraints: { budget: free.totals.inventoryValue * 0.7 }, serviceBounds: { minFillRate: 0.9, maxFillRate: 0.99 } });
    for (const choice of plan.items) {
      expect(choice.fillRate).toBeGreaterThanOrEqual(0.9 - 1e-9);
      expect(choice.fillRate).toBeLessThanOrEqual(0.99 + 1e-9);
    }
  });
});

describe('stock levels that cannot be met', () => {
  it('say which limit even the lowest allowed levels exceed, as a 400 with the numbers', () => {
    const items = [anItem({ minFillRate: 0.95 }), anItem({ sku: 'SKU-2', locationCode: 'WH-B', minFillRate: 0.95 })];
    const result = optimiseStockLevels({
      items,
      constraints: { budget: 1000, storageCapacity: { basis: 'units', perLocation: { 'WH-B': 100, 'WH-A': 10_000 } } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(result.error.statusCode).toBe(400);
    expect(result.error.message).toMatch(/^Infeasible: budget: the lowest allowed levels need \d+, the limit is 1000; storageCapacity at WH-B/);
    const { infeasible } = result.error.details as { infeasible: { constraint: string; locationCode: string | null; limit: number; minimumNeeded: number }[] };
    expect(infeasible.map((e) => [e.constraint, e.locationCode, e.limit])).toEqual([
      ['budget', null, 1000],
      ['storageCapacity', 'WH-B', 100],
    ]);
    // The lowest level for a 95 % fill rate: cycle stock 250 + a safety stock of k·σ (k ≈ −1.6 here, a whole unit), at cost 10.
    const lowest = itemCurve({ ...items[0]!, space: 1, minFillRate: 0.95, maxFillRate: null }).low;
    expect(infeasible[0]!.minimumNeeded).toBeCloseTo(2 * 10 * (250 + lowest - 100), 9);
    expect(infeasible[1]!.minimumNeeded).toBeCloseTo(500 + lowest - 100, 9);
  });

  it('name the bad field of the input', () => {
    const result = optimiseStockLevels({
      items: [anItem(), anItem({ orderQuantity: 0, unitCost: Number.NaN })],
      constraints: { budget: -1, storageCapacity: { basis: 'volume', total: 10 } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT');
    expect((result.error.details as { path: string }[]).map((d) => d.path)).toEqual([
      'constraints.budget',
      'items.0.volumePerUnit',
      'items.1.unitCost',
      'items.1.orderQuantity',
      'items.1.volumePerUnit',
    ]);
  });
});
