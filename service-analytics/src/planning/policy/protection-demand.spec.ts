import { describe, expect, it } from 'vitest';
import { demandOverDays, effectiveLeadTime, protectionDemand } from './protection-demand.js';

const flat = (days: number, mean: number, std: number) => ({ mean: Array<number>(days).fill(mean), std: Array<number>(days).fill(std), source: 'test' });

describe('demand over days', () => {
  it('sums means and, for independent days, variances', () => {
    expect(demandOverDays({ mean: [10, 12, 14], std: [3, 4, 0], source: '' }, 0, 2)).toEqual({ mean: 22, std: 5 });
    expect(demandOverDays(flat(30, 10, 3), 0, 9).std).toBeCloseTo(9, 10); // 3 × √9
  });

  it('adds the covariances under correlated errors: ρ = 1 sums the stds', () => {
    expect(demandOverDays({ mean: [10, 12], std: [3, 4], source: '' }, 0, 2, 1).std).toBeCloseTo(7, 10);
    expect(demandOverDays({ mean: [10, 12], std: [3, 4], source: '' }, 0, 2, 0.5).std).toBeCloseTo(Math.sqrt(25 + 0.5 * 24), 10);
  });

  it('counts a fractional day pro rata and repeats the last week past the forecast', () => {
    expect(demandOverDays(flat(10, 10, 2), 0, 2.5).mean).toBeCloseTo(25, 10);
    expect(demandOverDays(flat(10, 10, 2), 0, 2.5).std).toBeCloseTo(Math.sqrt(2.5 * 4), 10);
    // 14 days of [1..7]: day 14 onward repeats 1..7
    const weekly = { mean: Array.from({ length: 14 }, (_, i) => (i % 7) + 1), std: Array<number>(14).fill(0), source: '' };
    expect(demandOverDays(weekly, 0, 21).mean).toBe(3 * 28);
    expect(demandOverDays({ mean: [], std: [], source: '' }, 0, 5)).toEqual({ mean: 0, std: 0 });
  });
});

describe('protection-interval demand', () => {
  it('adds the lead-time spread as d̄²·σ_L²', () => {
    const result = protectionDemand(flat(30, 10, 3), { leadTimeDays: 9, leadTimeStdDays: 2, reviewPeriodDays: 0 });
    expect(result.mean).toBeCloseTo(90, 10);
    expect(result.demandStd).toBeCloseTo(9, 10);
    expect(result.leadTimeStd).toBeCloseTo(20, 10);
    expect(result.std).toBeCloseTo(Math.sqrt(81 + 400), 10);
  });

  it('covers lead time plus review period', () => {
    const result = protectionDemand(flat(30, 10, 3), { leadTimeDays: 5, leadTimeStdDays: 0, reviewPeriodDays: 7 });
    expect(result.days).toBe(12);
    expect(result.mean).toBeCloseTo(120, 10);
    expect(result.std).toBeCloseTo(3 * Math.sqrt(12), 10);
  });
});

describe('effective lead time', () => {
  const supplier = (receivedOrders: number) => ({ leadTimeDays: 10, delivery: { receivedOrders, meanDelayDays: 1.5, delayStdDays: 2, onTimeRate: 0.8 } });

  it('adds the measured mean delay and takes its spread from 3 received orders on', () => {
    expect(effectiveLeadTime(supplier(3))).toMatchObject({ days: 11.5, stdDays: 2 });
    expect(effectiveLeadTime(supplier(2))).toMatchObject({ days: 10, stdDays: 0 });
    expect(effectiveLeadTime({ leadTimeDays: 10, delivery: null })).toMatchObject({ days: 10, stdDays: 0 });
    expect(effectiveLeadTime({ leadTimeDays: 2, delivery: { receivedOrders: 5, meanDelayDays: -3, delayStdDays: 1, onTimeRate: 1 } }).days).toBe(0);
  });
});
