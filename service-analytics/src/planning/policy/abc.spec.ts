import { describe, expect, it } from 'vitest';
import { abcClasses, defaultServiceLevel } from './abc.js';

describe('ABC classes', () => {
  it('puts the SKUs making the first 80 % of revenue in A, the next 15 % in B, the rest in C', () => {
    expect(abcClasses({ X: 70, Y: 20, Z: 6, W: 4 })).toEqual({ X: 'A', Y: 'A', Z: 'B', W: 'C' });
    // The SKU that crosses 80 % is A; one starting at exactly 80 % is B; at exactly 95 %, C.
    expect(abcClasses({ a: 50, b: 30, c: 15, d: 5 })).toEqual({ a: 'A', b: 'A', c: 'B', d: 'C' });
  });

  it('does not depend on input order, and puts SKUs without revenue in C', () => {
    expect(abcClasses({ W: 4, Z: 6, Y: 20, X: 70, none: 0 })).toEqual({ X: 'A', Y: 'A', Z: 'B', W: 'C', none: 'C' });
    expect(abcClasses({ p: 0, q: 0 })).toEqual({ p: 'C', q: 'C' });
  });

  it('defaults the fill rate by class, the tenant overriding', () => {
    expect([defaultServiceLevel('A'), defaultServiceLevel('B'), defaultServiceLevel('C')]).toEqual([0.98, 0.95, 0.9]);
    expect(defaultServiceLevel('C', { C: 0.93 })).toBe(0.93);
  });
});
