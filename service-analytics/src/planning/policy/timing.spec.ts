import { describe, expect, it } from 'vitest';
import type { Position } from './policy.types.js';
import { PRIORITY_THRESHOLDS, firstDayBelow, inventoryPosition, orderByDate, priorityFor, stockoutDate, stockoutProbability } from './timing.js';

const position = (onHand: number, onOrder: Position['onOrder'] = [], extra: Partial<Position> = {}): Position => ({
  onHand,
  reserved: 0,
  backOrdered: 0,
  inTransit: 0,
  onOrder,
  ...extra,
});
const tenADay = { mean: Array<number>(28).fill(10), std: Array<number>(28).fill(2), source: 'test' };

describe('stock projection', () => {
  it('finds the first day the stock cannot cover', () => {
    // 40 units at 10 a day: 0 left after the 4th day, short on the 5th
    expect(stockoutDate({ today: '2026-01-01', position: position(40), demand: tenADay })).toBe('2026-01-05');
    expect(stockoutDate({ today: '2026-01-01', position: position(0), demand: tenADay })).toBe('2026-01-01');
  });

  it('counts reserved and back-ordered stock out, in-transit in, and open orders on their expected date', () => {
    const p = position(60, [{ quantity: 50, expectedDate: '2026-01-04' }], { reserved: 15, backOrdered: 5, inTransit: 0 });
    expect(inventoryPosition(p)).toBe(90);
    // 40 available; +50 on the 4th (day 3): runs out on day 8 (40 + 50 − 90 = 0 after day 8, short on day 9)
    expect(stockoutDate({ today: '2026-01-01', position: p, demand: tenADay })).toBe('2026-01-10');
    // An overdue order is assumed to arrive today
    expect(firstDayBelow({ today: '2026-01-10', position: position(0, [{ quantity: 30, expectedDate: '2026-01-05' }]), demand: tenADay }, 0)).toBe(3);
  });

  it('answers null when the stock outlasts the projection', () => {
    expect(stockoutDate({ today: '2026-01-01', position: position(1e6), demand: tenADay })).toBeNull();
  });
});

describe('order-by date and priority', () => {
  it('is the day the stock falls into its safety stock, less the lead time', () => {
    const projection = { today: '2026-01-01', position: position(100), demand: tenADay };
    // below 20 after day 8 (100 − 90 = 10 < 20): day offset 8 (2026-01-09), lead 5 → 2026-01-04
    expect(orderByDate(projection, { safetyStock: 20, leadTimeDays: 5 })).toBe('2026-01-04');
    // lead 4.2 rounds up to 5 days
    expect(orderByDate(projection, { safetyStock: 20, leadTimeDays: 4.2 })).toBe('2026-01-04');
    // no safety stock: the stock-out day (2026-01-11) less 5
    expect(orderByDate(projection, { safetyStock: 0, leadTimeDays: 5 })).toBe('2026-01-06');
    // already late
    expect(orderByDate({ ...projection, position: position(30) }, { safetyStock: 20, leadTimeDays: 5 })).toBe('2025-12-28');
  });

  const at = (orderBy: string | null, stockout: string | null, stockoutProbability: number, leadTimeDays = 5) =>
    priorityFor({ today: '2026-01-10', orderBy, stockout, leadTimeDays, stockoutProbability });

  it('is CRITICAL when stock runs out before an order placed today can arrive, or a stock-out before it is at least even odds', () => {
    // lead 4.2 d → arrives 2026-01-15; stock-out on the 14th is before it, whatever the probability says
    expect(at('2026-01-08', '2026-01-14', 0.3, 4.2)).toMatchObject({
      priority: 'CRITICAL',
      reason: expect.stringMatching(/^CRITICAL: stock runs out on 2026-01-14, before .*\(2026-01-15\)/),
    });
    // stock-out on the arrival day is covered by the arrival (arrivals come before the day's demand): not this branch
    expect(at('2026-01-08', '2026-01-15', 0.3).priority).toBe('HIGH');
    expect(at('2026-01-20', '2026-02-01', 0.5)).toMatchObject({
      priority: 'CRITICAL',
      reason: expect.stringContaining('P(stock-out before it arrives) 50 % ≥ 50 %'),
    });
    expect(at('2026-01-16', '2026-02-01', 0.49).priority).toBe('MEDIUM');
  });

  it('is HIGH when the order-by date has passed or is at most 3 days away, MEDIUM within 7, else LOW', () => {
    expect(at('2026-01-08', '2026-02-01', 0.1)).toMatchObject({ priority: 'HIGH', reason: expect.stringContaining('passed 2 d ago') });
    expect(at('2026-01-10', '2026-02-01', 0.1).priority).toBe('HIGH');
    expect(at('2026-01-13', '2026-02-01', 0.1).priority).toBe('HIGH');
    expect(at('2026-01-14', '2026-02-01', 0.1).priority).toBe('MEDIUM');
    expect(at('2026-01-17', '2026-02-01', 0.1).priority).toBe('MEDIUM');
    expect(at('2026-01-18', '2026-02-01', 0.1)).toEqual({ priority: 'LOW', reason: 'LOW: order by 2026-01-18, 8 d left (> 7)' });
    expect(at(null, null, 0)).toEqual({ priority: 'LOW', reason: 'LOW: no order needed within the 180-day projection' });
  });

  it('ranks a slow mover with a long lead time at its reorder point HIGH, not CRITICAL: stock outlasts the lead time at a 16 % risk', () => {
    // Lead time 30 d, projected stock-out 44 d away (2026-02-23), order-by date 10 d ago, P = 16 %.
    const slow = at('2025-12-31', '2026-02-23', 0.16, 30);
    expect(slow.priority).toBe('HIGH');
    expect(slow.reason).toBe(
      'HIGH: the order-by date 2025-12-31 passed 10 d ago; stock lasts until 2026-02-23, after an order placed today arrives (2026-02-09), and P(stock-out before it arrives) 16 % < 50 %',
    );
    expect(PRIORITY_THRESHOLDS).toEqual({ criticalStockoutProbability: 0.5, highDaysLeft: 3, mediumDaysLeft: 7 });
  });
});

describe('stock-out probability before arrival', () => {
  it('is the normal tail beyond the stock', () => {
    expect(stockoutProbability({ stock: 120, meanDemand: 100, stdDemand: 20 })).toBeCloseTo(0.1587, 4);
    expect(stockoutProbability({ stock: 100, meanDemand: 100, stdDemand: 20 })).toBeCloseTo(0.5, 6);
    expect(stockoutProbability({ stock: 50, meanDemand: 100, stdDemand: 0 })).toBe(1);
    expect(stockoutProbability({ stock: 150, meanDemand: 100, stdDemand: 0 })).toBe(0);
  });
});
