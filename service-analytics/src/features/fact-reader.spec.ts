import { describe, expect, it } from 'vitest';
import { sumFactsBySkuAndDay } from './fact-reader.js';

const base = { quantityReturned: 0, orders: 1, stockOut: false, campaignActive: false };

describe('sumFactsBySkuAndDay', () => {
  it('sums locations per SKU and day, ORs flags, sorts SKUs and days, and keeps revenue in cents', () => {
    const totals = sumFactsBySkuAndDay([
      { ...base, sku: 'B', day: '2026-01-02', quantityDemanded: 5, quantitySold: 4, revenue: 0.1 },
      { ...base, sku: 'B', day: '2026-01-01', quantityDemanded: 1, quantitySold: 1, revenue: 0.2, campaignActive: true },
      { ...base, sku: 'B', day: '2026-01-02', quantityDemanded: 2, quantitySold: 2, revenue: 0.2, stockOut: true },
      { ...base, sku: 'A', day: '2026-01-05', quantityDemanded: 3, quantitySold: 3, revenue: 9.99 },
    ]);
    expect([...totals.keys()]).toEqual(['A', 'B']);
    expect(totals.get('B')).toEqual([
      { day: '2026-01-01', demanded: 1, sold: 1, returned: 0, revenue: 0.2, orders: 1, stockOut: false, campaignActive: true },
      { day: '2026-01-02', demanded: 7, sold: 6, returned: 0, revenue: 0.3, orders: 2, stockOut: true, campaignActive: false },
    ]);
  });
});
