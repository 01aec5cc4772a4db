import { describe, expect, it } from 'vitest';
import { demandForecastFromIntervals } from './forecast-demand.js';

describe('demand from a stored forecast', () => {
  it('reads each day’s error σ from the 80 % interval: half-width ÷ 1.2816', () => {
    const demand = demandForecastFromIntervals({
      predictions: [10, 12],
      intervals: [
        { confidence: 0.5, halfWidths: [1, 1], reliable: true },
        { confidence: 0.8, halfWidths: [2.5631, 3.8447], reliable: true },
        { confidence: 0.95, halfWidths: [9, 9], reliable: true },
      ],
      source: 'ets',
    });
    expect(demand.mean).toEqual([10, 12]);
    expect(demand.std[0]).toBeCloseTo(2, 3);
    expect(demand.std[1]).toBeCloseTo(3, 3);
  });

  it('prefers a reliable interval, and assumes Poisson noise without any', () => {
    const demand = demandForecastFromIntervals({
      predictions: [4],
      intervals: [
        { confidence: 0.8, halfWidths: [1], reliable: false },
        { confidence: 0.95, halfWidths: [3.92], reliable: true },
      ],
      source: 'ets',
    });
    expect(demand.std[0]).toBeCloseTo(2, 3); // 3.92 / 1.96
    const none = demandForecastFromIntervals({ predictions: [4, -1], intervals: [], source: 'ets' });
    expect(none.mean).toEqual([4, 0]);
    expect(none.std).toEqual([2, 0]);
    expect(none.source).toContain('Poisson');
  });
});
