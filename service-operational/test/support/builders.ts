import type { CreateCampaignSchema, CreateCustomerSchema, CreateLocationSchema, CreateProductSchema, CreateSupplierSchema } from '@icc/shared';
import type { z } from 'zod';

/**
 * Request bodies with sensible defaults; override only what a test is about.
 * The defaults are typed by shared's request schemas (and parsed by them in
 * builders.test.ts); overrides stay loose so a test can send a wrong field.
 */
let sequence = 0;
const next = () => ++sequence;

export function aProduct(overrides: Record<string, unknown> = {}) {
  const n = next();
  return {
    sku: `SKU-${n}`,
    name: `Widget ${n}`,
    category: 'hardware',
    unit: 'each',
    price: 12.5,
    cost: 7.25,
    reorderPoint: 10,
    safetyStock: 4,
    leadTimeDays: 5,
    ...overrides,
  } satisfies z.input<typeof CreateProductSchema>;
}

export function aLocation(overrides: Record<string, unknown> = {}) {
  const n = next();
  return { code: `WH-${n}`, name: `Warehouse ${n}`, type: 'warehouse', timeZone: 'Europe/Berlin', ...overrides } satisfies z.input<typeof CreateLocationSchema>;
}

export function aSupplier(overrides: Record<string, unknown> = {}) {
  const n = next();
  return { code: `SUP-${n}`, name: `Supplier ${n}`, email: `orders${n}@supplier.example`, defaultLeadTimeDays: 10, ...overrides } satisfies z.input<
    typeof CreateSupplierSchema
  >;
}

export function aCustomer(overrides: Record<string, unknown> = {}) {
  const n = next();
  return { code: `CUST-${n}`, name: `Customer ${n}`, segment: 'retail', ...overrides } satisfies z.input<typeof CreateCustomerSchema>;
}

export function aCampaign(skus: string[], overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    name: `Campaign ${next()}`,
    discountPercent: 15,
    startsAt: new Date(now - 86_400_000).toISOString(),
    endsAt: new Date(now + 86_400_000).toISOString(),
    skus,
    ...overrides,
  } satisfies z.input<typeof CreateCampaignSchema>;
}

/** A deterministic random source (mulberry32) for reproducible test mixes: same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}
