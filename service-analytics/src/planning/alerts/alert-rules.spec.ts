import { describe, expect, it } from 'vitest';
import { forecastDegradedOf, halfWidthsAt99, overstockOf, predictStockout, supplierLateOf, unusualDemandOf, type StockoutInput } from './alert-rules.js';

const TODAY = '2026-03-10';

const stockout = (fields: Partial<StockoutInput>): StockoutInput => ({
  today: TODAY,
  sku: 'SKU-1',
  locationCode: 'WH-1',
  available: 20,
  dailyDemand: Array(28).fill(5),
  receipts: [],
  leadTimeDays: 7,
  reviewPeriodDays: 7,
  unitPrice: 10,
  ...fields,
});

describe('predictStockout', () => {
  it('runs out on the first day whose demand the stock cannot serve, short until the window ends', () => {
    // 20 − 5 × 4 = 0 after the 4th day (03-13): the 5th day (03-14) goes short. Window 7 + 2 × 7 = 21 days: short 5 × 17 = 85.
    const found = predictStockout(stockout({}))!;
    expect(found).toMatchObject({ severity: 'CRITICAL', predictedDate: '2026-03-14', impact: { units: 85, value: 850 } });
    expect(found.severityRule).toContain('before an order placed today can arrive (2026-03-17');
  });

  it('counts units short only until the next scheduled receipt', () => {
    // Out on 03-14 (day 4); 100 arrive on 03-16 (day 6): short on days 4 and 5 = 5 + 5 = 10.
    const found = predictStockout(stockout({ receipts: [{ quantity: 100, expectedDate: '2026-03-16' }] }))!;
    expect(found).toMatchObject({ predictedDate: '2026-03-14', impact: { units: 10, value: 100 } });
  });

  it('with a spread and a probability, alerts on the first day P(run out) reaches it', () => {
    // 105 lasts the 21-day window at the mean. σ 5 a day: after d days σ = 5√d. P(out by the end of day d) = 1 − Φ((105 − 5d + 0.5) / 5√d).
    // Day 15 (16 days of demand): (105 − 80 + 0.5) / 20 = 1.275 → 10.1 %; day 14: (105 − 75 + 0.5) / 19.36 = 1.575 → 5.8 %.
    const spread = { available: 105, dailyStd: Array(28).fill(5) };
    expect(predictStockout(stockout({ ...spread, minProbability: 0.1 }))!.predictedDate).toBe('2026-03-25');
    expect(predictStockout(stockout({ ...spread, minProbability: 0.05 }))!.predictedDate).toBe('2026-03-24');
    // At 0.5 it is the mean projection again: 105 does not run out within the window.
    expect(predictStockout(stockout({ ...spread, minProbability: 0.5 }))).toBeNull();
    // Without a spread the probability has nothing to work on: the mean decides.
    expect(predictStockout(stockout({ available: 105, minProbability: 0.05 }))).toBeNull();
  });

  it('does not run out when a receipt arrives in time, nor when stock lasts the window', () => {
    expect(predictStockout(stockout({ receipts: [{ quantity: 100, expectedDate: '2026-03-13' }] }))).toBeNull();
    // 105 lasts 21 days at 5 a day exactly (never below zero within days 0–20).
    expect(predictStockout(stockout({ available: 105 }))).toBeNull();
    // An overdue receipt counts today.
    expect(predictStockout(stockout({ receipts: [{ quantity: 200, expectedDate: '2026-03-01' }] }))).toBeNull();
  });

  it('grades by when: HIGH within lead time + one review period, MEDIUM in the second', () => {
    // 50 lasts 10 days: out on day 10 (03-20), 7 ≤ 10 < 14.
    expect(predictStockout(stockout({ available: 50 }))).toMatchObject({ severity: 'HIGH', predictedDate: '2026-03-20' });
    // 90 lasts 18 days: out on day 18, 14 ≤ 18 < 21; short on days 18–20: 15.
    expect(predictStockout(stockout({ available: 90 }))).toMatchObject({ severity: 'MEDIUM', predictedDate: '2026-03-28', impact: { units: 15 } });
  });

  it('repeats the forecast’s last week past its end', () => {
    // 7 days of forecast, 10 a day from day 7 on would be wrong: the last week (5 a day) repeats.
    expect(predictStockout(stockout({ available: 60, dailyDemand: Array(7).fill(5) }))).toMatchObject({ predictedDate: '2026-03-22' });
  });
});

describe('overstockOf', () => {
  it('answers the excess over the threshold and its value, graded by cover', () => {
    // 1 000 at 10 a day = 100 days; threshold 60: excess 1 000 − 600 = 400 × 4 = 1 600; 100 < 120: LOW.
    expect(overstockOf({ sku: 'S', locationCode: 'L', position: 1_000, dailyDemand: 10, thresholdDays: 60, unitCost: 4 })).toMatchObject({
      severity: 'LOW',
      impact: { units: 400, value: 1_600 },
    });
    expect(overstockOf({ sku: 'S', locationCode: 'L', position: 1_300, dailyDemand: 10, thresholdDays: 60, unitCost: 4 })).toMatchObject({
      severity: 'MEDIUM',
    });
    expect(overstockOf({ sku: 'S', locationCode: 'L', position: 5, dailyDemand: 0, thresholdDays: 60, unitCost: 4 })).toMatchObject({
      severity: 'MEDIUM',
      impact: { units: 5, value: 20 },
    });
    expect(overstockOf({ sku: 'S', locationCode: 'L', position: 600, dailyDemand: 10, thresholdDays: 60, unitCost: 4 })).toBeNull();
  });
});

