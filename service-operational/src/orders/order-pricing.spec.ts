import { describe, expect, it } from 'vitest';
import { priceLine } from './order-pricing.js';

const campaigns = [
  { id: 'spring', discountPercent: 10, skus: ['A', 'B'] },
  { id: 'flash', discountPercent: 25, skus: ['A'] },
];

describe('priceLine', () => {
  it('charges the list price when no campaign covers the SKU', () => {
    expect(priceLine({ sku: 'C', listPrice: 19.99 }, campaigns)).toEqual({ listPrice: 19.99, unitPrice: 19.99, discountPercent: 0, campaignId: null });
  });

  it('applies the best covering campaign and rounds to cents', () => {
    expect(priceLine({ sku: 'A', listPrice: 19.99 }, campaigns)).toEqual({ listPrice: 19.99, unitPrice: 14.99, discountPercent: 25, campaignId: 'flash' });
    expect(priceLine({ sku: 'B', listPrice: 5 }, campaigns)).toMatchObject({ unitPrice: 4.5, campaignId: 'spring' });
  });

  it('applies a named campaign even when a better one exists', () => {
    expect(priceLine({ sku: 'A', listPrice: 20, campaignId: 'spring' }, campaigns)).toMatchObject({ unitPrice: 18, discountPercent: 10, campaignId: 'spring' });
  });

  it('refuses a named campaign that does not cover the SKU or is not active', () => {
    expect(priceLine({ sku: 'B', listPrice: 20, campaignId: 'flash' }, campaigns)).toEqual({ kind: 'campaignNotApplicable', campaignId: 'flash' });
    expect(priceLine({ sku: 'A', listPrice: 20, campaignId: 'gone' }, campaigns)).toEqual({ kind: 'campaignNotApplicable', campaignId: 'gone' });
  });

  it("keeps the desk's price and records the discount it implies", () => {
    expect(priceLine({ sku: 'A', listPrice: 20, unitPrice: 15 }, campaigns)).toEqual({ listPrice: 20, unitPrice: 15, discountPercent: 25, campaignId: null });
    expect(priceLine({ sku: 'Z', listPrice: 0, unitPrice: 3 }, [])).toMatchObject({ discountPercent: 0 });
  });
});
