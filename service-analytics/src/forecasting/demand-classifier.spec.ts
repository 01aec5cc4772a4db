import { describe, expect, it } from 'vitest';
import { classifyDemand } from './demand-classifier.js';

describe('classifyDemand', () => {
  it('calls frequent, steady demand smooth', () => {
    const profile = classifyDemand([10, 12, 9, 11, 10, 8, 12, 10]);
    expect(profile.demandClass).toBe('smooth');
    expect(profile.adi).toBe(1);
    expect(profile.cv2).toBeLessThan(0.49);
  });

  it('calls frequent demand of wildly varying size erratic', () => {
    // sizes 1 and 20 alternate: mean 10.5, variance 90.25 → CV² ≈ 0.8186
    const profile = classifyDemand([1, 20, 1, 20, 1, 20]);
    expect(profile.demandClass).toBe('erratic');
    expect(profile.cv2).toBeCloseTo(90.25 / 110.25, 10);
  });

  it('calls rare demand of steady size intermittent', () => {
    const profile = classifyDemand([0, 0, 5, 0, 0, 5, 0, 0, 5, 0, 0, 6]);
    expect(profile.demandClass).toBe('intermittent');
    expect(profile.adi).toBe(3);
  });

  it('calls rare demand of varying size lumpy', () => {
    const profile = classifyDemand([0, 0, 1, 0, 0, 30, 0, 0, 2, 0, 0, 25]);
    expect(profile.demandClass).toBe('lumpy');
    expect(profile.adi).toBe(3);
    expect(profile.cv2).toBeGreaterThanOrEqual(0.49);
  });

  it('uses the 1.32 ADI cutoff: 4 demands in 5 periods (1.25) is frequent, 3 in 4 (1.33) is not', () => {
    expect(classifyDemand([5, 5, 0, 5, 5]).demandClass).toBe('smooth');
    expect(classifyDemand([5, 0, 5, 5]).demandClass).toBe('intermittent');
  });

  it('leaves stock-out periods out: zeros while out of stock do not make demand look intermittent', () => {
    const values = [5, 0, 0, 5, 6, 0, 0, 5];
    const censored = [false, true, true, false, false, true, true, false];
    expect(classifyDemand(values).demandClass).toBe('intermittent');
    const profile = classifyDemand(values, censored);
    expect(profile.demandClass).toBe('smooth');
    expect(profile.periods).toBe(4);
  });

  it('treats a series without demand as intermittent', () => {
    expect(classifyDemand([0, 0, 0])).toMatchObject({ demandClass: 'intermittent', adi: Number.POSITIVE_INFINITY });
  });
});
