import { CreateCampaignSchema, CreateCustomerSchema, CreateLocationSchema, CreateProductSchema, CreateSupplierSchema } from '@icc/shared';
import { describe, expect, it } from 'vitest';
import { aCampaign, aCustomer, aLocation, aProduct, aSupplier } from './support/builders.js';

describe('test builders', () => {
  it('build request bodies that the shared request schemas accept as they are', () => {
    for (const [schema, body] of [
      [CreateProductSchema, aProduct()],
      [CreateLocationSchema, aLocation()],
      [CreateSupplierSchema, aSupplier()],
      [CreateCustomerSchema, aCustomer()],
      [CreateCampaignSchema, aCampaign(['SKU-1'])],
    ] as const) {
      const parsed = schema.safeParse(body);
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(parsed.data).toMatchObject(body);
    }
  });
});