describe('halfWidthsAt99', () => {
  it('takes the stored 99 % widths, else scales the widest level as a normal error', () => {
    expect(halfWidthsAt99([{ confidence: 0.99, halfWidths: [3] }])).toEqual([3]);
    // z(0.995) / z(0.9) = 2.5758 / 1.2816 = 2.0099
    expect(
      halfWidthsAt99([
        { confidence: 0.5, halfWidths: [1] },
        { confidence: 0.8, halfWidths: [2] },
      ])![0],
    ).toBeCloseTo(4.02, 2);
    expect(halfWidthsAt99([])).toBeNull();
  });
});

describe('unusualDemandOf', () => {
  const forecasts = [{ forecastDate: '2026-03-01', predictions: Array(28).fill(10), halfWidths99: Array(28).fill(5) }];
  it('finds a spike above the 99 % interval and says how far', () => {
    const actuals = new Map([
      ['2026-03-08', 12],
      ['2026-03-09', 30],
    ]);
    // 30 vs [5, 15]: 15 above, 3 half-widths: HIGH.
    expect(unusualDemandOf({ today: TODAY, sku: 'S', actuals, forecasts, unitPrice: 2 })).toMatchObject({
      severity: 'HIGH',
      predictedDate: '2026-03-09',
      impact: { units: 15, value: 30 },
    });
  });
  it('finds a drop below it too, and nothing inside it', () => {
    expect(unusualDemandOf({ today: TODAY, sku: 'S', actuals: new Map([['2026-03-09', 2]]), forecasts, unitPrice: 2 })).toMatchObject({
      severity: 'LOW',
      impact: { units: 3 },
      title: expect.stringContaining('below'),
    });
    expect(unusualDemandOf({ today: TODAY, sku: 'S', actuals: new Map([['2026-03-09', 15]]), forecasts, unitPrice: 2 })).toBeNull();
    // A day no forecast covers is not judged.
    expect(unusualDemandOf({ today: TODAY, sku: 'S', actuals: new Map([['2026-02-28', 99]]), forecasts, unitPrice: 2 })).toBeNull();
  });
});

describe('supplierLateOf', () => {
  const line = { purchaseOrderId: 'po-1', poNumber: 'PO-1', supplierCode: 'SUP-A', expectedDate: '2026-03-02', openQuantity: 40, unitCost: 4 };
  it('is late past the expected day with units open, graded by days late or a stock-out without it', () => {
    expect(supplierLateOf({ today: TODAY, sku: 'S', locationCode: 'L', lines: [line], stockoutWithoutThem: null })).toMatchObject({
      severity: 'HIGH',
      predictedDate: '2026-03-02',
      impact: { units: 40, value: 160 },
      purchaseOrder: { id: 'po-1', poNumber: 'PO-1' },
    });
    expect(
      supplierLateOf({ today: TODAY, sku: 'S', locationCode: 'L', lines: [{ ...line, expectedDate: '2026-03-09' }], stockoutWithoutThem: null }),
    ).toMatchObject({
      severity: 'LOW',
    });
    expect(supplierLateOf({ today: TODAY, sku: 'S', locationCode: 'L', lines: [line], stockoutWithoutThem: '2026-03-12' })).toMatchObject({
      severity: 'CRITICAL',
    });
  });
  it('is not late on the expected day itself, nor when fully received', () => {
    expect(supplierLateOf({ today: TODAY, sku: 'S', locationCode: 'L', lines: [{ ...line, expectedDate: TODAY }], stockoutWithoutThem: null })).toBeNull();
    expect(supplierLateOf({ today: TODAY, sku: 'S', locationCode: 'L', lines: [{ ...line, openQuantity: 0 }], stockoutWithoutThem: null })).toBeNull();
  });
});

describe('forecastDegradedOf', () => {
  // A weekly pattern 10, 12, …, 22: seasonal naive is exact; a flat forecast of 15 misses by 5, 3, 1, 1, 3, 5, 7 = 25 a week.
  const actuals = new Map<string, number>();
  for (let d = 1; d <= 56; d += 1) {
    const day = new Date(Date.parse(`${TODAY}T00:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10);
    actuals.set(day, 10 + 2 * (d % 7));
  }
  it('flags a forecast worse than seasonal naive over the last 28 days', () => {
    const forecasts = [{ forecastDate: '2026-02-10', predictions: Array(28).fill(15) }];
    // Days 02-10 … 03-09 = 4 weeks × 25 = 100 units off; naive 0 off.
    expect(forecastDegradedOf({ today: TODAY, sku: 'S', actuals, forecasts, unitPrice: 2 })).toMatchObject({
      severity: 'MEDIUM',
      impact: { units: 100, value: 200 },
    });
  });
  it('does not flag one as good as naive, nor with too few days', () => {
    const exact = [
      {
        forecastDate: '2026-02-10',
        predictions: Array.from({ length: 28 }, (_, k) =>
          actuals.get(new Date(Date.parse('2026-02-10T00:00:00Z') + k * 86_400_000).toISOString().slice(0, 10))!,
        ),
      },
    ];
    expect(forecastDegradedOf({ today: TODAY, sku: 'S', actuals, forecasts: exact, unitPrice: 1 })).toBeNull();
    const recent = [{ forecastDate: '2026-03-01', predictions: Array(28).fill(15) }];
    expect(forecastDegradedOf({ today: TODAY, sku: 'S', actuals, forecasts: recent, unitPrice: 1 })).toBeNull();
  });
});
