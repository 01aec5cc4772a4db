import { describe, expect, it } from 'vitest';
import { locationShares, splitToLocations } from './location-split.js';

describe('splitting a network forecast to locations', () => {
  it('shares by recent demand with a floor for locations without sales', () => {
    const shares = locationShares({ DC: 60, ST: 40, NEW: 0 });
    expect(shares.DC).toBeCloseTo(0.6 / 1.02, 10);
    expect(shares.ST).toBeCloseTo(0.4 / 1.02, 10);
    expect(shares.NEW).toBeCloseTo(0.02 / 1.02, 10);
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(locationShares({ A: 0, B: 0 })).toEqual({ A: 0.5, B: 0.5 });
  });

  it('splits the mean by the share and the error variance by the share', () => {
    const split = splitToLocations({ mean: [10, 20], std: [4, 6], source: 'ets' }, { DC: 0.25, ST: 0.75 });
    expect(split.DC!.mean).toEqual([2.5, 5]);
    expect(split.DC!.std).toEqual([2, 3]);
    expect(split.ST!.mean).toEqual([7.5, 15]);
    // Means add back to the network's; variances too (independent locations)
    expect(split.DC!.std[1]! ** 2 + split.ST!.std[1]! ** 2).toBeCloseTo(36, 10);
    expect(split.DC!.source).toBe('ets × 25.0 % share of DC');
  });
});
